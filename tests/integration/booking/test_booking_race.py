"""500 citizens confirm the last seat at the same moment (RELIABILITY rows 20–22), on the local stack, whose
DynamoDB is atomic per item as on AWS (moto alone checks a condition and writes without a lock)."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import boto3
import pytest

from civic.booking import desk, ledger, rules
from civic.tables import booking_slots
from civic.thai import BANGKOK
from infra.local.stack import LocalStack

from .conftest import make_service, postback_event, slot_of, user
from tests.conftest import ROOT

CONFIRMS = 500
THREADS = 32


@pytest.fixture(scope="module")
def stack():
    local = LocalStack(str(ROOT / "template.yaml"), port=0, start_pollers=False, start_schedules=False).start()
    yield local
    local.stop()


def _outbox(stack) -> list[dict]:
    sqs, url, found = boto3.client("sqs"), stack.resource("OutboxQueue"), []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return found


def test_500_concurrent_confirms_for_the_last_seat_make_exactly_one_booking(stack):
    """GIVEN a 10-seat slot with 9 seats taken WHEN 500 citizens confirm it at once THEN exactly one booking is
    made, the counter is at zero (never below), and every one of the 500 gets an answer: one confirmation and 499
    "full — join the waitlist or pick another time"."""
    now = datetime.now(BANGKOK)
    service = make_service(service_id="race", seats=10, now=now)
    day = now.date() + timedelta(days=1)
    slot = slot_of("race", day, "1000")
    for n in range(9):
        early = user()
        assert ledger.book(early, service, slot, None, rules.booking_ref(early, slot, f"{n:08x}"), now).kind == "booked"
    _outbox(stack)
    confirms = [postback_event(user(), f"1/bk/ok?s=race&d={day:%Y%m%d}&t=1000&p=none&r={uuid.uuid4().hex[:8]}")
                for _ in range(CONFIRMS)]

    with ThreadPoolExecutor(THREADS) as pool:
        answered = list(pool.map(lambda e: desk.handle({"event": e}), confirms))

    (counter,) = booking_slots.shards(slot, 1)
    assert counter.general_left == 0 and counter.priority_left == 0
    assert sorted(p for purposes in answered for p in purposes) == ["booking-confirmed"] + ["booking-full"] * 499
    replies = _outbox(stack)
    assert len(replies) == CONFIRMS and all(r["reply_token"] for r in replies)
    assert sum("เต็มแล้ว" in r["messages"][0].get("text", "") for r in replies) == 499
