"""A citizen's rights under the PDPA, across every table and bucket that holds their data: access, erasure.

The holders come from the domain registry (civic.domains): each holder module exposes
`export_citizen(user_id) -> list[dict]` and `erase_citizen(user_id) -> int`. tests/contract check that
every table and bucket of template.yaml is covered by a holder or declared in NOT_PERSONAL
(docs/pdpa.md), and tests/integration/privacy scan the whole stack for a citizen after an erase.
"""

import hashlib
import importlib
import time

from civic import domains

NOT_PERSONAL = {
    "WebhookEventsTable": "webhook event ids and times only",
    "IdempotencyTable": "hashes of events and the purposes of what was sent",
    "BookingServicesTable": "an agency's services and calendars",
    "BookingSlotsTable": "seat counters per slot",
    "AgencyProfilesTable": "an agency's names, office hours and chat settings",
    "FaqTable": "an agency's questions and answers; unanswered questions are kept without any LINE id, scrubbed of "
                "phone and ID numbers, 90 days",
    "RichMenusTable": "an agency's rich-menu configuration and the id of the LINE rich menu published from it",
    "ComplaintSetupTable": "an agency's categories, areas and departments; no citizen's data (the duty officers' "
                           "and supervisors' LINE ids are the agency's own staff, set by its admin)",
    "ComplaintFiguresTable": "counters and reference sequences per agency",
    # The agency's billing records: addresses and usage per account number, no LINE id (docs/bills.md). A
    # linked citizen's export includes their accounts and bills; erasing the citizen removes every link to them.
    "BillAgenciesTable": "an agency's bill settings",
    "BillAccountsTable": "the agency's account register (no LINE id)",
    "BillsTable": "the agency's bills per account (no LINE id)",
    "BillJobsTable": "batches, notices, their counts and rejected lines (no LINE id)",
    "ImportsBucket": "the billing files agencies upload (no LINE id); deleted after 30 days",
}
FORMAT = "line-civic-desk/my-data/v2"


def _holders():
    """(domain, short name, module) of every holder, in registry order (booking before the citizen's own
    records, so erasing bookings can still read what it needs)."""
    return [(domain.name, module.rsplit(".", 1)[-1], importlib.import_module(module))
            for domain in domains.DOMAINS for module in domain.holders]


def export(user_id: str) -> dict:
    records: dict[str, dict[str, list]] = {}
    for domain, name, module in _holders():
        records.setdefault(domain, {})[name] = module.export_citizen(user_id)
    return {"format": FORMAT, "exportedAt": int(time.time()), "userId": user_id, "records": records}


def erase(user_id: str) -> dict[str, int]:
    """Erase everywhere; returns items removed per holder (`<domain>.<holder>`). The tombstone is the
    log line under a pseudonym, not a record."""
    return {f"{domain}.{name}": module.erase_citizen(user_id) for domain, name, module in _holders()}


def pseudonym(user_id: str) -> str:
    """What logs and object keys may carry instead of a LINE user id."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]
