"""The agency's bookings per day for the console's chart, from the day counts the ledger keeps
(civic.tables.bookings.DayCount, moved in each booking's own transaction): a window is a few BatchGetItems,
whatever the number of bookings."""

from datetime import date

from civic import daily
from civic.tables import bookings


def no_show_rate(served: int, no_show: int) -> float:
    """No-shows among the bookings that ended with the citizen expected at the desk; 0.0 when none ended."""
    ended = served + no_show
    return round(no_show / ended, 3) if ended else 0.0


def figures(agency_id: str, today: date, days: int = 30) -> dict:
    window = daily.window(today, days)
    counted = bookings.day_counts(agency_id, window)
    by_day = [{"day": day, **counted[day]} for day in window]
    return {"by_day": by_day, "no_show_rate": no_show_rate(sum(d["served"] for d in by_day),
                                                           sum(d["no_show"] for d in by_day))}
