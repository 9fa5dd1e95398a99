from datetime import date, datetime, timezone
from decimal import Decimal

from civic import thai


def test_a_day_reads_in_thai_with_the_buddhist_year():
    """GIVEN Thursday 26 November 2026 WHEN formatted for a Thai citizen THEN "พฤ. 26 พ.ย. 2569"."""
    assert thai.day(date(2026, 11, 26)) == "พฤ. 26 พ.ย. 2569"
    assert thai.day(date(2026, 11, 26), "en") == "Thu 26 Nov 2026"


def test_a_utc_instant_is_shown_in_bangkok_time():
    """GIVEN 02:30 UTC WHEN shown to a citizen THEN 09:30 น. in Bangkok."""
    assert thai.moment(datetime(2026, 11, 26, 2, 30, tzinfo=timezone.utc)) == "พฤ. 26 พ.ย. 2569 09:30 น."


def test_amounts_are_baht_with_satang_rounded_half_up():
    """GIVEN 1234.505 WHEN formatted THEN 1,234.51 บาท."""
    assert thai.baht(Decimal("1234.505")) == "1,234.51 บาท"
    assert thai.baht(7, "en") == "THB 7.00"


def test_waits_are_said_in_hours_and_minutes():
    """GIVEN 65 and 12 minutes WHEN said to a citizen THEN "1 ชั่วโมง 5 นาที" and "12 นาที"."""
    assert thai.minutes(65) == "1 ชั่วโมง 5 นาที"
    assert thai.minutes(12) == "12 นาที"
    assert thai.minutes(60, "en") == "1 h"
