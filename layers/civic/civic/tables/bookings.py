"""Bookings: each citizen's bookings, and per citizen and service the count of active ones.

Items (hash key `pk`, always beginning with the agency):
- `<agency>#B#<ref>`: a Booking. The ref is derived from the citizen, the slot and the request, so a
  retried or double-tapped confirm writes the same key and the conditional put finds the first one.
- `<agency>#A#<service>#<user>`: an ActiveCount, raised and lowered in the same transaction as the
  booking, so "at most N active bookings per service" holds under any interleaving. It carries the
  citizen's latest booking's start (so it sits in by-citizen for export and erase) and expires with it.

- `<agency>#F#<YYYY-MM-DD>#<shard>`: a DayCount, the agency's bookings made, served, no-shows and
  cancellations that day (Bangkok), moved in the same transaction as the booking's own change, so a retried
  record (whose condition then fails) never counts twice; spread over civic.daily.SHARDS items by the booking's
  reference. No personal data; kept FIGURE_DAYS.

GSIs: by-citizen (user_id, starts_at) for "my bookings", export and erase; by-day (day_key, starts_at)
with day_key `<agency>#<service>@<YYYYMMDD>#<shard>` — sharded like the seats, so a hot slot's bookings
are spread over as many index partitions as its counters. Personal data: the LINE user id; TTL after
the slot.
"""

from datetime import date

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from civic.daily import SHARDS
from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "BookingsTable", "agency"
FIGURE_DAYS = 400  # a year of charts, and the same month a year ago
COUNTS = ("booked", "served", "no_show", "cancelled")


class ByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-citizen"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    starts_at = NumberAttribute(range_key=True)


class ByDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True)
    starts_at = NumberAttribute(range_key=True)


class Booking(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bookings_table")

    pk = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute()
    user_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    slot_id = UnicodeAttribute()
    shard = NumberAttribute()
    pool = UnicodeAttribute()                        # general | priority: where a released seat goes back
    priority_group = UnicodeAttribute(null=True)     # elder | disabled | pregnant, as the citizen declared
    starts_at = NumberAttribute()
    day_key = UnicodeAttribute()
    status = UnicodeAttribute()                      # confirmed checked_in called served no_show cancelled rescheduled closed
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    queue_number = NumberAttribute(null=True)
    reminded = ListAttribute(of=UnicodeAttribute, default=list)
    previous_ref = UnicodeAttribute(null=True)       # the booking this one replaced (reschedule)
    next_ref = UnicodeAttribute(null=True)           # the booking that replaced this one
    by_citizen = ByCitizen()
    by_day = ByDay()


class ActiveCount(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bookings_table")

    pk = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    service_id = UnicodeAttribute(null=True)
    starts_at = NumberAttribute(null=True)  # the latest counted booking's start: puts the item in by-citizen
    active = NumberAttribute(default=0)
    by_citizen = ByCitizen()


class DayCount(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bookings_table")

    pk = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute(null=True)
    booked = NumberAttribute(null=True)
    served = NumberAttribute(null=True)
    no_show = NumberAttribute(null=True)
    cancelled = NumberAttribute(null=True)


def figure_key(agency_id: str, day: str, shard: int) -> str:
    return f"{agency_id}#F#{day}#{shard}"


def day_count(agency_id: str, day: str, shard: int, what: str, expires_at: int):
    """(item, actions) raising one of COUNTS for the agency's day: a step of the booking's own transaction."""
    if what not in COUNTS:
        raise ValueError(f"no day count {what!r}")
    return DayCount(figure_key(agency_id, day, shard)), (
        getattr(DayCount, what).add(1), DayCount.agency_id.set(agency_id), DayCount.expires_at.set(expires_at))


def day_counts(agency_id: str, days: list[str]) -> dict[str, dict[str, int]]:
    """day → {booked, served, no_show, cancelled} for each of `days` (BatchGetItem, never a scan)."""
    found = {day: dict.fromkeys(COUNTS, 0) for day in days}
    keys = [figure_key(agency_id, day, n) for day in days for n in range(SHARDS)]
    for item in DayCount.batch_get(keys):
        day = item.pk.removeprefix(f"{agency_id}#F#").rsplit("#", 1)[0]
        for what in COUNTS:
            found[day][what] += int(getattr(item, what) or 0)
    return found


def booking_key(agency_id: str, ref: str) -> str:
    return f"{agency_id}#B#{ref}"


def count_key(agency_id: str, service_id: str, user_id: str) -> str:
    return f"{agency_id}#A#{service_id}#{user_id}"


def day_key(agency_id: str, service_id: str, day: date, shard: int) -> str:
    return f"{agency_id}#{service_id}@{day:%Y%m%d}#{shard}"


def find(agency_id: str, ref: str) -> Booking | None:
    """The agency's booking with this reference; another agency's reference finds nothing."""
    try:
        return Booking.get(booking_key(agency_id, ref), consistent_read=True)
    except Booking.DoesNotExist:
        return None


def active_count(agency_id: str, service_id: str, user_id: str) -> int:
    try:
        return int(ActiveCount.get(count_key(agency_id, service_id, user_id), consistent_read=True).active)
    except ActiveCount.DoesNotExist:
        return 0


def of_citizen(user_id: str, starts_after: float | None = None) -> list[Booking]:
    """Every booking of a citizen, of every agency (callers filter by agency)."""
    condition = Booking.starts_at > int(starts_after) if starts_after is not None else None
    return [b for b in Booking.by_citizen.query(user_id, condition, filter_condition=Booking.ref.exists())]


def of_day(agency_id: str, service_id: str, day: date, shards_seen: int) -> list[Booking]:
    """Every booking of the agency's service on a day, in start order, across the shards' index partitions."""
    found = [b for k in range(shards_seen)
             for b in Booking.by_day.query(day_key(agency_id, service_id, day, k))]
    return sorted(found, key=lambda b: (b.starts_at, b.created_at))


def counts_of_citizen(user_id: str) -> list[ActiveCount]:
    """The ActiveCount items of a citizen, of every agency (found by-citizen, not through their bookings,
    so a count outlives no booking it was raised for)."""
    return list(ActiveCount.by_citizen.query(user_id, filter_condition=ActiveCount.active.exists()))
