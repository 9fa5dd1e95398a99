"""A bill fan-out meets a LINE that pushes back (RELIABILITY rows 15, 17, 18, 51, 52): 429s for a while in the
middle, a ceiling per endpoint, blocked citizens, a crash between multicast chunks, the month's quota."""

import time
import uuid
from unittest import mock

import boto3

from civic import line_api, messages, outbox, sender
from civic.tables import bill_links, citizens, deliveries
from infra.local import webhook_client as wh

from .conftest import AGENCY, batch, csv_bytes, eventually, fresh_accounts, staff, upload


def _linked(accounts: list[str]) -> dict[str, str]:
    """account → a citizen who follows, consented and linked it (arranged in the tables, not through the chat)."""
    people = {}
    for account in accounts:
        user = wh.user_id()
        citizens.follow(user, None, "th", time.time())
        citizens.set_consent(user, True, None, time.time())
        bill_links.put_link(user, AGENCY, account, "เมือง", "ในเมือง", "")
        people[account] = user
    return people


def _month_file(accounts: list[str], period: str = "2027-03") -> bytes:
    return csv_bytes([[a, period, 20, "200.00", f"{period}-20", ""] for a in accounts])


def _pushes(line, users) -> list[dict]:
    wanted = set(users)
    return [r for r in line.requests() if r["path"] == "/v2/bot/message/push" and r["body"]["to"] in wanted]


def _dlq_depth(dev) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=dev.stack.resource("OutboxDeadLetterQueue"), AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def _most_in_one_second(times: list[float]) -> int:
    times, most, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_429s_for_a_while_in_the_middle_of_a_bill_fan_out_lose_nothing_and_send_nothing_twice(dev, line):
    """GIVEN 60 linked citizens and their month's bills WHEN LINE answers every push with 429 for a while (3 s on
    the fake's clock, standing in for 30 s) once the first ten cards went out THEN every citizen gets exactly one
    card, every attempt of a card carries that card's retry key, and nothing is in the outbox's DLQ (row 15)."""
    accounts = fresh_accounts(dev, 60)
    people = _linked(accounts)
    before = _dlq_depth(dev)
    upload(dev, "", data=_month_file(accounts))
    eventually(lambda: len([r for r in _pushes(line, people.values()) if r["status"] == 200]) >= 10)
    line.inject(status=429, seconds=3, paths=["/v2/bot/message/push"])
    for user in people.values():
        eventually(lambda: line.received(user), timeout=120)
    dev.stack.drain(timeout=120)
    attempts = _pushes(line, people.values())
    assert any(r["status"] == 429 for r in attempts)
    assert sorted({len(line.received(user)) for user in people.values()}) == [1]
    for account, user in people.items():
        keys = {r["headers"]["x-line-retry-key"] for r in attempts if r["body"]["to"] == user}
        assert keys == {line_api.retry_key(f"bl-bill.{AGENCY}.{account}.2027-03.{user}")}
    assert _dlq_depth(dev) == before


def test_a_fan_out_stays_under_our_push_ceiling_and_never_meets_lines(dev, line, monkeypatch):
    """GIVEN LINE (the fake) refusing more than 40 pushes a second, and our channel-wide push ceiling set to 30/s
    over the 10 LineSender instances WHEN 90 bills fan out THEN no second holds more than 30 push requests, LINE
    never had to answer 429, and each citizen has one card (row 18)."""
    monkeypatch.setenv("LINE_PUSH_CEILING", "30")
    line.limit(ceilings={"push": 40})
    accounts = fresh_accounts(dev, 90)
    people = _linked(accounts)
    upload(dev, "", data=_month_file(accounts, "2027-04"))
    for user in people.values():
        eventually(lambda: line.received(user), timeout=120)
    attempts = _pushes(line, people.values())
    # 409s are retries of pushes LINE already took (the stack's scaled visibility hands a slow batch's records
    # to another instance); they are requests too, and paced with the rest
    assert {r["status"] for r in attempts} <= {200, 409}
    assert sorted({len(line.received(user)) for user in people.values()}) == [1]
    assert _most_in_one_second([r["at"] for r in attempts]) <= 30


def test_a_crash_between_multicast_chunks_sends_no_chunk_twice_and_loses_none(dev, line):
    """GIVEN a notice's two multicast chunks WHEN the sender dies after LINE took the second chunk but before
    recording it, and both chunks are then retried THEN LINE's 409 for the second chunk's retry key counts as
    delivered: every recipient has the notice exactly once, and each has a delivery receipt (row 51)."""
    first, second = [wh.user_id() for _ in range(3)], [wh.user_id() for _ in range(2)]
    notice = f"test-notice-{uuid.uuid4().hex[:8]}"
    chunks = [outbox.multicast(f"{notice}.{n}", to, [messages.text("ประปาปิดซ่อมท่อ 09:00–12:00 น.")], "notice")
              for n, to in enumerate((first, second))]
    assert sender.deliver(chunks[0]) == "delivered"
    with mock.patch.object(deliveries, "finish", side_effect=RuntimeError("function died")):
        try:
            sender.deliver(chunks[1])
        except RuntimeError:
            pass
    assert [sender.deliver(c) for c in chunks] == ["delivered", "delivered"]
    assert all(len(line.received(u)) == 1 for u in first + second)
    statuses = [r["status"] for r in line.requests() if r["path"] == "/v2/bot/message/multicast"
                and r["headers"].get("x-line-retry-key") == line_api.retry_key(chunks[1].id)]
    assert statuses == [200, 409]
    assert all(deliveries.find(f"{chunks[n].id}#{u}") for n, to in enumerate((first, second)) for u in to)


def test_a_batch_that_would_exceed_the_months_quota_is_held_and_staff_are_told_the_numbers(dev, line):
    """GIVEN LINE's quota leaving 1 message this month WHEN a batch with 3 linked citizens is imported THEN it is
    held before any push, with a message saying it needs 3 and 1 is left (the month counted in Japan time);
    WHEN the quota is raised and staff notify it THEN all 3 get their card (row 52)."""
    accounts = fresh_accounts(dev, 3)
    people = _linked(accounts)
    dev.stack.drain(timeout=120)  # what earlier tests sent is counted before the quota is set
    used = int(line_api.consumption())
    line.limit(quota=used + 1)
    held = batch(dev, upload(dev, "", data=_month_file(accounts, "2027-05")), "held_quota")
    assert "needs 3 messages" in held["message"] and "1 of" in held["message"] and "JST" in held["message"]
    assert not any(line.received(u) for u in people.values()), [line.received(u) for u in people.values()]
    line.unlimit()
    status, _ = staff(dev, "POST", f"/agency/bill/batches/{held['batch_id']}/notify", {})
    assert status == 200
    for user in people.values():
        eventually(lambda: line.received(user))
    # the tally is written after LINE took the push, so it may trail the inbox by a moment
    assert eventually(lambda: batch(dev, held["batch_id"], "notified")["notified"] == 3)


def test_a_citizen_who_blocked_the_account_is_not_billed_and_the_batch_says_why(dev, line):
    """GIVEN two linked citizens, one of whom blocked the account in LINE (we have not heard yet) WHEN their
    bills go out THEN the other's card is delivered, the blocked one's push is refused once (LINE's 400), not
    retried and not counted against the quota, and the batch reports 1 notified, 1 failed and LINE's reason
    (row 17)."""
    accounts = fresh_accounts(dev, 2)
    people = _linked(accounts)
    blocked, reached = people[accounts[0]], people[accounts[1]]
    line.block(blocked)
    billed = deliveries.billed_this_month()
    found = batch(dev, upload(dev, "", data=_month_file(accounts, "2027-06")), "notified")
    eventually(lambda: line.received(reached))
    # each tally is written after LINE answered, so wait for both rather than read one behind the other
    result = eventually(
        lambda: (b := batch(dev, found["batch_id"], "notified"))["notify_failed"] == 1 and b["notified"] == 1 and b
    )
    assert result["notified"] == 1 and any("400" in why for why in result["notify_failed_why"])
    assert len(_pushes(line, [blocked])) == 1
    assert deliveries.billed_this_month() == billed + 1


def test_a_citizen_who_unfollowed_is_not_pushed_and_their_links_expire_unless_they_come_back(dev, line):
    """GIVEN two linked citizens, one of whom unfollowed WHEN their bills go out THEN only the follower is pushed,
    the batch counts one blocked, and the unfollower's links now expire (CitizenRetentionDays); WHEN they write
    to the bill desk again THEN their links no longer expire."""
    accounts = fresh_accounts(dev, 2)
    people = _linked(accounts)
    gone, stays = people[accounts[0]], people[accounts[1]]
    citizens.unfollow(gone, time.time())
    found = batch(dev, upload(dev, "", data=_month_file(accounts, "2027-09")), "notified")
    eventually(lambda: line.received(stays))
    assert found["blocked"] == 1 and _pushes(line, [gone]) == []
    assert bill_links.link_of(gone, AGENCY, accounts[0]).expires_at is not None
    citizens.follow(gone, None, "th", time.time())
    status, _ = wh.post(dev.url, dev.channel_secret, [wh.text(gone, "บิลของฉัน", line.issue_reply_token(gone))])
    assert status == 200
    eventually(lambda: bill_links.link_of(gone, AGENCY, accounts[0]).expires_at is None)
