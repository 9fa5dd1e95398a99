"""LineSender, the one door to LINE, on the local stack (RELIABILITY rows 14–17, 46, 47)."""

import socket
import time
import uuid
from unittest import mock

import pytest

import boto3

from civic import line_api, messages, outbox, sender
from civic.tables import deliveries
from infra.local import webhook_client as wh

from .conftest import eventually


def _dlq_depth(dev) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=dev.stack.resource("OutboxDeadLetterQueue"), AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def _push(user: str, text: str = "แจ้งเตือน: พรุ่งนี้ 09:00 น.") -> outbox.Outbound:
    message = outbox.push(f"test-{uuid.uuid4()}", user, [messages.text(text)], "reminder")
    outbox.send([message])
    return message


def _pushes(line, user) -> list[dict]:
    return [r for r in line.requests() if r["path"] == "/v2/bot/message/push" and r["body"]["to"] == user]


def _replies(line, token: str) -> list[dict]:
    return [r for r in line.requests() if r["path"] == "/v2/bot/message/reply" and r["body"]["replyToken"] == token]


def _answer(line, user: str, text: str = "สวัสดีค่ะ") -> tuple[outbox.Outbound, str]:
    """The answer to a citizen's fresh webhook event, carrying its reply token."""
    token = line.issue_reply_token(user)
    (message,) = outbox.replies(wh.text(user, "เมนู", token), [messages.text(text)], "help")
    return message, token


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed when the socket is: connections to it are refused


def test_a_push_is_delivered_with_a_retry_key_and_recorded(dev, line):
    """GIVEN an outbound push WHEN LineSender sends it THEN the citizen has it, the request carried the message's
    retry key, and the delivery is recorded with LINE's request id and counted in the quota."""
    user = wh.user_id()
    before = deliveries.billed_this_month()
    message = _push(user)
    eventually(lambda: line.received(user))
    (request,) = _pushes(line, user)
    assert request["headers"]["x-line-retry-key"] == line_api.retry_key(message.id)
    record = eventually(lambda: (d := deliveries.find(message.id)) and d.status == "delivered" and d)
    assert record.endpoint == "push" and record.request_id and record.http_status == 200
    assert deliveries.billed_this_month() == before + 1


def test_a_crash_after_the_push_resends_with_the_same_key_and_the_citizen_gets_one(dev, line):
    """GIVEN LINE accepted a push but the function died before recording it WHEN the record is retried
    THEN the same retry key gets LINE's 409, which counts as delivered; the citizen has one message (row 14)."""
    user = wh.user_id()
    message = outbox.push(f"test-{uuid.uuid4()}", user, [messages.text("บิลค่าน้ำ 120.00 บาท")], "bill")
    with mock.patch.object(deliveries, "finish", side_effect=RuntimeError("function died")):
        try:
            sender.deliver(message)
        except RuntimeError:
            pass
    assert len(line.received(user)) == 1
    assert sender.deliver(message) == "delivered"
    assert len(line.received(user)) == 1
    statuses = [r["status"] for r in _pushes(line, user)]
    assert statuses == [200, 409]
    assert deliveries.find(message.id).status == "delivered"


def test_429s_for_a_while_are_retried_with_back_off_and_nothing_is_lost(dev, line):
    """GIVEN LINE answers 429 to the next 3 pushes WHEN 3 reminders go out THEN all 3 arrive once each, with the
    same retry key on every attempt of a message, and nothing in the DLQ (row 15)."""
    users = [wh.user_id() for _ in range(3)]
    line.inject(status=429, count=3, paths=["/v2/bot/message/push"])
    sent = [_push(u) for u in users]
    for user in users:
        eventually(lambda: len(line.received(user)) == 1, timeout=60)
    for user, message in zip(users, sent):
        keys = {r["headers"]["x-line-retry-key"] for r in _pushes(line, user)}
        assert keys == {line_api.retry_key(message.id)}
        assert len(line.received(user)) == 1
    assert _dlq_depth(dev) == 0


def test_a_400_is_recorded_undeliverable_and_not_retried(dev, line):
    """GIVEN a citizen who blocked the account WHEN a push goes out THEN LINE's 400 is recorded as undeliverable,
    tried once, and the next message in the queue is still delivered (row 17)."""
    blocked, other = wh.user_id(), wh.user_id()
    line.block(blocked)
    refused = _push(blocked)
    _push(other)
    eventually(lambda: line.received(other))
    dev.stack.drain()
    record = deliveries.find(refused.id)
    assert record.status == "undeliverable" and record.http_status == 400
    assert len(_pushes(line, blocked)) == 1


def test_a_reply_token_that_is_stale_falls_back_to_push(dev, line):
    """GIVEN an answer whose reply token is older than 50 s WHEN sent THEN it is pushed, not replied."""
    user = wh.user_id()
    event = wh.text(user, "เมนู", line.issue_reply_token(user))
    event["timestamp"] -= 55_000
    outbox.send(outbox.replies(event, [messages.text("สวัสดี")], "help"))
    (received,) = eventually(lambda: line.received(user))
    assert received["endpoint"] == "push"


def test_persistent_500s_end_in_the_dlq_with_one_key(dev, line):
    """GIVEN LINE answers 500 to every push WHEN a message is sent THEN it is retried with the same retry key
    until maxReceiveCount and lands in the outbox DLQ; the citizen got nothing (row 16)."""
    user = wh.user_id()
    before = _dlq_depth(dev)
    line.inject(status=500, paths=["/v2/bot/message/push"])
    with mock.patch.dict("os.environ", {"LINE_RETRY_BASE_S": "0"}):
        message = _push(user)
        eventually(lambda: _dlq_depth(dev) == before + 1, timeout=40)
    line.clear_faults()
    attempts = _pushes(line, user)
    assert len(attempts) >= 5
    assert {r["headers"]["x-line-retry-key"] for r in attempts} == {line_api.retry_key(message.id)}
    assert line.received(user) == []


def test_a_reply_that_LINE_answers_too_late_reaches_the_citizen_once_and_is_not_pushed(dev, line):
    """GIVEN LINE takes a reply but answers it 25 s late, past LineSender's read time-out WHEN the citizen's
    answer is sent THEN the retry finds the token used by our own attempt: the citizen has it exactly once,
    by reply, no push was made, and the delivery is recorded delivered (row 46)."""
    user = wh.user_id()
    line.inject(latency_ms=25_000, after=True, count=1, paths=["/v2/bot/message/reply"])
    message, token = _answer(line, user)
    # Under the stack's scaled 3.6 s visibility, so the record is not received again while we still wait.
    with mock.patch.dict("os.environ", {"LINE_READ_TIMEOUT_S": "2"}):
        outbox.send([message])
        record = eventually(lambda: (d := deliveries.find(message.id)) and d.status == "delivered" and d, timeout=60)
    assert [r["endpoint"] for r in line.received(user)] == ["reply"]
    assert _pushes(line, user) == []
    assert [r["status"] for r in _replies(line, token)][-1:] == [400]  # the retry found the token used
    assert record.endpoint == "reply" and record.reply_unanswered_at is not None


def test_a_reply_that_never_reached_LINE_falls_back_to_push_once_the_token_is_stale(dev, line):
    """GIVEN a reply attempt whose connection was refused (LINE never saw it) WHEN the message is retried after
    the token's age limit THEN it is pushed: the citizen has it once, by push, and no reply reached LINE."""
    user = wh.user_id()
    message, token = _answer(line, user)
    with mock.patch.dict("os.environ", {"LINE_API_ENDPOINT": f"http://127.0.0.1:{_closed_port()}/_line"}):
        with pytest.raises(sender.RetryLater) as retry:
            sender.deliver(message)
    assert not retry.value.answer.unanswered
    assert deliveries.find(message.id).reply_unanswered_at is None

    assert sender.deliver(message, now=time.time() + 120) == "delivered"
    assert [r["endpoint"] for r in line.received(user)] == ["push"]
    assert _replies(line, token) == []
    assert deliveries.find(message.id).endpoint == "push"


def test_after_an_unanswered_reply_a_stale_token_is_replied_once_more_and_never_pushed(dev, line):
    """GIVEN a reply that LINE took but answered after our read time-out WHEN the message is retried after the
    token's age limit THEN the reply is tried again, LINE's "invalid reply token" counts as delivered, and the
    citizen has one message and no push."""
    user = wh.user_id()
    line.inject(latency_ms=5_000, after=True, count=1, paths=["/v2/bot/message/reply"])
    message, token = _answer(line, user)
    with mock.patch.dict("os.environ", {"LINE_READ_TIMEOUT_S": "1"}):
        with pytest.raises(sender.RetryLater) as retry:
            sender.deliver(message)
    assert retry.value.answer.unanswered and retry.value.delay_s <= 3

    assert sender.deliver(message, now=time.time() + 120) == "delivered"
    assert [r["endpoint"] for r in line.received(user)] == ["reply"]
    assert _pushes(line, user) == []
    assert [r["status"] for r in _replies(line, token)][-1:] == [400]  # the late first answer is logged later


def test_a_push_answered_200_with_a_body_that_is_not_json_is_delivered_and_the_group_goes_on(dev, line):
    """GIVEN LINE answers a push 200 with a body that is not JSON WHEN that push and the next one for the same
    citizen are sent THEN the first is recorded delivered with LINE's request id without a retry, and the next
    message in the citizen's FIFO group is delivered after it (row 47)."""
    user = wh.user_id()
    line.inject(status=200, body="not json", count=1, paths=["/v2/bot/message/push"])
    first = outbox.push(f"test-{uuid.uuid4()}", user, [messages.text("ใบแจ้งหนี้ 1")], "bill")
    second = outbox.push(f"test-{uuid.uuid4()}", user, [messages.text("ใบแจ้งหนี้ 2")], "bill")
    outbox.send([first, second])
    eventually(lambda: len(line.received(user)) == 2, timeout=60)
    garbled, normal = _pushes(line, user)
    record = eventually(lambda: (d := deliveries.find(first.id)) and d.status == "delivered" and d, timeout=30)
    assert record.request_id == garbled["request_id"] and record.http_status == 200
    assert (garbled["status"], normal["status"]) == (200, 200)  # one request each: nothing was retried
    assert [r["message"]["text"] for r in line.received(user)] == ["ใบแจ้งหนี้ 1", "ใบแจ้งหนี้ 2"]
