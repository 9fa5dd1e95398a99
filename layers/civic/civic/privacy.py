"""A citizen's rights under the PDPA, across every table that holds their data: access and erasure.

Each holder module exposes `export_citizen(user_id) -> list[dict]` and `erase_citizen(user_id) -> int`.
A new table that holds personal data adds its module to HOLDERS with the template tables it covers;
tests/contract check every table of template.yaml is covered here or in NOT_PERSONAL (docs/pdpa.md).
"""

import hashlib
import importlib
import time

HOLDERS = {
    "civic.tables.citizens": ["CitizensTable"],
    "civic.tables.deliveries": ["DeliveriesTable"],
    "civic.booking.my_data": ["BookingsTable", "BookingWaitlistTable", "QueueTicketsTable"],
}
NOT_PERSONAL = {
    "WebhookEventsTable": "webhook event ids and times only",
    "IdempotencyTable": "hashes of events and the purposes of what was sent",
    "BookingServicesTable": "an agency's services and calendars",
    "BookingSlotsTable": "seat counters per slot",
}


def _holders():
    return [(name.rsplit(".", 1)[-1], importlib.import_module(name)) for name in HOLDERS]


def export(user_id: str) -> dict:
    return {
        "format": "line-civic-desk/my-data/v1",
        "exportedAt": int(time.time()),
        "userId": user_id,
        "records": {name: module.export_citizen(user_id) for name, module in _holders()},
    }


def erase(user_id: str) -> dict[str, int]:
    """Erase everywhere; returns items removed per holder. The tombstone is the log line, not a record."""
    return {name: module.erase_citizen(user_id) for name, module in _holders()}


def pseudonym(user_id: str) -> str:
    """What logs may carry instead of a LINE user id."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]
