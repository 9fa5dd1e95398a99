"""Messages on the agency's LINE channel for the console: recipients LINE took and refused each day (counted
where LineSender records a final answer, civic.tables.deliveries) and the month's quota as LINE counts it.

The quota is read from LINE (GET quota and consumption, civic.line_api) at most once a minute per warm
function: the console refreshes its charts, and LINE's numbers move slowly. When LINE does not answer, `used`
is our own count of billed messages this month and `limit`/`left` are unknown (`read_from_line` false), never
a guess.
"""

import time
from datetime import date

from civic import daily, quota
from civic.tables import deliveries

QUOTA_MAX_AGE_S = 60.0
_read: dict[str, tuple[float, dict]] = {}  # month → (read at, quota)


def _quota(now: float) -> dict:
    month = quota.month(now)
    cached = _read.get(month)
    if cached is not None and time.monotonic() - cached[0] < QUOTA_MAX_AGE_S:
        return cached[1]
    from civic import line_api  # the LINE SDK only when LINE is asked

    try:
        budget = quota.check(0)
        found = {"limit": budget.quota, "used": budget.used, "left": budget.left, "month": month,
                 "read_from_line": True}
    except line_api.QuotaUnknown:
        return {"limit": None, "used": deliveries.billed_this_month(), "left": None, "month": month,
                "read_from_line": False}
    _read.clear()
    _read[month] = (time.monotonic(), found)
    return found


def figures(agency_id: str, today: date, days: int = 30, now: float | None = None) -> dict:
    window = daily.window(today, days)
    counted = deliveries.sent_by_day(agency_id, window)
    return {"by_day": [{"day": day, **counted[day]} for day in window],
            "quota": _quota(time.time() if now is None else now)}


def forget() -> None:
    """Drop the quota read (tests)."""
    _read.clear()
