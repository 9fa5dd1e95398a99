"""WebhookEvents: the webhookEventIds already enqueued, kept for days so a redelivery hours later is a no-op.

Low-level DynamoDB calls rather than PynamoDB: this is on the intake's cold-start path. The intake reads
these records in the same BatchGetItem as the chats' focus (civic.tables.conversations), so a webhook
costs one read request whatever it carries.
Items: {event_id: S (key), enqueued_at: N, expires_at: N (TTL)}. No personal data.
"""

import time

from civic.settings import settings
from civic.tables import raw

TABLE, OWNER = "WebhookEventsTable", "deployment"


def table() -> str:
    return settings().webhook_events_table


def keys(event_ids: list[str]) -> list[dict]:
    return [{"event_id": {"S": i}} for i in event_ids]


PROJECTION = "event_id, expires_at"


def seen_in(items: list[dict], now: float | None = None) -> set[str]:
    """The event ids among found records that have not expired (TTL deletion lags up to two days)."""
    now = time.time() if now is None else now
    return {item["event_id"]["S"] for item in items if float(item.get("expires_at", {}).get("N", "inf")) > now}


def already_enqueued(event_ids: list[str], now: float | None = None) -> set[str]:
    """The ids among these that were enqueued before and whose record has not expired."""
    found = raw.batch_get({table(): keys(event_ids)}, {table(): PROJECTION})
    return seen_in(found[table()], now)


def marks(event_ids: list[str], now: float | None = None) -> list[dict]:
    """The BatchWriteItem puts that record these ids as enqueued."""
    now = time.time() if now is None else now
    expires = str(int(now + settings().webhook_dedupe_days * 86400))
    return [{"PutRequest": {"Item": {"event_id": {"S": i}, "enqueued_at": {"N": str(int(now))},
                                     "expires_at": {"N": expires}}}} for i in event_ids]


def mark_enqueued(event_ids: list[str], now: float | None = None) -> None:
    raw.batch_write({table(): marks(event_ids, now)})
