"""The citizen basics' welcome and help know whether the rich menu is set: from the publisher's record in the
RichMenus table (civic.rich_menu.current), read at most once a minute. The effect module is driven with LINE's
event shapes; what it sends is read from the outbox queue (moto); profiles come from the fake LINE."""

import time

import boto3

from civic import outbox
from civic.citizen import chat, service
from civic.i18n import t
from civic.rich_menu import current, publisher
from tests.integration.booking.conftest import event, text_event, user


def _sent(names) -> list[dict]:
    sqs, found = boto3.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=names["OutboxQueue"], MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            found += outbox.Outbound.from_json(message["Body"]).messages
            sqs.delete_message(QueueUrl=names["OutboxQueue"], ReceiptHandle=message["ReceiptHandle"])
    return found


def _handle(line_event: dict) -> None:
    service.handle({"destination": "U" + "0" * 32, "receivedAt": int(time.time() * 1000), "event": line_event})


def test_a_follower_is_told_to_tap_the_menu_once_it_is_published(names, line):
    """GIVEN no rich menu WHEN a citizen follows THEN the welcome says to type "เมนู"; GIVEN the menu published
    (and a minute gone by) WHEN another follows THEN it says to tap the menu below."""
    before = user()
    line.set_profile(before, "สมชาย", "th")
    _handle(event("follow", before, follow={"isUnblocked": False}))
    greeting = _sent(names)[0]["text"]
    assert greeting.endswith(t("th", "welcome_hint_typed"))

    publisher.publish()
    current.forget()  # as a minute later
    after = user()
    line.set_profile(after, "John", "en")
    _handle(event("follow", after, follow={"isUnblocked": False}))
    greeting = _sent(names)[0]["text"]
    assert greeting.startswith("Hello John") and greeting.endswith(t("en", "welcome_hint_menu"))


def test_the_help_speaks_of_the_main_menu_while_one_is_set(names, line):
    """GIVEN the menu published WHEN a citizen types "เมนู" THEN the help text speaks of the main menu and keeps
    the services as quick replies."""
    publisher.publish()
    current.forget()
    citizen = user()
    _handle(text_event(citizen, "เมนู"))
    (answer,) = _sent(names)
    assert answer["text"] == t("th", "help_with_menu")
    assert [i["action"]["data"] for i in answer["quickReply"]["items"]] == [
        a["data"] for a in chat.menu("th")]
