"""Days for the console's charts (civic.daily) and the no-show rate: pure."""

from datetime import date

import pytest

from civic import daily
from civic.booking.figures import no_show_rate


def test_a_window_ends_today_oldest_first_across_a_month_end():
    """GIVEN 2 December WHEN a 3-day window is asked THEN 30 November, 1 and 2 December, in that order."""
    assert daily.window(date(2026, 12, 2), 3) == ["2026-11-30", "2026-12-01", "2026-12-02"]


def test_a_window_of_no_days_or_over_a_year_is_refused():
    """GIVEN any day WHEN 0 or 367 days are asked THEN ValueError."""
    for days in (0, daily.MAX_DAYS + 1):
        with pytest.raises(ValueError):
            daily.window(date(2026, 12, 2), days)


def test_an_event_late_in_the_utc_day_counts_on_the_next_bangkok_day():
    """GIVEN 1 December 17:30 UTC (00:30 on the 2nd in Bangkok) THEN its day is 2026-12-02."""
    assert daily.day_of(1796146200) == "2026-12-02"


def test_the_same_business_id_always_lands_on_the_same_shard_within_range():
    """GIVEN a booking reference THEN its shard is stable and within SHARDS."""
    assert daily.shard("BK-1234") == daily.shard("BK-1234") and 0 <= daily.shard("BK-1234") < daily.SHARDS


def test_the_no_show_rate_counts_only_bookings_that_ended_at_the_desk():
    """GIVEN 3 served and 1 no-show THEN 0.25; GIVEN none ended THEN 0.0."""
    assert no_show_rate(3, 1) == 0.25 and no_show_rate(0, 0) == 0.0
