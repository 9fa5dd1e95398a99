"""BookingSlots: the seat counters of each published slot — the items a launch-day rush writes to.

One item per slot and shard: pk `<slot_id>#<k>` (e.g. `id-card@202611260930#0`). A slot's seats are split
over `shards` items so one hot slot is written on many partitions (docs/booking.md); each item holds
its share: seats, general_left, priority_left and held (freed seats kept for a waitlist offer).
Conservation, per item: seats = general_left + priority_left + held + bookings holding this shard.

GSI by-service (service_id, starts_at) is KEYS_ONLY: counter updates do not write to it, so the index
never throttles the rush; listings read the keys there and the counters by BatchGetItem.
No personal data; items expire after the slot (TTL).
"""

from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.booking import calendar
from civic.booking.config import config, setting
from civic.tables.base import CivicModel

_BATCH_GET = 100


class ByService(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-service"
        projection = KeysOnlyProjection()

    service_id = UnicodeAttribute(hash_key=True)
    starts_at = NumberAttribute(range_key=True)


class Slot(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("slots_table")

    pk = UnicodeAttribute(hash_key=True)
    slot_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
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


def of_service(service_id: str, starts_from: datetime, starts_before: datetime) -> dict[str, list[Slot]]:
    """slot_id → its shards, for the slots starting in [from, before). Counters read eventually-consistent:
    this is for showing seats, never for taking one."""
    keys = [item.pk for item in Slot.by_service.query(
        service_id, Slot.starts_at.between(int(starts_from.timestamp()), int(starts_before.timestamp()) - 1))]
    found: dict[str, list[Slot]] = {}
    for start in range(0, len(keys), _BATCH_GET):
        for item in Slot.batch_get(keys[start:start + _BATCH_GET]):
            found.setdefault(item.slot_id, []).append(item)
    return {sid: sorted(items, key=lambda s: s.shard) for sid, items in sorted(found.items())}


def publish(agency_id: str, planned: list[calendar.PlannedSlot], shards_per_slot: int) -> int:
    """Create the counters of planned slots not yet published; never touches an existing one (its seats
    may already be taken). Returns how many shard items were created."""
    if not planned:
        return 0
    service_id = planned[0].service_id
    existing = {item.pk for item in Slot.by_service.query(
        service_id, Slot.starts_at.between(int(min(p.starts_at for p in planned).timestamp()),
                                           int(max(p.starts_at for p in planned).timestamp())))}
    fresh = []
    for slot in planned:
        seat_shares = calendar.shares(slot.seats, shards_per_slot)
        priority_shares = calendar.shares(slot.priority_seats, shards_per_slot)
        fresh += [
            Slot(shard_key(slot.slot_id, k), slot_id=slot.slot_id, agency_id=agency_id, service_id=service_id,
                 starts_at=int(slot.starts_at.timestamp()), priority_opens_at=int(slot.priority_opens_at.timestamp()),
                 shard=k, shards=shards_per_slot, seats=seat_shares[k],
                 general_left=seat_shares[k] - priority_shares[k], priority_left=priority_shares[k], held=0,
                 status="open", expires_at=int(slot.starts_at.timestamp()) + config().retention_days * 86400)
            for k in range(shards_per_slot) if shard_key(slot.slot_id, k) not in existing
        ]
    # Conditional: a concurrent publish (the nightly job and a staff edit at once) must never reset counters
    # whose seats may already be taken.
    return sum(_create(item) for item in fresh)


def _create(item: Slot) -> bool:
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
