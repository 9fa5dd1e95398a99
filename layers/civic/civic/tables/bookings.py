"""Bookings: each citizen's bookings, and per citizen and service the count of active ones.

Items (hash key `pk`):
- `B#<ref>`: a Booking. The ref is derived from the citizen, the slot and the request, so a retried or
  double-tapped confirm writes the same key and the conditional put finds the first one.
- `A#<user>#<service>`: an ActiveCount, raised and lowered in the same transaction as the booking, so
  "at most N active bookings per service" holds under any interleaving.

GSIs: by-citizen (user_id, starts_at) for "my bookings", export and erase; by-day (day_key, starts_at)
with day_key `<service>@<YYYYMMDD>#<shard>` — sharded like the seats, so a hot slot's bookings are spread
over as many index partitions as its counters. Personal data: the LINE user id; TTL after the slot.
"""

from datetime import date

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from civic.booking.config import setting
from civic.tables.base import CivicModel


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
    user_id = UnicodeAttribute(null=True)
    service_id = UnicodeAttribute(null=True)
    active = NumberAttribute(default=0)


def booking_key(ref: str) -> str:
    return f"B#{ref}"


def count_key(user_id: str, service_id: str) -> str:
    return f"A#{user_id}#{service_id}"


def day_key(service_id: str, day: date, shard: int) -> str:
    return f"{service_id}@{day:%Y%m%d}#{shard}"


def find(ref: str) -> Booking | None:
    try:
        return Booking.get(booking_key(ref), consistent_read=True)
    except Booking.DoesNotExist:
        return None


def active_count(user_id: str, service_id: str) -> int:
    try:
        return int(ActiveCount.get(count_key(user_id, service_id), consistent_read=True).active)
    except ActiveCount.DoesNotExist:
        return 0


def of_citizen(user_id: str, starts_after: float | None = None) -> list[Booking]:
    condition = Booking.starts_at > int(starts_after) if starts_after is not None else None
    return list(Booking.by_citizen.query(user_id, condition))


def of_day(service_id: str, day: date, shards_seen: int) -> list[Booking]:
    """Every booking of a service on a day, in start order, across the shards' index partitions."""
    found = [b for k in range(shards_seen) for b in Booking.by_day.query(day_key(service_id, day, k))]
    return sorted(found, key=lambda b: (b.starts_at, b.created_at))


def counts_of_citizen(user_id: str) -> list[ActiveCount]:
    """The ActiveCount items of a citizen (keys are built from the services they booked)."""
    keys = {count_key(user_id, b.service_id) for b in of_citizen(user_id)}
    return list(ActiveCount.batch_get(keys)) if keys else []
