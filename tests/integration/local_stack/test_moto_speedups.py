"""The local stack's moto speed-ups change the cost of an answer, never the answer, and its fix of moto's delete
race loses no message (infra/local/moto_speedups.py).

The same DynamoDB conversation runs twice in fresh interpreters, with moto as it is and with the speed-ups, and
every answer is compared: Queries of the table and of its indexes, in both orders, in pages, filtered, after puts
that replace, updates that move an item to another index partition, deletes, batches and transactions."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CONVERSATION = r'''
import json, sys
import boto3
from moto import mock_aws

if sys.argv[1] == "speedups":
    from infra.local import moto_speedups
    moto_speedups.apply()

answers = []

def keep(answer):
    answers.append({k: answer.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})

with mock_aws():
    db = boto3.client("dynamodb", region_name="ap-southeast-7")
    S = lambda v: {"S": v}
    db.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                    AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g", "gs", "h")],
                    GlobalSecondaryIndexes=[
                        {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                            {"AttributeName": "gs", "KeyType": "RANGE"}],
                         "Projection": {"ProjectionType": "ALL"}},
                        {"IndexName": "by-h", "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
                         "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    db.create_table(TableName="flat", BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    for n in range(60):
        item = {"pk": S(f"p{n % 4}"), "sk": S(f"s{n:03d}"), "n": {"N": str(n)}}
        if n % 3:
            item["g"], item["gs"] = S(f"g{n % 5}"), S(f"{59 - n:03d}")
        if n % 2:
            item["h"] = S(f"h{n % 3}")
        db.put_item(TableName="t", Item=item)
        db.put_item(TableName="flat", Item={"pk": S(f"f{n}"), "n": {"N": str(n)}})

    def queries():
        for forward in (True, False):
            keep(db.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p1")},
                          ScanIndexForward=forward))
            keep(db.query(TableName="t", IndexName="by-g", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": S("g2")}, ScanIndexForward=forward))
        keep(db.query(TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                      ExpressionAttributeValues={":p": S("p2"), ":s": S("s01")}))
        keep(db.query(TableName="t", IndexName="by-g", KeyConditionExpression="g = :g AND gs > :s",
                      FilterExpression="n > :n", ExpressionAttributeValues={":g": S("g1"), ":s": S("020"),
                                                                             ":n": {"N": "10"}}))
        keep(db.query(TableName="t", IndexName="by-h", KeyConditionExpression="h = :h",
                      ExpressionAttributeValues={":h": S("h0")}))
        keep(db.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("none")}))
        keep(db.query(TableName="t", IndexName="by-g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": S("g9")}))
        keep(db.query(TableName="flat", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("f7")}))
        start = None
        while True:  # pages of an index partition
            page = db.query(TableName="t", IndexName="by-g", KeyConditionExpression="g = :g", Limit=3,
                            ExpressionAttributeValues={":g": S("g4")}, **({"ExclusiveStartKey": start} if start else {}))
            keep(page)
            start = page.get("LastEvaluatedKey")
            if not start:
                break

    queries()
    db.update_item(TableName="t", Key={"pk": S("p1"), "sk": S("s001")}, UpdateExpression="SET g = :g, gs = :s",
                   ExpressionAttributeValues={":g": S("g2"), ":s": S("zzz")})  # moved to another partition
    queries()  # after each change: a stale grouping would show
    db.update_item(TableName="t", Key={"pk": S("p2"), "sk": S("s002")}, UpdateExpression="REMOVE g")
    queries()  # after each change: a stale grouping would show
    db.update_item(TableName="t", Key={"pk": S("p9"), "sk": S("new")}, UpdateExpression="SET g = :g, gs = :s",
                   ExpressionAttributeValues={":g": S("g1"), ":s": S("050")})  # an update that creates
    queries()  # after each change: a stale grouping would show
    db.delete_item(TableName="t", Key={"pk": S("p1"), "sk": S("s005")})
    queries()  # after each change: a stale grouping would show
    db.put_item(TableName="t", Item={"pk": S("p1"), "sk": S("s009"), "g": S("g4"), "gs": S("000")})  # replaced
    queries()  # after each change: a stale grouping would show
    db.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": {"pk": S("p2"), "sk": S("b1"), "g": S("g2"),
                                                                       "gs": S("b1"), "h": S("h0")}}},
                                            {"DeleteRequest": {"Key": {"pk": S("p1"), "sk": S("s013")}}}]})
    queries()  # after each change: a stale grouping would show
    db.transact_write_items(TransactItems=[
        {"Put": {"TableName": "t", "Item": {"pk": S("p1"), "sk": S("x1"), "g": S("g2"), "gs": S("x1")}}},
        {"Update": {"TableName": "t", "Key": {"pk": S("p0"), "sk": S("s004")}, "UpdateExpression": "SET g = :g",
                    "ExpressionAttributeValues": {":g": S("g4")}}},
        {"Delete": {"TableName": "t", "Key": {"pk": S("p3"), "sk": S("s007")}}}])
    queries()  # after each change: a stale grouping would show
print(json.dumps(answers, sort_keys=True))
'''


def _answers(mode: str) -> list:
    done = subprocess.run([sys.executable, "-c", CONVERSATION, mode], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": f"{ROOT}:{ROOT / 'layers' / 'civic'}", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_with_the_speed_ups_every_query_answers_as_moto_does():
    """GIVEN a table with two indexes and a table without a sort key WHEN the same puts, updates (one moving an
    item to another index partition), deletes, batches, transactions and Queries run with moto as it is and with
    the speed-ups THEN every Query answers the same items, counts and page keys."""
    plain, fast = _answers("plain"), _answers("speedups")
    assert len(plain) == len(fast) > 20
    assert any(a["Count"] for a in plain) and any(a["LastEvaluatedKey"] for a in plain)  # not all empty
    for n, (expected, got) in enumerate(zip(plain, fast)):
        assert got == expected, f"answer {n} differs"


def test_deleting_a_message_waits_for_a_send_in_progress_so_none_is_dropped():
    """GIVEN a FIFO queue in moto with the local stack's fix, a message received, and a send holding the queue's
    lock WHEN the received message is deleted meanwhile THEN the delete waits for the send (moto's delete rebuilds
    the queue's list, which dropped a message sent at that moment) and, once the send ends, both the deletion and
    the new message hold."""
    import threading

    import boto3
    from moto import mock_aws
    from moto.sqs.models import sqs_backends

    from infra.local import moto_speedups

    moto_speedups.fix()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="ap-southeast-7")
        url = sqs.create_queue(QueueName="race.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="first", MessageGroupId="a", MessageDeduplicationId="1")
        (received,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        queue = next(q for q in sqs_backends["123456789012"]["ap-southeast-7"].queues.values() if q.name == "race.fifo")
        deleting = threading.Thread(target=sqs.delete_message,
                                    kwargs={"QueueUrl": url, "ReceiptHandle": received["ReceiptHandle"]})
        with queue._messages_lock:  # a send in progress
            deleting.start()
            deleting.join(timeout=1.0)
            waited = deleting.is_alive()
            # the send itself, from this thread (the lock is reentrant)
            sqs.send_message(QueueUrl=url, MessageBody="second", MessageGroupId="b", MessageDeduplicationId="2")
        deleting.join(timeout=60)
        bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert waited and not deleting.is_alive()
    assert bodies == ["second"]
