"""SQS event sources with Lambda's semantics, run against moto by the stack's pollers."""

import json
import uuid

import boto3
import pytest

from .conftest import rows


@pytest.fixture
def run():
    """A fresh id per test, so tests sharing the stack's queues and table never read each other's rows."""
    return uuid.uuid4().hex[:8]


def send(stack, queue, bodies, group=None):
    entries = []
    for index, body in enumerate(bodies):
        entry = {"Id": str(index), "MessageBody": json.dumps(body)}
        if group is not None:
            entry["MessageGroupId"] = group(body)
        entries.append(entry)
    boto3.client("sqs").send_message_batch(QueueUrl=stack.resource(queue), Entries=entries)


def test_partial_batch_failure_deletes_the_rest_and_dead_letters_the_poison_record(stack, run):
    """GIVEN WorkQueue (maxReceiveCount 2, visibility 2 s) and a batch of ten with one poison record
    WHEN the worker reports the poison record in batchItemFailures
    THEN the nine are handled once and deleted, and the poison one is retried until it lands in the DLQ."""
    send(stack, "WorkQueue", [{"run": run, "id": i, "poison": i == 4} for i in range(10)])

    stack.drain(timeout=20)

    handled = rows(stack, f"work#{run}")
    assert sorted(int(row["sk"]) for row in handled) == [0, 1, 2, 3, 5, 6, 7, 8, 9]
    assert {row["attempt"] for row in handled} == {1}
    dead = boto3.client("sqs").receive_message(
        QueueUrl=stack.resource("WorkDeadLetterQueue"), MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
    poison = [m for m in dead if json.loads(m["Body"])["run"] == run]
    assert [json.loads(m["Body"])["id"] for m in poison] == [4]
    assert poison[0]["Attributes"]["ApproximateReceiveCount"] == "3"  # two deliveries, then this receive


def test_handler_raising_returns_the_whole_batch(stack, run):
    """GIVEN messages whose first delivery makes the worker raise
    WHEN the poller sees the exception
    THEN it deletes none of the batch, and every message is handled on its second delivery."""
    send(stack, "WorkQueue", [{"run": run, "id": i, "fail_first_attempt": True} for i in range(3)])

    stack.drain(timeout=20)

    handled = rows(stack, f"work#{run}")
    assert sorted(int(row["sk"]) for row in handled) == [0, 1, 2]
    assert {row["attempt"] for row in handled} == {2}


def test_records_have_lambdas_sqs_event_shape(stack, run):
    """GIVEN a message with a string and a binary message attribute
    WHEN the worker receives it
    THEN the record is shaped as Lambda's SQS event: its keys, system attributes and camelCase attributes."""
    boto3.client("sqs").send_message(
        QueueUrl=stack.resource("WorkQueue"), MessageBody=json.dumps({"run": run, "id": 1}),
        MessageAttributes={"lang": {"DataType": "String", "StringValue": "th"},
                           "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})

    stack.drain(timeout=20)

    record = json.loads(rows(stack, f"work#{run}")[0]["record"])
    assert list(record) == ["messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                            "md5OfMessageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"]
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId",
            "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"] == {
        "lang": {"stringValue": "th", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:ap-southeast-7:123456789012:local-WorkQueue"
    assert record["awsRegion"] == "ap-southeast-7"


def test_fifo_order_per_group_survives_a_failed_message(stack, run):
    """GIVEN two groups interleaved on a FIFO queue, and A's second message failing on its first delivery
    WHEN the handler fails it and the rest of group A (as a FIFO handler must)
    THEN each group is still handled in the order it was sent."""
    messages = [("A", 1), ("B", 1), ("A", 2), ("B", 2), ("A", 3), ("B", 3), ("A", 4)]
    send(stack, "OrderedQueue",
         [{"run": run, "group": g, "seq": s, "fail_once": (g, s) == ("A", 2)} for g, s in messages],
         group=lambda body: f"{body['group']}-{run}")

    stack.drain(timeout=20)

    def handled(group):
        return [row["seq"] for row in sorted(rows(stack, f"ordered#{run}#{group}-{run}"), key=lambda r: r["sk"])]

    assert handled("A") == [1, 2, 3, 4]
    assert handled("B") == [1, 2, 3]


def test_fifo_group_is_blocked_while_its_message_is_in_flight(stack, run):
    """GIVEN SerialQueue (batch size 1, concurrency 2) with a slow A1, then A2, then B1
    WHEN the poller runs
    THEN B1 runs while A1 is in flight, and A2 waits until A1 is done."""
    send(stack, "SerialQueue",
         [{"run": run, "name": "A1", "slow": True}, {"run": run, "name": "A2"}, {"run": run, "name": "B1"}],
         group=lambda body: body["name"][0])

    stack.drain(timeout=20)

    by_name = {row["sk"]: row for row in rows(stack, f"serial#{run}")}
    assert by_name["B1"]["started"] < by_name["A1"]["finished"]
    assert by_name["A2"]["started"] >= by_name["A1"]["finished"]


def test_drain_times_out_naming_the_busy_queue(stack, run):
    """GIVEN a slow message just sent to SerialQueue
    WHEN drain is given 0.3 s
    THEN it raises TimeoutError naming the queue."""
    send(stack, "SerialQueue", [{"run": run, "name": "S1", "slow": True}], group=lambda body: "S")

    with pytest.raises(TimeoutError, match="serial.fifo"):
        stack.drain(timeout=0.3)
    stack.drain(timeout=10)
