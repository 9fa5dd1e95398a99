"""Deliveries: what LineSender did with each outbound message — the audit log and the quota count.

Items: message_id (key), recipient, endpoint (reply|push|multicast), status (sending|delivered|
undeliverable), http_status, request_id (LINE's x-line-request-id or accepted-request-id), attempts,
purpose, sent_at, reply_unanswered_at (when a reply of ours went unanswered: it may have used the token),
expires_at (TTL: a year). `quota#YYYY-MM#<shard>` items count billed messages per month, in the Japan month as
LINE counts it. A multicast's recipients each get a receipt `<message id>#<user>` (recipient = the user), so a
citizen's export and erase find what reached them through a multicast too. `tally#<key>#<shard>` items count a
fan-out's results per recipient (delivered, undeliverable and why) for the staff who started it; only the
attempt that moves a delivery to its final state counts it, so a retried record never counts twice.
`<agency>#msg#<YYYY-MM-DD>#<shard>` items count, the same way, the recipients each day (Bangkok) that LINE took
(`sent_count`) or refused for good (`failed_count`) on the channel of that agency: the console's chart.
"""

import hashlib
import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic import daily
from civic.quota import month
from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "DeliveriesTable", "citizen"

AUDIT_DAYS = 365
# Counters are spread over shards: a national fan-out finishes ~1,800 deliveries a second, over the 1,000
# writes a second one DynamoDB item (partition) takes.
COUNTER_SHARDS = 8
FINAL = ("delivered", "undeliverable")
RECEIPT_BATCH = 25


class ByRecipient(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-recipient"
        projection = KeysOnlyProjection()

    recipient = UnicodeAttribute(hash_key=True)
    sent_at = NumberAttribute(range_key=True)


class Delivery(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("deliveries_table")

    message_id = UnicodeAttribute(hash_key=True)
    recipient = UnicodeAttribute(null=True)  # the user, or "multicast:<n>" for a multicast
    endpoint = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    http_status = NumberAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    purpose = UnicodeAttribute(null=True)
    sent_at = NumberAttribute(null=True)
    billed = NumberAttribute(null=True)  # messages counted against the monthly quota (recipients of a push)
    reply_unanswered_at = NumberAttribute(null=True)  # a retry in another invocation must not push after it
    # tally items only: recipients delivered and refused, and LINE's reasons for refusing
    delivered_count = NumberAttribute(null=True)
    undeliverable_count = NumberAttribute(null=True)
    reasons = UnicodeSetAttribute(null=True)
    # day items only: the channel's agency, and recipients sent and failed that day
    agency_id = UnicodeAttribute(null=True)
    sent_count = NumberAttribute(null=True)
    failed_count = NumberAttribute(null=True)
    by_recipient = ByRecipient()


def find(message_id: str) -> Delivery | None:
    try:
        return Delivery.get(message_id, consistent_read=True)
    except DoesNotExist:
        return None


def begin(message_id: str, recipient: str, endpoint: str, purpose: str, known: Delivery | None = None) -> Delivery:
    """Note an attempt before calling LINE, so a crash after LINE's answer is recognisable on retry.
    `known` is the record the caller already read (saves reading it again)."""
    delivery = known or Delivery(message_id, recipient=recipient, purpose=purpose)
    delivery.endpoint = endpoint
    delivery.status = "sending"
    delivery.attempts = (delivery.attempts or 0) + 1
    delivery.sent_at = time.time()
    delivery.expires_at = int(time.time() + AUDIT_DAYS * 86400)
    delivery.save()
    return delivery


def finish(delivery: Delivery, status: str, http_status: int | None, request_id: str | None,
           error: str | None = None, billed: int = 0, reply_unanswered: bool = False, tally: str | None = None,
           recipients: int = 1, agency_id: str | None = None) -> None:
    """Record LINE's answer. `reply_unanswered` notes, for good, that this reply attempt got no answer. A final
    answer counts its billed messages (the JST month), its fan-out's tally and the day's sent or failed count of
    `agency_id`'s channel, once."""
    actions = [
        Delivery.status.set(status),
        Delivery.http_status.set(http_status),
        Delivery.request_id.set(request_id),
        Delivery.error.set(error),
        Delivery.billed.set(billed),
    ]
    if reply_unanswered:
        actions.append(Delivery.reply_unanswered_at.set(time.time()))
    if status not in FINAL:
        delivery.update(actions=actions)
        return
    # Only the attempt that moves the record from "sending" to its final state counts it: a retried record
    # never counts twice (a crash between the two writes loses a count; the delivery itself is recorded).
    try:
        delivery.update(actions=actions, condition=Delivery.status == "sending")
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return
        raise
    shard = _shard(delivery.message_id)
    if billed:
        Delivery(f"quota#{month(time.time())}#{shard}").update(actions=[Delivery.billed.add(billed)])
    if tally:
        counts = [Delivery.delivered_count.add(recipients) if status == "delivered"
                  else Delivery.undeliverable_count.add(recipients)]
        reason = f"{http_status or ''} {error or ''}".strip()[:200]
        if status != "delivered" and reason:
            counts.append(Delivery.reasons.add({reason}))
        Delivery(f"tally#{tally}#{shard}").update(actions=counts)
    if agency_id:
        now = time.time()
        counted = Delivery.sent_count if status == "delivered" else Delivery.failed_count
        Delivery(day_key(agency_id, daily.day_of(now), shard)).update(actions=[
            counted.add(recipients), Delivery.agency_id.set(agency_id),
            Delivery.expires_at.set(int(now + AUDIT_DAYS * 86400))])


def receipts(message_id: str, recipients: list[str], purpose: str) -> None:
    """One record per recipient of a multicast LINE took: what a citizen's export and erase find."""
    now = time.time()
    with Delivery.batch_write() as batch:
        for user in dict.fromkeys(recipients):
            batch.save(Delivery(f"{message_id}#{user}", recipient=user, endpoint="multicast", status="delivered",
                                purpose=purpose, sent_at=now, expires_at=int(now + AUDIT_DAYS * 86400)))


def _shard(message_id: str) -> int:
    return int(hashlib.sha256(message_id.encode()).hexdigest()[:4], 16) % COUNTER_SHARDS


def _counters(prefix: str) -> list[Delivery]:
    keys = [f"{prefix}#{n}" for n in range(COUNTER_SHARDS)]
    return list(Delivery.batch_get(keys, consistent_read=True))


def day_key(agency_id: str, day: str, shard: int) -> str:
    return f"{agency_id}#msg#{day}#{shard}"


def sent_by_day(agency_id: str, days: list[str]) -> dict[str, dict[str, int]]:
    """day → {sent, failed} recipients on the agency's channel, for each of `days` (BatchGetItem, no scan)."""
    found = {day: {"sent": 0, "failed": 0} for day in days}
    keys = [day_key(agency_id, day, n) for day in days for n in range(COUNTER_SHARDS)]
    for item in Delivery.batch_get(keys):
        day = item.message_id.removeprefix(f"{agency_id}#msg#").rsplit("#", 1)[0]
        found[day]["sent"] += int(item.sent_count or 0)
        found[day]["failed"] += int(item.failed_count or 0)
    return found


def billed_this_month() -> int:
    return sum(int(item.billed or 0) for item in _counters(f"quota#{month(time.time())}"))


def tally(key: str) -> dict:
    """A fan-out's results so far: recipients delivered and undeliverable, and LINE's reasons."""
    items = _counters(f"tally#{key}")
    return {"delivered": sum(int(i.delivered_count or 0) for i in items),
            "undeliverable": sum(int(i.undeliverable_count or 0) for i in items),
            "reasons": sorted({r for i in items for r in (i.reasons or ())})}


def export_citizen(user_id: str) -> list[dict]:
    keys = [d.message_id for d in Delivery.by_recipient.query(user_id)]
    return [d.to_simple_dict() for d in Delivery.batch_get(keys)] if keys else []


def erase_citizen(user_id: str) -> int:
    keys = [d.message_id for d in Delivery.by_recipient.query(user_id)]
    with Delivery.batch_write() as batch:
        for key in keys:
            batch.delete(Delivery(key))
    return len(keys)
