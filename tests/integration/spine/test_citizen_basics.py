"""Citizen basics through the whole stack: follow, consent, help, my data, erase, unfollow (rows 10–13, 25–27)."""

import json
import time
import urllib.request

import boto3

from civic import domains, postback
from civic.postback import Postback
from civic.tables import citizens, deliveries
from infra.local import webhook_client as wh

from .conftest import eventually


def _say(dev, line, user, event_maker):
    seen = len(line.received(user))
    assert wh.post(dev.url, dev.channel_secret, [event_maker(line.issue_reply_token(user))])[0] == 200
    return eventually(lambda: line.received(user)[seen:])


def _follow(dev, line, user, name="สมชาย", language="th"):
    line.set_profile(user, name, language)
    return _say(dev, line, user, lambda token: wh.event("follow", user, token, follow={"isUnblocked": False}))


def _tap(dev, line, user, data):
    return _say(dev, line, user, lambda token: wh.postback(user, data, token))


def test_follow_stores_the_profile_without_the_name_until_consent(dev, line):
    """GIVEN a new follower WHEN followed THEN a Citizen row: active, Thai, follow time, no name before consent."""
    user = wh.user_id()
    _follow(dev, line, user)
    citizen = citizens.find(user)
    assert citizen.active and citizen.language == "th" and citizen.followed_at
    assert citizen.display_name is None and citizen.consent is None


def test_consent_keeps_the_name_and_its_time(dev, line):
    """GIVEN a follower WHEN they tap "ยินยอม" THEN consent and its time are stored with the display name, and
    they are thanked."""
    user = wh.user_id()
    _follow(dev, line, user, name="น้ำฝน 👩🏽‍💻")
    (answer,) = _tap(dev, line, user, "1/ct/consent?v=1")
    citizen = citizens.find(user)
    assert citizen.consent == "granted" and citizen.consent_at and citizen.display_name == "น้ำฝน 👩🏽‍💻"
    assert "บันทึกความยินยอม" in answer["message"]["text"]


def test_an_english_line_user_is_answered_in_english(dev, line):
    """GIVEN a citizen whose LINE is in Japanese WHEN they follow THEN the welcome is in English."""
    user = wh.user_id()
    welcome, _ = _follow(dev, line, user, name="Aiko", language="ja")
    assert welcome["message"]["text"].startswith("Hello Aiko")


def test_text_the_bot_does_not_understand_gets_the_help_menu(dev, line):
    """GIVEN a follower WHEN they type something neither a service nor the FAQ understands THEN a help message
    whose quick replies start booking, my bookings, a person and my data."""
    user = wh.user_id()
    _follow(dev, line, user)
    (answer,) = _say(dev, line, user, lambda token: wh.text(user, "' OR 1=1 --", token))
    items = answer["message"]["quickReply"]["items"]
    assert "ยังไม่เข้าใจ" in answer["message"]["text"]
    assert [i["action"]["data"] for i in items] == [Postback(d, e.action).encode() for d, e in domains.menu()]


def test_my_data_shows_what_is_held_and_offers_export_and_erase(dev, line):
    """GIVEN a consenting citizen WHEN they type "ข้อมูลของฉัน" THEN a card with their name, consent, records, and
    buttons to export and erase."""
    user = wh.user_id()
    _follow(dev, line, user, name="มานี")
    _tap(dev, line, user, "1/ct/consent?v=1")
    (card,) = _say(dev, line, user, lambda token: wh.text(user, "ข้อมูลของฉัน", token))
    flex = card["message"]
    assert flex["type"] == "flex" and "มานี" in flex["altText"] and "ยินยอม" in flex["altText"]
    buttons = [b["action"]["data"] for b in flex["contents"]["footer"]["contents"]]
    assert buttons == ["1/ct/export", "1/ct/erase"]


def test_export_gives_a_link_to_a_machine_readable_copy(dev, line):
    """GIVEN a citizen with a profile and deliveries WHEN they ask for a copy THEN a link to JSON holding their
    profile and their delivery log (row 38)."""
    user = wh.user_id()
    _follow(dev, line, user, name="ปิติ")
    _tap(dev, line, user, "1/ct/consent?v=1")
    (answer,) = _tap(dev, line, user, "1/ct/export")
    url = answer["message"]["text"].split("\n")[-1]
    with urllib.request.urlopen(url, timeout=5) as response:
        export = json.loads(response.read())
    assert export["userId"] == user
    assert export["records"]["citizen"]["citizens"][0]["display_name"] == "ปิติ"
    assert len(export["records"]["citizen"]["deliveries"]) >= 2
    assert set(export["records"]) == {d.name for d in domains.DOMAINS if d.holders}  # each under its own name


def test_a_confirmed_erase_removes_the_citizen_from_every_table(dev, line):
    """GIVEN a citizen with a profile and a delivery log WHEN they tap erase and confirm THEN the profile and
    every delivery record naming them are gone, and they are told how many records went (row 37)."""
    user = wh.user_id()
    _follow(dev, line, user)
    (confirm,) = _tap(dev, line, user, "1/ct/erase")
    assert [i["action"]["data"] for i in confirm["message"]["quickReply"]["items"]] == \
        ["1/ct/erase-confirm", "1/ct/erase-cancel"]
    dev.stack.drain()
    (done,) = _tap(dev, line, user, "1/ct/erase-confirm")
    assert "ลบข้อมูลของท่านเรียบร้อยแล้ว" in done["message"]["text"]
    assert citizens.find(user) is None
    dev.stack.drain()
    # The confirmation sent after the erase is logged under a pseudonym, not their LINE id.
    assert deliveries.export_citizen(user) == []


def test_unfollow_marks_the_citizen_inactive_with_a_retention_expiry(dev, line):
    """GIVEN a follower WHEN they unfollow THEN inactive, unfollow time set, and the row expires after the
    retention period."""
    user = wh.user_id()
    _follow(dev, line, user)
    assert wh.post(dev.url, dev.channel_secret, [wh.event("unfollow", user)])[0] == 200
    citizen = eventually(lambda: (c := citizens.find(user)) and not c.active and c)
    assert abs(citizen.expires_at - citizen.unfollowed_at - 30 * 86400) < 1


def test_a_tampered_postback_gets_a_clear_answer_not_an_error(dev, line):
    """GIVEN postback data with an unknown action or a number out of range WHEN tapped THEN a Thai message saying
    the button no longer works, and nothing changes (row 25)."""
    user = wh.user_id()
    _follow(dev, line, user)
    for data in ("1/ct/delete-everyone", "1/ct/consent?v=7"):
        (answer,) = _tap(dev, line, user, data)
        assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in answer["message"]["text"]
    assert citizens.find(user).consent is None


def test_a_poison_record_fails_alone_and_lands_in_the_dlq(dev, line):
    """GIVEN ten records on the citizen queue, one of them not a webhook envelope WHEN processed THEN nine are
    answered, and the poison one reaches the DLQ after maxReceiveCount (row 10)."""
    sqs = boto3.client("sqs")
    queue, dlq = dev.stack.resource("CitizenQueue"), dev.stack.resource("CitizenDeadLetterQueue")
    users = [wh.user_id() for _ in range(9)]
    entries = [{"Id": str(i), "MessageGroupId": u, "MessageDeduplicationId": f"ok-{u}",
                "MessageBody": json.dumps({"destination": "U0", "event": wh.text(u, "เมนู", line.issue_reply_token(u))})}
               for i, u in enumerate(users)]
    entries.append({"Id": "9", "MessageGroupId": "poison", "MessageDeduplicationId": f"poison-{users[0]}",
                    "MessageBody": "{not json"})
    sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    for user in users:
        eventually(lambda: line.received(user))

    def poison_in_dlq():
        got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        return [m for m in got if m["Body"] == "{not json"]
    eventually(poison_in_dlq, timeout=60)


def test_the_same_record_processed_twice_replays_one_outcome(dev, line):
    """GIVEN a follow already handled WHEN the same SQS record is handled again (the function died before deleting
    it) THEN the same outbound ids come back and the citizen has one welcome (rows 11, 13)."""
    user = wh.user_id()
    line.set_profile(user, "ชูใจ", "th")
    envelope = {"destination": "U0", "event": wh.event("follow", user, line.issue_reply_token(user))}
    record = {"messageId": "m-1", "receiptHandle": "r", "body": json.dumps(envelope), "attributes": {
        "ApproximateReceiveCount": "1", "MessageGroupId": user, "SentTimestamp": "0",
        "MessageDeduplicationId": "d", "SequenceNumber": "1"}, "messageAttributes": {}, "md5OfBody": "",
        "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:ap-southeast-7:123456789012:local-citizen.fifo",
        "awsRegion": "ap-southeast-7"}
    first = dev.stack.invoke("CitizenBasicsFunction", {"Records": [record]})
    second = dev.stack.invoke("CitizenBasicsFunction", {"Records": [record]})
    assert first == second == {"batchItemFailures": []}
    dev.stack.drain()
    assert len(line.received(user)) == 2  # one welcome and one privacy notice, not two of each


def test_the_postback_codec_is_what_the_menu_sends():
    """GIVEN the help menu's "my data" button WHEN its data is decoded THEN the citizen domain's mydata action."""
    assert postback.decode("1/ct/mydata").action == "mydata"


def test_injection_looking_text_is_stored_as_text(dev, line):
    """GIVEN a display name that looks like an injection WHEN the citizen consents THEN it is stored exactly, and
    nothing else changed (row 26)."""
    user, name = wh.user_id(), "' OR 1=1 -- {\"$ne\":null} #pk = :v OR"
    _follow(dev, line, user, name=name)
    _tap(dev, line, user, "1/ct/consent?v=1")
    assert citizens.find(user).display_name == name


def test_a_failed_record_is_reported_by_its_message_id(dev, line):
    """GIVEN a batch of a good record and one that cannot be read WHEN the worker runs THEN batchItemFailures names
    only the bad record's messageId, never an empty id (row 12)."""
    user = wh.user_id()
    good = {"destination": "U0", "event": wh.text(user, "เมนู", line.issue_reply_token(user))}

    def record(message_id, body, group):
        return {"messageId": message_id, "receiptHandle": "r", "body": body, "attributes": {
            "ApproximateReceiveCount": "1", "MessageGroupId": group, "SentTimestamp": "0"}, "messageAttributes": {},
            "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": "ap-southeast-7",
            "eventSourceARN": "arn:aws:sqs:ap-southeast-7:123456789012:local-citizen.fifo"}

    answer = dev.stack.invoke("CitizenBasicsFunction", {"Records": [
        record("good-1", json.dumps(good), user), record("poison-1", "{not json", "other")]})
    assert answer == {"batchItemFailures": [{"itemIdentifier": "poison-1"}]}


def test_an_event_that_waited_in_the_queue_gets_the_loading_animation_first(dev, line):
    """GIVEN an event that has waited 3 s in the queue (a rush) WHEN the worker takes it THEN LINE is asked to show
    the loading animation in that chat before the answer arrives."""
    user = wh.user_id()
    envelope = {"destination": "U0", "receivedAt": int(time.time() * 1000) - 3000,
                "event": wh.text(user, "เมนู", line.issue_reply_token(user))}
    boto3.client("sqs").send_message(QueueUrl=dev.stack.resource("CitizenQueue"), MessageBody=json.dumps(envelope),
                                     MessageGroupId=user, MessageDeduplicationId=envelope["event"]["webhookEventId"])
    eventually(lambda: line.received(user))
    loading = [r for r in line.requests() if r["path"] == "/v2/bot/chat/loading/start"
               and r["body"]["chatId"] == user]
    assert len(loading) == 1 and loading[0]["status"] == 202
