"""BookingWaitlist: citizens waiting for a seat in a full slot, first come first offered.

Key: slot_id (hash; it begins with the agency), entry (range) = `<joined epoch ms, 13 digits>.<hash of the user>`, so a slot's
waitlist reads in joining order with one consistent query. An entry is waiting → offered (a freed seat
is held for it until offer_expires_at) → accepted, declined or expired; left or closed otherwise.

GSIs (KEYS_ONLY): by-citizen (user_id, entry) for export and erase; open-offers (open_offer,
offer_expires_at), sparse — `open_offer` = `<agency>#open` exists only while an offer is open — for the
expiry sweep, which reads each agency's offers apart.
Personal data: the LINE user id; TTL after the slot.
"""

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "BookingWaitlistTable", "agency"


class ByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-citizen"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)


class OpenOffers(GlobalSecondaryIndex):
    class Meta:
        index_name = "open-offers"
        projection = KeysOnlyProjection()

    open_offer = UnicodeAttribute(hash_key=True)
    offer_expires_at = NumberAttribute(range_key=True)


class WaitlistEntry(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("booking_waitlist_table")

    slot_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)
    user_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    starts_at = NumberAttribute()
    priority_group = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="waiting")
    offered_at = NumberAttribute(null=True)
    offer_expires_at = NumberAttribute(null=True)
    offer_shard = NumberAttribute(null=True)
    offer_pool = UnicodeAttribute(null=True)
    offer_sent = BooleanAttribute(default=False)
    open_offer = UnicodeAttribute(null=True)
    by_citizen = ByCitizen()
    open_offers = OpenOffers()


def find(slot_id: str, entry: str) -> WaitlistEntry | None:
    try:
        return WaitlistEntry.get(slot_id, entry, consistent_read=True)
    except WaitlistEntry.DoesNotExist:
        return None


def of_slot(slot_id: str) -> list[WaitlistEntry]:
    """The whole waitlist of a slot in joining order, read consistently."""
    return list(WaitlistEntry.query(slot_id, consistent_read=True))


def waiting(slot_id: str) -> list[WaitlistEntry]:
    return [e for e in of_slot(slot_id) if e.status == "waiting"]


def of_citizen(user_id: str) -> list[WaitlistEntry]:
    keys = [(e.slot_id, e.entry) for e in WaitlistEntry.by_citizen.query(user_id)]
    return list(WaitlistEntry.batch_get(keys)) if keys else []


def open_key(agency_id: str) -> str:
    """The sparse index's key while an entry's offer is open."""
    return f"{agency_id}#open"


def open_offers(agency_id: str, expiring_before: float | None = None) -> list[WaitlistEntry]:
    """The agency's open offers (those expiring before a time, if given)."""
    condition = WaitlistEntry.offer_expires_at < int(expiring_before) if expiring_before is not None else None
    keys = [(e.slot_id, e.entry) for e in WaitlistEntry.open_offers.query(open_key(agency_id), condition)]
    return [e for e in WaitlistEntry.batch_get(keys) if e.status == "offered"] if keys else []
