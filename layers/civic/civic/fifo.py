"""FIFO partial batches where nothing reaches a dead-letter queue without having been tried (row 53).

Powertools' SqsFifoPartialProcessor(skip_group_on_error=True) fails the records behind a failing one in its
message group, untried, to keep the group's order. SQS counts a receive each time they come back in a batch
with the failing head, so after maxReceiveCount heads they would go to the DLQ never having been tried. Here:
- an untried record is made visible again at once: it comes back as soon as its group's head does, not a
  whole visibility time-out later (the head, still in flight, keeps the group's order);
- an untried record already received REQUEUE_AT times is put back as a fresh message (same body, same
  group, receive count zero) and the old one deleted, so its receives count only its own tries. The copies
  of one batch are sent in their order; a message sent to the group since then goes ahead of them.
Every FIFO consumer (the outbox's LineSender, each domain's worker) uses `process`.
"""

import hashlib
from functools import cache

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from civic.aws import client

logger = Logger(child=True)
REQUEUE_AT = 3  # receives; every FIFO queue's maxReceiveCount is at least 5 (tests/contract)


class FifoProcessor(SqsFifoPartialProcessor):
    """Skips a failed record's group like Powertools, and remembers which records it skipped untried."""

    def __init__(self):
        super().__init__(skip_group_on_error=True)
        self.untried: list[dict] = []

    def _prepare(self):
        super()._prepare()
        self.untried = []

    def _process_record(self, record):
        group = (record.get("attributes") or {}).get("MessageGroupId")
        if group in self._failed_group_ids:
            self.untried.append(record)
        return super()._process_record(record)


@cache
def _queue_url(arn: str, endpoint: str | None) -> str:
    return client("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]


def _fresh_dedupe_id(record: dict) -> str:
    attributes = record.get("attributes") or {}
    base = attributes.get("MessageDeduplicationId") or record["messageId"]
    tag = f"{base}.r{attributes.get('ApproximateReceiveCount', '0')}"
    return tag if len(tag) <= 128 else hashlib.sha256(tag.encode()).hexdigest()


def settle(untried: list[dict]) -> set[str]:
    """Make untried records visible now, or requeue the ones received often; returns the ids requeued (and
    deleted), which must not be reported as failures."""
    import os

    sqs, requeued = client("sqs"), set()
    for record in untried:
        url = _queue_url(record["eventSourceARN"], os.environ.get("AWS_ENDPOINT_URL"))
        attributes = record.get("attributes") or {}
        if int(attributes.get("ApproximateReceiveCount", "1")) >= REQUEUE_AT:
            sqs.send_message(QueueUrl=url, MessageBody=record["body"], MessageGroupId=attributes["MessageGroupId"],
                             MessageDeduplicationId=_fresh_dedupe_id(record))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
            requeued.add(record["messageId"])
        else:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0)
    if untried:
        logger.info("records behind a failed one in their group", extra={
            "untried": len(untried), "requeued": len(requeued)})
    return requeued


def process(event: dict, record_handler, context) -> dict:
    """process_partial_response, then the untried records settled (visible now, or requeued fresh). A processor
    per call: it holds the batch's state, and the local stack runs an instance's batches side by side."""
    processor = FifoProcessor()
    try:
        response = process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                            context=context)
    except BatchProcessingError:
        settle(list(processor.untried))  # every record failed: Lambda retries the batch, untried ones settled first
        raise
    requeued = settle(list(processor.untried))
    failures = [f for f in response.get("batchItemFailures", []) if f["itemIdentifier"] not in requeued]
    return {"batchItemFailures": failures}
