"""WebhookEvents: the webhookEventIds already enqueued, kept for days so a redelivery hours later is a no-op.

Low-level DynamoDB calls rather than PynamoDB: this is on the intake's cold-start path.
Items: {event_id: S (key), enqueued_at: N, expires_at: N (TTL)}. No personal data.
"""

import time

from civic.aws import client
from civic.settings import settings

_BATCH_GET = 100
_BATCH_WRITE = 25
_MAX_ROUNDS = 5


def already_enqueued(event_ids: list[str], now: float | None = None) -> set[str]:
    """The ids among these that were enqueued before and whose record has not expired."""
    now = time.time() if now is None else now
    table = settings().webhook_events_table
    seen: set[str] = set()
    for start in range(0, len(event_ids), _BATCH_GET):
        keys = [{"event_id": {"S": i}} for i in event_ids[start:start + _BATCH_GET]]
        request = {table: {"Keys": keys, "ProjectionExpression": "event_id, expires_at", "ConsistentRead": True}}
        for _ in range(_MAX_ROUNDS):
            answer = client("dynamodb").batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(table, []):
                # TTL deletion lags up to two days: an expired record counts as gone.
                if float(item.get("expires_at", {}).get("N", "inf")) > now:
                    seen.add(item["event_id"]["S"])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise RuntimeError("DynamoDB left keys unprocessed; the intake will answer 5xx and LINE redelivers")
    return seen


def mark_enqueued(event_ids: list[str], now: float | None = None) -> None:
    now = time.time() if now is None else now
    table = settings().webhook_events_table
    expires = str(int(now + settings().webhook_dedupe_days * 86400))
    for start in range(0, len(event_ids), _BATCH_WRITE):
        puts = [
            {"PutRequest": {"Item": {"event_id": {"S": i}, "enqueued_at": {"N": str(int(now))},
                                     "expires_at": {"N": expires}}}}
            for i in event_ids[start:start + _BATCH_WRITE]
        ]
        request = {table: puts}
        for _ in range(_MAX_ROUNDS):
            request = client("dynamodb").batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            if not request:
                break
        else:
            raise RuntimeError("DynamoDB left writes unprocessed; the intake will answer 5xx and LINE redelivers")
