"""Service levels in working days: when a case is expected done, counted the way a Thai office works —
Monday to Friday, never on a Thai public holiday (substitution days included, from `holidays`).

Pure: datetimes in Asia/Bangkok in, a datetime out. A case received on a working day before the office
closes counts that day as day 0; N working days later, at closing time, is its expected completion.
"""

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from civic.thai import BANGKOK

CLOSES = time(16, 30)  # Thai government offices close at 16:30
MAX_DAYS = 180


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TH", years=year, language="th")


def holiday(d: date) -> str | None:
    """The Thai public holiday on this day, or None."""
    return _holidays(d.year).get(d)


def working(d: date) -> bool:
    return d.weekday() < 5 and holiday(d) is None


def next_working(d: date) -> date:
    d += timedelta(days=1)
    while not working(d):
        d += timedelta(days=1)
    return d


def due(received: datetime, working_days: int) -> datetime:
    """The expected completion of a case received at `received` with a service level of `working_days`
    (0: the same working day, or the next one if received after hours or on a day off)."""
    if not 0 <= working_days <= MAX_DAYS:
        raise ValueError(f"a service level is 0..{MAX_DAYS} working days")
    local = received.astimezone(BANGKOK)
    day = local.date()
    if not working(day) or local.time() >= CLOSES:
        day = next_working(day)
    for _ in range(working_days):
        day = next_working(day)
    return datetime.combine(day, CLOSES, tzinfo=BANGKOK)
