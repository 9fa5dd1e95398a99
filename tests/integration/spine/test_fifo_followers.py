"""Nothing reaches a dead-letter queue without having been tried (RELIABILITY row 53), on the processor's own
output: the records behind a failing one in their FIFO group are reported failed untried (their order must
hold), and civic.fifo makes them visible at once or, once they were received often, puts them back fresh.
The local stack's poller re-shows failed messages itself, so these tests drive real SQS calls (moto) with
Lambda's record shape and read the queue after each batch, as Lambda's event source would."""

import json

import boto3
import pytest
from moto import mock_aws

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from civic import fifo

REGION = "ap-southeast-7"


class Context:
    function_name, memory_limit_in_mb, aws_request_id = "test", 128, "r"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:test"

    def get_remaining_time_in_millis(self):
        return 30_000


@pytest.fixture
def queues(monkeypatch):
    with mock_aws():
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
        fifo._queue_url.cache_clear()
        sqs = boto3.client("sqs", region_name=REGION)
        dlq = sqs.create_queue(QueueName="work-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        work = sqs.create_queue(QueueName="work.fifo", Attributes={
            "FifoQueue": "true", "VisibilityTimeout": "180",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})})["QueueUrl"]
        yield sqs, work, dlq


def _send(sqs, url, bodies, group="U-chat"):
    for n, body in enumerate(bodies):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=f"{body}.{n}")


def _receive(sqs, url) -> list[dict]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get(
        "Messages", [])


def _event(messages, url) -> dict:
    arn = f"arn:aws:sqs:{REGION}:123456789012:{url.rsplit('/', 1)[-1]}"
    return {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                         "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                         "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": REGION} for m in messages]}


def _lambda(sqs, url, messages, handler) -> set[str]:
    """One invocation as Lambda runs it: the batch in, then the event source deletes what did not fail (all of
    it failed when the handler raised). Returns the ids reported failed."""
    try:
        response = fifo.process(_event(messages, url), handler, Context())
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    except BatchProcessingError:
        failed = {m["MessageId"] for m in messages}
    for m in messages:
        if m["MessageId"] not in failed:
            try:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            except sqs.exceptions.ReceiptHandleIsInvalid:
                pass
    return failed


def _failing_head(tried: list[str], head: str):
    def handler(record):
        tried.append(record.body)
        if record.body == head:
            raise RuntimeError("LINE is down for this one")
    return handler


def _make_visible(sqs, url, receipt):
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)


def test_records_behind_a_failure_come_back_with_their_head_in_order(queues):
    """GIVEN three messages of one chat's group and a handler that fails the first WHEN the batch is processed
    THEN the two behind it are reported failed without being tried, and as soon as the head's back-off ends
    all three come back together, in order — not a whole visibility time-out (180 s) after the head."""
    sqs, work, _ = queues
    _send(sqs, work, ["first", "second", "third"])
    batch, tried = _receive(sqs, work), []
    failed = _lambda(sqs, work, batch, _failing_head(tried, "first"))
    assert tried == ["first"] and len(failed) == 3
    assert _receive(sqs, work) == []  # the head is still in flight: its group waits

    _make_visible(sqs, work, batch[0]["ReceiptHandle"])  # its back-off is over
    assert [m["Body"] for m in _receive(sqs, work)] == ["first", "second", "third"]


def test_records_received_often_behind_a_failure_are_put_back_fresh(queues):
    """GIVEN two messages that already came back three times behind a failing head WHEN the head fails again
    THEN each is back in the queue as a fresh message (same body, same group, received once when it next comes)
    and the old copy is gone."""
    sqs, work, _ = queues
    _send(sqs, work, ["head", "second", "third"])
    for _ in range(fifo.REQUEUE_AT):
        batch = _receive(sqs, work)
        for m in batch:
            _make_visible(sqs, work, m["ReceiptHandle"])
    batch = _receive(sqs, work)
    assert [int(m["Attributes"]["ApproximateReceiveCount"]) for m in batch] == [fifo.REQUEUE_AT + 1] * 3
    _lambda(sqs, work, batch, _failing_head([], "head"))

    _make_visible(sqs, work, batch[0]["ReceiptHandle"])
    again = _receive(sqs, work)
    assert [m["Body"] for m in again] == ["head", "second", "third"]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in again] == [str(fifo.REQUEUE_AT + 2), "1", "1"]
    assert {m["MessageId"] for m in again[1:]}.isdisjoint({m["MessageId"] for m in batch})


def test_a_head_that_fails_until_the_dlq_takes_nobody_behind_it_there_untried(queues):
    """GIVEN a queue redriving to its DLQ after 5 receives, and a chat's group of four messages whose first
    always fails WHEN Lambda keeps receiving until the group is done THEN the DLQ holds only the failing head:
    every message behind it was tried and handled (row 53)."""
    sqs, work, dlq = queues
    _send(sqs, work, ["poison", "b", "c", "d"])
    tried = []
    for _ in range(20):
        batch = _receive(sqs, work)
        if not batch:
            break
        _lambda(sqs, work, batch, _failing_head(tried, "poison"))
        for m in batch:  # the back-off of whatever is still in flight ends
            try:
                _make_visible(sqs, work, m["ReceiptHandle"])
            except sqs.exceptions.ReceiptHandleIsInvalid:
                pass
    dead = [m["Body"] for m in _receive(sqs, dlq)]
    assert dead == ["poison"]
    assert {"b", "c", "d"} <= set(tried)
    assert _receive(sqs, work) == []
