"""BookingSlots: the seat counters of each published slot — the items a launch-day rush writes to.

One item per slot and shard: pk `<slot_id>#<k>`, the slot id beginning with the agency
(`demo-municipality#id-card@202611260930#0`). A slot's seats are split over `shards` items so one hot
slot is written on many partitions (docs/booking.md); each item holds its share: seats, general_left,
priority_left and held (freed seats kept for a waitlist offer).
Conservation, per item: seats = general_left + priority_left + held + bookings holding this shard.

GSI by-service (service_key = `<agency>#<service>`, starts_at) is KEYS_ONLY: counter updates do not
write to it, so the index never throttles the rush; listings read the keys there and the counters by
BatchGetItem. No personal data; items expire after the slot (TTL).
"""

from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "BookingSlotsTable", "agency"
_BATCH_GET = 100


class ByService(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-service"
        projection = KeysOnlyProjection()

    service_key = UnicodeAttribute(hash_key=True)
    starts_at = NumberAttribute(range_key=True)


class Slot(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("booking_slots_table")

    pk = UnicodeAttribute(hash_key=True)
    slot_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    service_key = UnicodeAttribute()
    starts_at = NumberAttribute()
    priority_opens_at = NumberAttribute()
    shard = NumberAttribute()
    shards = NumberAttribute()
    seats = NumberAttribute()
    general_left = NumberAttribute()
    priority_left = NumberAttribute()
    held = NumberAttribute(default=0)
    status = UnicodeAttribute(default="open")  # open | closed
    by_service = ByService()


def service_key(agency_id: str, service_id: str) -> str:
    return f"{agency_id}#{service_id}"


def shard_key(slot_id: str, shard: int) -> str:
    return f"{slot_id}#{shard}"


def shard(slot_id: str, k: int) -> Slot | None:
    try:
        return Slot.get(shard_key(slot_id, k), consistent_read=True)
    except Slot.DoesNotExist:
        return None


def shards(slot_id: str, shards_seen: int) -> list[Slot]:
    """Every shard item of one slot, read consistently (the truth a seat transaction is decided on)."""
    keys = [shard_key(slot_id, k) for k in range(shards_seen)]
    return sorted(Slot.batch_get(keys, consistent_read=True), key=lambda s: s.shard)


def _keys_between(agency_id: str, service_id: str, first: int, last: int) -> list[str]:
    return [item.pk for item in Slot.by_service.query(service_key(agency_id, service_id),
                                                       Slot.starts_at.between(first, last))]


def of_service(agency_id: str, service_id: str, starts_from: datetime,
               starts_before: datetime) -> dict[str, list[Slot]]:
    """slot_id → its shards, for the agency's service's slots starting in [from, before). Counters read
    eventually-consistent: this is for showing seats, never for taking one."""
    keys = _keys_between(agency_id, service_id, int(starts_from.timestamp()), int(starts_before.timestamp()) - 1)
    found: dict[str, list[Slot]] = {}
    for start in range(0, len(keys), _BATCH_GET):
        for item in Slot.batch_get(keys[start:start + _BATCH_GET]):
            found.setdefault(item.slot_id, []).append(item)
    return {sid: sorted(items, key=lambda s: s.shard) for sid, items in sorted(found.items())}


def existing(agency_id: str, service_id: str, first: int, last: int) -> set[str]:
    """The shard keys already published for the service between two start times (epoch s, inclusive)."""
    return set(_keys_between(agency_id, service_id, first, last))


def create(item: Slot) -> bool:
    """Create a counter unless it exists: a concurrent publish (the nightly job and a staff edit at once)
    must never reset counters whose seats may already be taken. True when created."""
    try:
        item.save(condition=Slot.pk.does_not_exist())
        return True
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False


def close(slot_id: str, shards_seen: int) -> int:
    """Mark every shard of a slot closed: no seat can be taken from it any more."""
    closed = 0
    for item in shards(slot_id, shards_seen):
        if item.status != "closed":
            item.update(actions=[Slot.status.set("closed")])
            closed += 1
    return closed
