"""Service levels in working days (civic.complaints.sla): weekends and Thai public holidays do not count."""

from datetime import datetime

import pytest

from civic.complaints import sla
from civic.thai import BANGKOK


def _at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


def test_three_working_days_from_a_monday_morning_end_on_thursday_at_closing_time():
    """GIVEN a case received Monday 10:00 (2026-11-23) WHEN its level is 3 working days THEN Thursday 16:30."""
    assert sla.due(_at(2026, 11, 23), 3) == _at(2026, 11, 26, 16, 30)


def test_a_weekend_does_not_count():
    """GIVEN a case received Friday 10:00 WHEN its level is 2 working days THEN Tuesday, not Sunday."""
    assert sla.due(_at(2026, 11, 27), 2) == _at(2026, 12, 1, 16, 30)


def test_a_thai_public_holiday_does_not_count():
    """GIVEN a case received Wednesday 9 December 2026 WHEN its level is 1 working day THEN Friday 11th: Thursday 10
    December is Constitution Day."""
    assert sla.holiday(_at(2026, 12, 10).date())
    assert sla.due(_at(2026, 12, 9), 1) == _at(2026, 12, 11, 16, 30)


def test_after_hours_counts_from_the_next_working_day():
    """GIVEN a case received Monday at 20:00 WHEN its level is 0 (same day) THEN Tuesday 16:30; received Monday
    at 09:00 THEN Monday 16:30."""
    assert sla.due(_at(2026, 11, 23, 20), 0) == _at(2026, 11, 24, 16, 30)
    assert sla.due(_at(2026, 11, 23, 9), 0) == _at(2026, 11, 23, 16, 30)


def test_a_level_beyond_half_a_year_is_refused():
    """GIVEN 181 working days WHEN computed THEN ValueError (the agency API bounds it to 180 too)."""
    with pytest.raises(ValueError):
        sla.due(_at(2026, 11, 23), 181)
