"""The bill fan-out's pieces on the work queue: every stage is a bounded piece that enqueues the next.

Nothing loops over a whole file or a whole audience in one invocation:
- `segment`: one SEGMENT_BYTES range of an uploaded file (S3 GetObject with a Range, read as a stream): its
  lines are cut into chunks of CHUNK_ROWS and the next segment is enqueued (one FIFO group per batch, so
  segments run in order and line numbers add up); the first one reads the header and the encoding.
- `chunk`: up to CHUNK_ROWS rows written (accounts, bills, payments) — one FIFO group each, side by side.
- `notify-fan` / `notify`: once every chunk of a batch is in and the month's quota allows, each chunk's bills
  are pushed to the citizens linked to their accounts (a push per bill per citizen).
- `page`: one page (≤ 500) of a notice's area: counted (the preview) or sent as one multicast chunk.
- `remind`: one page of the unpaid bills due on a day (one index shard): reminders pushed.
Each piece is marked done once (civic.tables.bill_jobs.mark_once) with its counts; every message it sends
has an id derived from the business keys, so a retried piece sends nothing twice.
"""

import hashlib
import json
import time

from aws_lambda_powertools import Logger

from civic.aws import client
from civic.settings import settings

logger = Logger(child=True)
SEGMENT_BYTES = 4 * 1024 * 1024
CHUNK_ROWS = 500
CHUNK_BYTES = 180_000   # an SQS message holds 256 KB
FAN = 500               # notify messages one fan-out piece enqueues


def _dedupe(text: str) -> str:
    return text if len(text) <= 128 else hashlib.sha256(text.encode()).hexdigest()


def enqueue(messages: list[tuple[str, str, dict]]) -> None:
    """(group, dedupe id, body) onto the work queue, ten per request; raises unless all landed."""
    queue = settings().bill_work_queue_url
    entries = [{"Id": str(i), "MessageGroupId": _dedupe(group), "MessageDeduplicationId": _dedupe(dedupe),
                "MessageBody": json.dumps(body, ensure_ascii=False)} for i, (group, dedupe, body) in enumerate(messages)]
    batch, size = [], 0
    for entry in entries:
        length = len(entry["MessageBody"].encode())
        if batch and (len(batch) == 10 or size + length > 250_000):
            _send(queue, batch)
            batch, size = [], 0
        batch.append(entry)
        size += length
    if batch:
        _send(queue, batch)


def _send(queue: str, entries: list[dict]) -> None:
    answer = client("sqs").send_message_batch(QueueUrl=queue, Entries=[{**e, "Id": str(i)}
                                                                       for i, e in enumerate(entries)])
    if answer.get("Failed"):
        raise RuntimeError(f"work queue refused {len(answer['Failed'])} pieces: {answer['Failed'][0]}")


def handle(body: dict) -> str:
    """Do one piece; returns what it was (for logs and metrics)."""
    from civic.bills import importer, notices, notify, sweep

    stages = {"segment": importer.segment, "chunk": importer.chunk, "notify-fan": notify.fan,
              "notify": notify.chunk, "page": notices.page, "remind": sweep.page}
    started = time.monotonic()
    stages[body["stage"]](body)
    logger.info("bill piece done", extra={"stage": body["stage"], "ms": int((time.monotonic() - started) * 1000)})
    return body["stage"]
