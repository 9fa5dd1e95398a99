"""Booking integration tests on moto (in process): every table, bucket and queue is made from
template.yaml's own resource properties, the environment is what the template gives the functions, and
the real worker handler is driven with LINE's event shapes wrapped as SQS records."""

import contextlib
import functools
import importlib.util
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import boto3
import pytest

from tests.conftest import ROOT
from tests.moto_stack import REGION, moto_stack

from civic import outbox
from civic.booking.calendar import Calendar
from civic.tables import booking_services
from civic.tables.booking_services import Service
from civic.tables.booking_slots import Slot
from civic.tables.bookings import Booking
from civic.thai import BANGKOK

AGENCY = "demo-municipality"
EVERY_DAY = {day: [("08:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@functools.cache
def load_handler(folder: str, module: str):
    """A function's handler module on its own (its own name in sys.modules), as Lambda would load it; once
    per session, like a warm Lambda (its clients are intercepted by whichever moto mock is active)."""
    path = ROOT / "functions" / folder / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"test_booking_{module}_{uuid.uuid4().hex[:6]}", path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


class LambdaContext:
    function_name = "local-QueueBookingFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:local-QueueBookingFunction"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def user() -> str:
    return "U" + uuid.uuid4().hex


def event(kind: str, user_id: str, **fields) -> dict:
    """A webhook event in LINE's shape (../shared/line-openapi/sdk-webhook-sample.json)."""
    return {"replyToken": uuid.uuid4().hex, "type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id}, "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False}, **fields}


def postback_event(user_id: str, data: str) -> dict:
    return event("postback", user_id, postback={"data": data})


def text_event(user_id: str, said: str) -> dict:
    return event("message", user_id, message={"id": str(uuid.uuid4().int)[:18], "type": "text", "text": said,
                                              "quoteToken": uuid.uuid4().hex})


def sqs_record(line_event: dict) -> dict:
    """The booking queue's record for an event, as the intake enqueues it and Lambda delivers it."""
    now_ms = str(int(time.time() * 1000))
    body = json.dumps({"destination": "U" + "0" * 32, "receivedAt": int(now_ms), "event": line_event},
                      ensure_ascii=False)
    return {"messageId": str(uuid.uuid4()), "receiptHandle": uuid.uuid4().hex, "body": body,
            "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": now_ms, "SequenceNumber": now_ms,
                           "MessageGroupId": line_event["source"]["userId"], "SenderId": "AIDAEXAMPLE",
                           "MessageDeduplicationId": line_event["webhookEventId"],
                           "ApproximateFirstReceiveTimestamp": now_ms},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:local-BookingQueue.fifo", "awsRegion": REGION}


def postbacks(node) -> list[str]:
    """Every postback data under a message (buttons, quick replies), in order."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "postback" and "data" in node:
            found.append(node["data"])
        for value in node.values():
            found += postbacks(value)
    elif isinstance(node, list):
        for value in node:
            found += postbacks(value)
    return found


def words(node) -> str:
    """All text a citizen would read in a message (texts, alt texts, labels), joined."""
    if isinstance(node, dict):
        return " ".join(words(v) for k, v in node.items() if k in ("text", "altText", "label", "contents",
                                                                     "body", "footer", "quickReply", "items",
                                                                     "action"))
    if isinstance(node, list):
        return " ".join(words(v) for v in node)
    return node if isinstance(node, str) else ""


@dataclass
class Chat:
    """What a test drives: the worker handler, the tables, the outbox."""

    handler: object
    sqs: object
    outbox_url: str
    sent: list = field(default_factory=list)

    def deliver(self, *line_events: dict) -> dict:
        return self.handler.lambda_handler({"Records": [sqs_record(e) for e in line_events]}, LambdaContext())

    def drain(self) -> list[outbox.Outbound]:
        """Outbound messages put on the outbox since the last drain, in order."""
        found = []
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.outbox_url, MaxNumberOfMessages=10,
                                              AttributeNames=["All"])
            messages = answer.get("Messages", [])
            if not messages:
                break
            for message in messages:
                found.append(outbox.Outbound.from_json(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.outbox_url, ReceiptHandle=message["ReceiptHandle"])
        self.sent += found
        return found

    def ask(self, line_event: dict) -> list[dict]:
        """Deliver one event; return the messages of the answer on its reply token."""
        self.drain()
        result = self.deliver(line_event)
        assert result == {"batchItemFailures": []}, result
        answers = [o for o in self.drain() if o.id.startswith(line_event["webhookEventId"])]
        assert answers and answers[0].reply_token == line_event["replyToken"]
        return [m for o in answers for m in o.messages]

    def tap(self, user_id: str, data: str) -> list[dict]:
        return self.ask(postback_event(user_id, data))

    def say(self, user_id: str, text: str) -> list[dict]:
        return self.ask(text_event(user_id, text))


@contextlib.contextmanager
def booking_tables():
    """moto with every table, bucket and queue of the template (tests/moto_stack.py) and the environment the
    template gives the functions; yields the SQS client and the outbox queue's URL."""
    with moto_stack() as names:
        yield boto3.client("sqs", region_name=REGION), names["OutboxQueue"]


@pytest.fixture
def booking_env():
    with booking_tables() as (sqs, outbox_url):
        yield Chat(load_handler("queue_booking", "queue_booking"), sqs, outbox_url)


def tomorrow() -> date:
    return datetime.now(BANGKOK).date() + timedelta(days=1)


def make_service(service_id: str = "id-card", seats: int = 2, priority_seats: int = 0, shards: int = 1,
                 agency: str = AGENCY, max_active: int = 1, horizon_days: int = 3, slot_minutes: int = 60,
                 release_hours: int = 24, now: datetime | None = None, **fields) -> Service:
    """A service open every day 08:00–17:00, no holiday closures (tests must not depend on the date)."""
    from civic.booking import staff

    service = staff.save_service(agency, service_id, {
        "name_th": "ทำบัตรประชาชน", "name_en": "ID card", "branch_th": "สำนักงานเขตตัวอย่าง",
        "branch_en": "Demo district office", "lat": 13.75, "lng": 100.5,
        "documents_th": ["สำเนาทะเบียนบ้าน"], "documents_en": ["House registration copy"],
        "minutes_per_citizen": 4, "desks": 1, "max_active": max_active, "grace_minutes": 15, **fields})
    staff.set_calendar(service, Calendar(hours=EVERY_DAY, slot_minutes=slot_minutes, seats=seats,
                                         priority_seats=priority_seats, priority_release_hours=release_hours,
                                         thai_holidays=False, horizon_days=horizon_days, shards=shards),
                       now or datetime.now(BANGKOK))
    return booking_services.find(agency, service_id)


def slot_of(service_id: str, day: date, hhmm: str, agency: str = AGENCY) -> str:
    return f"{agency}#{service_id}@{day:%Y%m%d}{hhmm}"


def seats_left(slot_id: str) -> dict:
    items = [s for s in Slot.scan() if s.slot_id == slot_id]
    return {"general": sum(s.general_left for s in items), "priority": sum(s.priority_left for s in items),
            "held": sum(s.held for s in items), "seats": sum(s.seats for s in items)}


def bookings_of(user_id: str) -> list[Booking]:
    return sorted(Booking.scan(Booking.ref.exists() & (Booking.user_id == user_id)),
                  key=lambda b: (b.created_at, b.previous_ref is not None))
