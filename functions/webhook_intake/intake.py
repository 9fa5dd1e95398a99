"""WebhookIntake: verify LINE's signature, drop what we already took, enqueue each event to its domain, answer.

LINE counts a webhook as failed without an answer in 2 s, so this path does no LINE call and imports no
LINE SDK (nor boto3 until the first request). It reads the dedupe records and the chats' focus in one
BatchGetItem, and writes both in one BatchWriteItem after SQS took the events. 200 means every event is
durably on a FIFO queue; anything else is 5xx so LINE redelivers and nothing is lost. See
docs/architecture.md.
"""

import base64
import hashlib
import json
import time

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from civic import channel, signature, text, webhook
from civic.aws import client
from civic.observability import NAMESPACE
from civic.settings import settings
from civic.tables import conversations, raw, webhook_events

MAX_BODY_BYTES = 1_000_000  # LINE's bodies are small; refuse more before parsing or logging it
SQS_BATCH = 10

logger = Logger(service="webhook-intake")
metrics = Metrics(namespace=NAMESPACE, service="webhook-intake")
# No Powertools Tracer here: it imports the X-Ray SDK and botocore (~0.28 s) at cold start. Lambda's
# active tracing still records every invocation; the workers add SDK subsegments.


def _answer(status: int, message: str) -> dict:
    return {"statusCode": status, "headers": {"content-type": "application/json"},
            "body": json.dumps({"message": message})}


def _raw_body(event: dict) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


def _header(event: dict, name: str) -> str | None:
    # API Gateway lower-cases HTTP API headers, but a proxy or test may not: match in any case.
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value
    return None


def _signed(body: bytes, sig: str | None) -> bool:
    if signature.is_valid(channel.channel_secret(), body, sig):
        return True
    # The secret may have just been rotated: re-read it once (rate-limited) before calling it forged.
    return channel.refresh() and signature.is_valid(channel.channel_secret(), body, sig)


def _dedupe_id(event: dict) -> str:
    event_id = event.get("webhookEventId")
    if isinstance(event_id, str) and 0 < len(event_id) <= 128 and event_id.isascii() and event_id.isalnum():
        return event_id
    return hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()


def _known(event_ids: list[str], chats: list[str]) -> tuple[set[str], dict[str, str]]:
    """(event ids already enqueued, chat → the domain holding its focus), in one BatchGetItem."""
    events_table, conversations_table = webhook_events.table(), conversations.table()
    found = raw.batch_get({events_table: webhook_events.keys(event_ids),
                           conversations_table: conversations.focus_keys(chats)},
                          {events_table: webhook_events.PROJECTION})
    return webhook_events.seen_in(found[events_table]), conversations.focus_in(found[conversations_table])


def _remember(event_ids: list[str], focus_changes: dict[str, str]) -> None:
    """Record the events as enqueued and hand chats their new focus, in one BatchWriteItem."""
    raw.batch_write({webhook_events.table(): webhook_events.marks(event_ids),
                     conversations.table(): [conversations.focus_put(chat, domain)
                                             for chat, domain in focus_changes.items()]})


def _enqueue(destination: str, events: list[tuple[dict, str]]) -> None:
    """Send each event to its domain's FIFO queue, grouped by chat; raise if any send did not land."""
    by_queue: dict[str, list[dict]] = {}
    now_ms = int(time.time() * 1000)
    for index, (event, domain) in enumerate(events):
        queue_url = settings().domain_queues[domain]
        by_queue.setdefault(queue_url, []).append({
            "Id": str(index),
            "MessageBody": json.dumps({"destination": destination, "receivedAt": now_ms, "event": event},
                                      ensure_ascii=False),
            "MessageGroupId": webhook.chat_id(event),
            "MessageDeduplicationId": _dedupe_id(event),
        })
    for queue_url, entries in by_queue.items():
        for start in range(0, len(entries), SQS_BATCH):
            answer = client("sqs").send_message_batch(QueueUrl=queue_url, Entries=entries[start:start + SQS_BATCH])
            if answer.get("Failed"):
                raise RuntimeError(f"SQS refused {len(answer['Failed'])} events: {answer['Failed'][0].get('Code')}")


def _routed(events: list[dict], focus: dict[str, str]) -> tuple[list[tuple[dict, str]], dict[str, str]]:
    """Each event with its domain, in order, and the chats whose focus these events hand to a domain.
    A postback that opens a draft moves the focus for the events after it in the same body too."""
    routed, changes = [], {}
    for event in events:
        chat = webhook.chat_id(event)
        routed.append((event, webhook.route(event, focus.get(chat))))
        taker = webhook.takes_focus(event, focus.get(chat))
        if taker:
            focus[chat] = changes[chat] = taker
    return routed, changes


@metrics.log_metrics
def lambda_handler(event: dict, context) -> dict:
    logger.set_correlation_id(None)  # a warm container must not log this request under the last one's id
    body = _raw_body(event)
    if len(body) > MAX_BODY_BYTES:
        metrics.add_metric(name="WebhookTooLarge", unit=MetricUnit.Count, value=1)
        logger.warning("webhook body too large", extra={"bytes": len(body)})
        return _answer(413, "payload too large")
    if not _signed(body, _header(event, "x-line-signature")):
        metrics.add_metric(name="WebhookSignatureRejected", unit=MetricUnit.Count, value=1)
        logger.warning("webhook signature missing or invalid", extra={"bytes": len(body)})
        return _answer(401, "invalid signature")
    try:
        destination, events = webhook.parse(body)
    except webhook.WebhookError as exc:
        logger.warning("webhook body rejected", extra={"reason": str(exc)})
        return _answer(400, str(exc))

    active = [text.clean_tree(e) for e in events if not webhook.is_standby(e)]
    unique = list({_dedupe_id(e): e for e in active}.items())  # one body may repeat an event
    if not unique:
        return _answer(200, "ok")
    logger.set_correlation_id(unique[0][0])  # the workers log under the same webhookEventId
    try:
        seen, focus = _known([i for i, _ in unique], [webhook.chat_id(e) for _, e in unique])
        fresh = [(i, e) for i, e in unique if i not in seen]
        routed, focus_changes = _routed([e for _, e in fresh], focus)
        for (event_id, e), (_, domain) in zip(fresh, routed):
            logger.info("webhook event", extra={"webhook_event_id": event_id, "type": e.get("type"), "domain": domain,
                                                "redelivery": (e.get("deliveryContext") or {}).get("isRedelivery")})
        if fresh:
            _enqueue(destination, routed)
            _remember([i for i, _ in fresh], focus_changes)
    except Exception:
        # Not all events are durable: LINE must redeliver. FIFO dedupe and the workers keep it one effect.
        logger.exception("webhook events not enqueued")
        metrics.add_metric(name="WebhookEnqueueFailed", unit=MetricUnit.Count, value=1)
        return _answer(503, "try again")
    metrics.add_metric(name="WebhookEventsEnqueued", unit=MetricUnit.Count, value=len(fresh))
    metrics.add_metric(name="WebhookEventsDuplicate", unit=MetricUnit.Count, value=len(unique) - len(fresh))
    return _answer(200, "ok")
