"""WebhookIntake on the local stack: signature, dedupe, routing, limits (RELIABILITY rows 1–9, 28, 29, 36, 39)."""

import base64
import json
import logging
import sys
import time
from unittest import mock

import boto3

from civic import signature
from civic.aws import client
from civic.tables import raw, webhook_events
from infra.local import webhook_client as wh

from .conftest import eventually, texts


def _intake_event(body: bytes, headers: dict, base64_encoded: bool = False) -> dict:
    return {"version": "2.0", "routeKey": "POST /line/webhook", "rawPath": "/line/webhook", "rawQueryString": "",
            "headers": headers, "requestContext": {"http": {"method": "POST", "path": "/line/webhook"}},
            "body": base64.b64encode(body).decode() if base64_encoded else body.decode(),
            "isBase64Encoded": base64_encoded}


def _dedupe_record(event_id: str):
    return boto3.client("dynamodb").get_item(TableName=webhook_events.settings().webhook_events_table,
                                             Key={"event_id": {"S": event_id}}).get("Item")


def test_a_follow_gets_the_welcome_and_privacy_notice_at_line(dev, line):
    """GIVEN a new citizen WHEN LINE posts a signed follow THEN 200, and the citizen receives the welcome and the
    privacy notice with a consent choice, by reply (how fast is measured by make bench, not asserted here)."""
    user = wh.user_id()
    line.set_profile(user, "สมหญิง ใจดี", "th")
    follow = wh.event("follow", user, line.issue_reply_token(user), follow={"isUnblocked": False})
    status, _ = wh.post(dev.url, dev.channel_secret, [follow])
    assert status == 200
    eventually(lambda: len(line.received(user)) == 2)
    welcome, notice = line.received(user)
    assert welcome["endpoint"] == "reply" and "สมหญิง ใจดี" in welcome["message"]["text"]
    assert [i["action"]["label"] for i in notice["message"]["quickReply"]["items"]] == ["ยินยอม", "ไม่ยินยอม"]


def test_a_forged_signature_gets_401_and_nothing_is_enqueued(dev, line):
    """GIVEN a body signed with another secret WHEN posted THEN 401, no dedupe record, nothing sent (row 1)."""
    user = wh.user_id()
    follow = wh.event("follow", user)
    body = json.dumps({"destination": "U" + "0" * 32, "events": [follow]}).encode()
    status, answer = wh.post(dev.url, dev.channel_secret, [], raw=body, signature=signature.sign("forged", body))
    assert status == 401 and answer == {"message": "invalid signature"}
    dev.stack.drain()
    assert _dedupe_record(follow["webhookEventId"]) is None
    assert line.received(user) == []


def test_a_missing_signature_gets_401(dev):
    """GIVEN no x-line-signature header WHEN posted THEN 401 (row 2)."""
    event = _intake_event(b'{"events":[]}', {"content-type": "application/json"})
    assert dev.stack.invoke("WebhookIntakeFunction", event)["statusCode"] == 401


def test_the_signature_header_is_found_in_any_letter_case(dev):
    """GIVEN the header spelt X-Line-Signature WHEN the intake is invoked THEN it is verified and accepted (row 2)."""
    body = b'{"destination":"U0","events":[]}'
    event = _intake_event(body, {"X-Line-Signature": signature.sign(dev.channel_secret, body)})
    assert dev.stack.invoke("WebhookIntakeFunction", event)["statusCode"] == 200


def test_a_base64_encoded_body_is_decoded_before_verifying(dev, line):
    """GIVEN API Gateway passes the body base64-encoded WHEN invoked THEN it is verified on the decoded bytes,
    accepted, and the event takes effect (row 4)."""
    user = wh.user_id()
    body = json.dumps({"destination": "U0", "events": [wh.text(user, "เมนู")]}, ensure_ascii=False).encode()
    event = _intake_event(body, {"x-line-signature": signature.sign(dev.channel_secret, body)}, base64_encoded=True)
    assert dev.stack.invoke("WebhookIntakeFunction", event)["statusCode"] == 200
    eventually(lambda: line.received(user))


def test_the_consoles_empty_verification_is_answered_200(dev):
    """GIVEN LINE console's verify request {"events": []} WHEN posted THEN 200 (row 5)."""
    status, _ = wh.post(dev.url, dev.channel_secret, [])
    assert status == 200


def test_a_redelivered_event_makes_one_effect(dev, line):
    """GIVEN an event, then LINE's redelivery of it (same webhookEventId, isRedelivery) WHEN both are posted
    THEN both get 200 and the citizen gets one answer (row 6)."""
    user = wh.user_id()
    first = wh.text(user, "ช่วยเหลือ", line.issue_reply_token(user))
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert wh.post(dev.url, dev.channel_secret, [first])[0] == 200
    assert wh.post(dev.url, dev.channel_secret, [again])[0] == 200
    dev.stack.drain()
    assert len(line.received(user)) == 1


def test_a_redelivery_six_hours_later_is_still_one_effect(dev, line):
    """GIVEN an event enqueued, WHEN the same event arrives six hours later (past FIFO's 5-minute window)
    THEN the dedupe record still holds it and nothing is sent to SQS again (row 7)."""
    user = wh.user_id()
    event = wh.text(user, "เมนู", line.issue_reply_token(user))
    assert wh.post(dev.url, dev.channel_secret, [event])[0] == 200
    dev.stack.drain()
    later = time.time() + 6 * 3600
    with mock.patch.object(webhook_events.time, "time", return_value=later), \
            mock.patch.object(client("sqs"), "send_message_batch") as send:
        assert wh.post(dev.url, dev.channel_secret, [event])[0] == 200
    send.assert_not_called()
    assert len(line.received(user)) == 1


def test_an_expired_dedupe_record_counts_as_gone(dev):
    """GIVEN a dedupe record past its TTL that DynamoDB has not deleted yet WHEN read THEN not seen (row 39)."""
    webhook_events.mark_enqueued(["EXPIREDEVENT"], now=time.time() - 30 * 86400)
    assert _dedupe_record("EXPIREDEVENT") is not None
    assert webhook_events.already_enqueued(["EXPIREDEVENT"]) == set()


def test_a_body_over_one_megabyte_gets_413(dev):
    """GIVEN a 1.1 MB body WHEN posted THEN 413 before any parsing (row 9)."""
    body = b'{"events":[' + b" " * 1_100_000 + b"]}"
    status, _ = wh.post(dev.url, dev.channel_secret, [], raw=body)
    assert status == 413


def test_standby_events_are_not_answered(dev, line):
    """GIVEN an event in standby mode (another channel is active) WHEN posted THEN 200 and no answer."""
    user = wh.user_id()
    event = {**wh.text(user, "เมนู", line.issue_reply_token(user)), "mode": "standby"}
    assert wh.post(dev.url, dev.channel_secret, [event])[0] == 200
    dev.stack.drain()
    assert line.received(user) == []


def test_unknown_event_types_and_fields_are_accepted(dev, line):
    """GIVEN an event type LINE has not documented and extra fields WHEN posted THEN 200, no error, and a
    known event in the same body still takes effect (row 29)."""
    user = wh.user_id()
    unknown = {**wh.event("hologram", user), "sparkle": {"level": 9}}
    known = {**wh.text(user, "เมนู", line.issue_reply_token(user)), "futureField": True}
    assert wh.post(dev.url, dev.channel_secret, [unknown, known])[0] == 200
    eventually(lambda: len(line.received(user)) == 1)


def test_lone_surrogates_are_cleaned_before_sqs(dev, line):
    """GIVEN text with a lone surrogate and a control character WHEN posted THEN 200 and the citizen is answered
    (SQS would refuse the raw text) (row 28)."""
    user = wh.user_id()
    event = wh.text(user, "x", line.issue_reply_token(user))
    body = json.dumps({"destination": "U0", "events": [event]}).replace('"text": "x"', '"text": "a\\ud800\\u0001b"')
    status, _ = wh.post(dev.url, dev.channel_secret, [], raw=body.encode())
    assert status == 200
    eventually(lambda: texts(line, user))


def test_when_sqs_refuses_the_intake_answers_5xx_so_line_redelivers(dev, line):
    """GIVEN SQS failing WHEN LINE posts THEN 5xx and no dedupe record, so the redelivery is processed (row 13)."""
    user = wh.user_id()
    event = wh.text(user, "เมนู", line.issue_reply_token(user))
    with mock.patch.object(client("sqs"), "send_message_batch", side_effect=RuntimeError("SQS down")):
        assert wh.post(dev.url, dev.channel_secret, [event])[0] == 503
    assert _dedupe_record(event["webhookEventId"]) is None
    assert wh.post(dev.url, dev.channel_secret, [{**event, "deliveryContext": {"isRedelivery": True}}])[0] == 200
    eventually(lambda: len(line.received(user)) == 1)


def test_a_rotated_channel_secret_is_used_without_a_redeploy(dev, line):
    """GIVEN agency IT rotates the channel secret in Secrets Manager WHEN LINE signs with the new one THEN 200,
    and the old secret is refused (row 36)."""
    old_secret, token = dev.channel_secret, dev.access_token
    try:
        dev.rotate_channel("rotated-channel-secret", token)
        user = wh.user_id()
        # Within a second or two, whatever was cached: the intake re-reads the secret when a signature fails.
        eventually(lambda: wh.post(dev.url, "rotated-channel-secret", [wh.text(user, "เมนู")])[0] == 200, timeout=30)
        assert wh.post(dev.url, old_secret, [wh.text(user, "เมนู")])[0] == 401
    finally:
        dev.rotate_channel(old_secret, token)
        eventually(lambda: wh.post(dev.url, old_secret, [])[0] == 200, timeout=30)


def test_when_the_dedupe_table_fails_the_intake_answers_5xx(dev, line):
    """GIVEN DynamoDB failing on the dedupe read WHEN LINE posts THEN 503 (LINE redelivers) and nothing enqueued."""
    user = wh.user_id()
    event = wh.text(user, "เมนู", line.issue_reply_token(user))
    with mock.patch.object(raw, "batch_get", side_effect=RuntimeError("DynamoDB down")):
        assert wh.post(dev.url, dev.channel_secret, [event])[0] == 503
    dev.stack.drain()
    assert line.received(user) == []


def test_the_dedupe_records_and_the_chats_focus_are_read_in_one_request(dev, line):
    """GIVEN a body of three events from two chats WHEN the intake takes it THEN it makes one BatchGetItem (the
    dedupe records and both chats' focus together) and one BatchWriteItem, whatever the body carries."""
    users = [wh.user_id(), wh.user_id()]
    events = [wh.text(users[0], "เมนู"), wh.text(users[1], "เมนู"), wh.text(users[0], "ช่วยเหลือ")]
    calls = []
    real = client("dynamodb")._make_api_call

    def counting(operation, params):
        calls.append((operation, sorted(params.get("RequestItems", {}))))
        return real(operation, params)

    with mock.patch.object(client("dynamodb"), "_make_api_call", side_effect=counting):
        assert wh.post(dev.url, dev.channel_secret, events)[0] == 200
    tables = sorted([dev.stack.resource("ConversationsTable"), dev.stack.resource("WebhookEventsTable")])
    intake_calls = [c for c in calls if c[0] in ("BatchGetItem", "BatchWriteItem")]
    assert intake_calls[:2] == [("BatchGetItem", tables), ("BatchWriteItem", [dev.stack.resource("WebhookEventsTable")])]


def test_a_signed_body_nested_thousands_deep_gets_a_400_with_the_reason(dev, line):
    """GIVEN a validly signed body nested 5,000 levels deep WHEN posted THEN 400 saying why, nothing enqueued,
    never a 500 that LINE would redeliver (row 48)."""
    body = ('{"destination": "U0", "events": [' + '{"a": ' * 5000 + "1" + "}" * 5000 + "]}").encode()
    status, answer = wh.post(dev.url, dev.channel_secret, [], raw=body)
    assert status == 400 and "deeper than" in answer["message"]


def test_a_request_never_logs_under_the_previous_requests_correlation_id(dev):
    """GIVEN a warm intake that just logged under one webhookEventId WHEN the next request is forged THEN its
    warning carries no correlation id of the earlier request."""
    user = wh.user_id()
    first = wh.text(user, "เมนู")
    body = json.dumps({"destination": "U0", "events": [first]}).encode()
    headers = {"x-line-signature": signature.sign(dev.channel_secret, body)}
    assert dev.stack.invoke("WebhookIntakeFunction", _intake_event(body, headers))["statusCode"] == 200
    intake = sys.modules["lambda_WebhookIntakeFunction__intake"]
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))  # formatted as it is logged, with the keys of that moment

    keep = Keep()
    keep.setFormatter(intake.logger.registered_formatter)
    intake.logger.addHandler(keep)
    try:
        forged = dev.stack.invoke("WebhookIntakeFunction", _intake_event(body, {"x-line-signature": "forged"}))
    finally:
        intake.logger.removeHandler(keep)
    assert forged["statusCode"] == 401
    assert lines and all(entry.get("correlation_id") != first["webhookEventId"] for entry in lines)
