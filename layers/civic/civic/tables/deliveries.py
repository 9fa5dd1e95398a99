"""Deliveries: what LineSender did with each outbound message — the audit log and the quota count.

Items: message_id (key), recipient, endpoint (reply|push|multicast), status (sending|delivered|
undeliverable), http_status, request_id (LINE's x-line-request-id or accepted-request-id), attempts,
purpose, sent_at, reply_unanswered_at (when a reply of ours went unanswered: it may have used the token),
expires_at (TTL: a year). A `quota#YYYY-MM` item counts billed messages per month.
"""

import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting, settings
from civic.tables.base import CivicModel

TABLE, OWNER = "DeliveriesTable", "citizen"

AUDIT_DAYS = 365


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
           error: str | None = None, billed: int = 0, reply_unanswered: bool = False) -> None:
    """Record LINE's answer. `reply_unanswered` notes, for good, that this reply attempt got no answer."""
    actions = [
        Delivery.status.set(status),
        Delivery.http_status.set(http_status),
        Delivery.request_id.set(request_id),
        Delivery.error.set(error),
        Delivery.billed.set(billed),
    ]
    if reply_unanswered:
        actions.append(Delivery.reply_unanswered_at.set(time.time()))
    delivery.update(actions=actions)
    if billed:
        month = time.strftime("%Y-%m", time.gmtime())
        Delivery(f"quota#{month}").update(actions=[Delivery.billed.add(billed)])


def billed_this_month() -> int:
    item = find(f"quota#{time.strftime('%Y-%m', time.gmtime())}")
    return int(item.billed or 0) if item else 0


def export_citizen(user_id: str) -> list[dict]:
    keys = [d.message_id for d in Delivery.by_recipient.query(user_id)]
    return [d.to_simple_dict() for d in Delivery.batch_get(keys)] if keys else []


def erase_citizen(user_id: str) -> int:
    keys = [d.message_id for d in Delivery.by_recipient.query(user_id)]
    with Delivery.batch_write() as batch:
        for key in keys:
            batch.delete(Delivery(key))
    return len(keys)
