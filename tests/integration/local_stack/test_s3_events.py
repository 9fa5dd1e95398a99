"""S3 event notifications on the local stack: an object created in a bucket invokes the subscribed function
asynchronously with S3's event, as AWS does (infra/local/s3_events.py)."""

import json
import time
import urllib.request

import boto3
import pytest

from infra.local import s3_events

from .conftest import rows


def _events(stack, key_prefix: str = "") -> list[dict]:
    return [json.loads(item["event"]) for item in rows(stack, "s3-event") if item["sk"].startswith(key_prefix)]


def _wait(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"not true within {timeout}s"
        time.sleep(0.05)
    return value


@pytest.fixture(scope="module")
def uploads(stack):
    return stack.resource("UploadsBucket")


def test_an_upload_invokes_the_subscribed_function_with_s3s_event(stack, uploads):
    """GIVEN a function subscribed to ObjectCreated:* under incoming/*.csv of a bucket WHEN a file is put there
    THEN the function receives S3's event (version 2.1, ObjectCreated:Put, the bucket, the key, the size and
    the ETag of the object), without the upload waiting for it."""
    answer = boto3.client("s3").put_object(Bucket=uploads, Key="incoming/bills.csv", Body=b"account,amount\n1,2\n")
    (record,) = _wait(lambda: _events(stack, "incoming/bills.csv"))
    assert record["eventVersion"] == "2.1" and record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put" and record["awsRegion"] == stack.region
    assert record["s3"]["bucket"] == {"name": uploads, "ownerIdentity": {"principalId": "LOCAL"},
                                      "arn": f"arn:aws:s3:::{uploads}"}
    assert record["s3"]["object"]["size"] == 19
    assert record["s3"]["object"]["eTag"] == answer["ETag"].strip('"')


def test_a_put_to_a_presigned_url_is_delivered_too(stack, uploads):
    """GIVEN a presigned PUT URL (how staff upload through the agency API) WHEN a file is PUT to it over HTTP
    THEN the subscribed function receives its event."""
    url = boto3.client("s3").generate_presigned_url("put_object", Params={"Bucket": uploads,
                                                                           "Key": "incoming/presigned.csv"})
    request = urllib.request.Request(url, data=b"a,b\n", method="PUT", headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
    (record,) = _wait(lambda: _events(stack, "incoming/presigned.csv"))
    assert record["s3"]["object"]["size"] == 4


def test_keys_outside_the_filter_invoke_nothing_and_keys_are_url_encoded(stack, uploads):
    """GIVEN the prefix incoming/ and suffix .csv WHEN objects are put under other/ and with .txt, then one whose
    name has a space and Thai THEN only the last is delivered, its key URL-encoded as S3 writes it."""
    s3 = boto3.client("s3")
    s3.put_object(Bucket=uploads, Key="other/bills.csv", Body=b"x")
    s3.put_object(Bucket=uploads, Key="incoming/bills.txt", Body=b"x")
    s3.put_object(Bucket=uploads, Key="incoming/บิล พฤศจิกายน.csv", Body=b"x")
    (record,) = _wait(lambda: _events(stack, "incoming/%E0"))
    assert record["s3"]["object"]["key"] == "incoming/%E0%B8%9A%E0%B8%B4%E0%B8%A5+%E0%B8%9E%E0%B8%A4%E0%B8%A8%E0%B8%88%E0%B8%B4%E0%B8%81%E0%B8%B2%E0%B8%A2%E0%B8%99.csv"
    stack.drain()
    assert not _events(stack, "other/") and not _events(stack, "incoming/bills.txt")


def test_a_bucket_notification_configuration_is_delivered_for_its_event_only(stack):
    """GIVEN MediaBucket whose NotificationConfiguration sends ObjectCreated:Copy to the function WHEN an object
    is put, then copied THEN only the copy is delivered, named ObjectCreated:Copy."""
    s3, media = boto3.client("s3"), stack.resource("MediaBucket")
    s3.put_object(Bucket=media, Key="put-only.jpg", Body=b"x")
    s3.copy_object(Bucket=media, Key="copied.jpg", CopySource={"Bucket": media, "Key": "put-only.jpg"})
    (record,) = _wait(lambda: _events(stack, "copied.jpg"))
    assert record["eventName"] == "ObjectCreated:Copy"
    stack.drain()
    assert not _events(stack, "put-only.jpg")


def test_a_function_that_keeps_failing_is_tried_three_times_then_the_event_goes_to_its_dlq(stack, uploads):
    """GIVEN the function fails on a file WHEN it is uploaded THEN the function is invoked three times (Lambda's
    two asynchronous retries) and the event then waits in the function's DeadLetterQueue."""
    boto3.client("s3").put_object(Bucket=uploads, Key="incoming/poison.csv", Body=b"x")
    sqs = boto3.client("sqs")
    dlq = stack.resource("UploadsDeadLetterQueue")

    def dead():
        return sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"]).get("Messages")

    (message,) = _wait(dead)
    assert json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"] == "incoming/poison.csv"
    assert "cannot read" in message["MessageAttributes"]["ErrorMessage"]["StringValue"]
    assert len(_events(stack, "incoming/poison.csv")) == 3


@pytest.mark.parametrize("method,query,expected", [
    ("PUT", "", "ObjectCreated:Put"), ("PUT", "partNumber=1&uploadId=u", None), ("PUT", "tagging", None),
    ("POST", "uploadId=u", "ObjectCreated:CompleteMultipartUpload"), ("POST", "uploads", None),
    ("GET", "", None), ("DELETE", "", None)])
def test_only_requests_that_create_an_object_count(method, query, expected):
    """GIVEN S3 requests signed for s3 WHEN each is answered 200 THEN only a put, a copy or a completed multipart
    upload reports an object created (a part, a tag, a read or a delete does not)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/bucket/a/key.csv", "QUERY_STRING": query,
               "HTTP_HOST": "127.0.0.1:5000",
               "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20260101/ap-southeast-7/s3/aws4_request"}
    found = s3_events.created(environ, 200)
    assert (found[2] if found else None) == expected
    assert s3_events.created(environ, 404) is None
