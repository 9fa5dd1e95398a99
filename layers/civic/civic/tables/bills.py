"""Bills: one item per agency × account × month — the idempotency key of an import (a file imported again, or a
piece of it retried, finds its bills already there).

Items (hash pk = `<agency>#<account>`, range period `YYYY-MM`): usage, amount (baht, text), due (ISO date),
unit, status (unpaid | paid), paid_at, batch_id and line (the file line it came from), reminded (kinds sent),
qr (the Thai QR picture's token). While unpaid, due_key = `<agency>#<due>#<shard>` puts the bill in the sparse
index `by-due` the reminder sweep reads; paying removes it, so reminders stop. Shards (16, by account) spread
a national utility's 4,000,000 bills due on one day over index partitions (each takes 1,000 writes/s).
A QR item (pk `<agency>#qr#<token>`, range `qr`) holds the payload its picture is drawn from; paying deletes it.
The agency's ledger, not a citizen's record: no LINE id. Kept BILL_RETENTION_DAYS after the due date (TTL).
"""

import hashlib
import time
from datetime import date, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from civic.settings import setting, settings
from civic.tables.base import CivicModel

TABLE, OWNER = "BillsTable", "agency"
DUE_SHARDS = 16


class ByDue(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-due"
        projection = AllProjection()

    due_key = UnicodeAttribute(hash_key=True)
    account = UnicodeAttribute(range_key=True)


class Bill(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bills_table")

    pk = UnicodeAttribute(hash_key=True)
    period = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    account = UnicodeAttribute(null=True)
    usage = UnicodeAttribute(null=True)
    amount = UnicodeAttribute(null=True)
    due = UnicodeAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    paid_at = NumberAttribute(null=True)
    batch_id = UnicodeAttribute(null=True)
    line = NumberAttribute(null=True)
    reminded = UnicodeSetAttribute(null=True)
    qr = UnicodeAttribute(null=True)
    payload = UnicodeAttribute(null=True)  # QR items only
    due_key = UnicodeAttribute(null=True)
    by_due = ByDue()

    @property
    def due_date(self) -> date:
        return date.fromisoformat(self.due)


def key(agency_id: str, account: str) -> str:
    return f"{agency_id}#{account}"


def due_key(agency_id: str, due: date, account: str) -> str:
    shard = int(hashlib.sha256(account.encode()).hexdigest()[:4], 16) % DUE_SHARDS
    return f"{agency_id}#{due.isoformat()}#{shard:02d}"


def expires(due: date) -> int:
    return int(time.mktime((due + timedelta(days=settings().bill_retention_days)).timetuple()))


def find(agency_id: str, account: str, period: str) -> Bill | None:
    try:
        return Bill.get(key(agency_id, account), period, consistent_read=True)
    except Bill.DoesNotExist:
        return None


def put_new(bill: Bill) -> Bill | None:
    """Write a bill unless one exists for its account and month, or exists from this very line of this very
    batch (a retried piece). None when written (or ours already); else the bill that was there."""
    try:
        bill.save(condition=Bill.pk.does_not_exist() | ((Bill.batch_id == bill.batch_id) & (Bill.line == bill.line)))
        return None
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    return find(bill.agency_id, bill.account, bill.period)


def of(keys: list[tuple[str, str, str]]) -> dict[tuple[str, str], Bill]:
    """(account, period) → bill for (agency, account, period) keys (BatchGetItem, 100 a request)."""
    wanted = list(dict.fromkeys((key(a, acc), p) for a, acc, p in keys))
    found = {}
    for start in range(0, len(wanted), 100):
        for item in Bill.batch_get(wanted[start:start + 100]):
            found[(item.account, item.period)] = item
    return found


def of_account(agency_id: str, account: str, limit: int = 6) -> list[Bill]:
    """The account's latest bills, newest first."""
    return [b for b in Bill.query(key(agency_id, account), scan_index_forward=False, limit=limit) if b.alive()]


def due_on(agency_id: str, due: date) -> list[Bill]:
    """Unpaid bills due on a day (every shard of the sparse index)."""
    return [b for shard in range(DUE_SHARDS)
            for b in Bill.by_due.query(f"{agency_id}#{due.isoformat()}#{shard:02d}") if b.alive()]


def mark_paid(agency_id: str, account: str, period: str, at: float) -> Bill | None:
    """Paid: out of the reminder index for good. None when there is no such bill; the bill otherwise (an
    already paid one as it is)."""
    bill = find(agency_id, account, period)
    if bill is None or bill.status == "paid":
        return bill
    bill.update(actions=[Bill.status.set("paid"), Bill.paid_at.set(at), Bill.due_key.remove()])
    if bill.qr:
        Bill(f"{agency_id}#qr#{bill.qr}", "qr").delete()
    return bill


def reminded(bill: Bill, kind: str) -> None:
    bill.update(actions=[Bill.reminded.add({kind})])


def put_qr(agency_id: str, token: str, payload: str, due: date) -> None:
    Bill(f"{agency_id}#qr#{token}", "qr", agency_id=agency_id, payload=payload, expires_at=expires(due)).save()


def qr_payload(agency_id: str, token: str) -> str | None:
    try:
        item = Bill.get(f"{agency_id}#qr#{token}", "qr")
    except Bill.DoesNotExist:
        return None
    return item.payload if item.alive() else None
