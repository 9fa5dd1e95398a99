"""Queue booking as a new user would, on the whole local stack: signed webhooks → intake → booking queue →
QueueBooking → outbox → LineSender → the fake LINE platform (which validates every message), with the demo
agency seeded; staff over the agency API with a token from the local identity provider (issue 3, "Done when")."""

import json
import time
import urllib.request
from datetime import datetime, timedelta
from datetime import time as clock

import pytest

from civic.booking import ledger, rules, staff
from civic.booking.calendar import WEEKDAYS, Calendar, slot_id
from civic.tables import bookings
from civic.thai import BANGKOK
from infra.local import webhook_client as wh
from infra.local.devstack import dev_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dev():
    stack = dev_stack()  # seeds the demo agency (id-card, vaccination); real visibility time-outs
    yield stack
    stack.stop()


def _eventually(check, timeout=60.0):  # generous: a loaded 2-core machine, not a deadline
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check.__doc__}")
        time.sleep(0.05)
    return value


def _send(dev, user, event_maker) -> list[dict]:
    """Post one signed event as LINE would and return the messages the citizen received for it."""
    seen = len(dev.line.received(user))
    status, _ = wh.post(dev.url, dev.channel_secret, [event_maker(dev.line.issue_reply_token(user))])
    assert status == 200

    def answered():
        """the citizen received the answer"""
        return dev.line.received(user)[seen:]

    return [r["message"] for r in _eventually(answered)]


def _say(dev, user, text):
    return _send(dev, user, lambda token: wh.text(user, text, token))


def _tap(dev, user, data):
    return _send(dev, user, lambda token: wh.postback(user, data, token))


def _buttons(messages) -> list[str]:
    """Every postback data the citizen could tap in these messages, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "postback":
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


def _data(messages, prefix) -> str:
    matches = [d for d in _buttons(messages) if d.startswith(prefix)]
    assert matches, f"no button {prefix!r} among {_buttons(messages)}"
    return matches[0]


def _review(dev, user, service="id-card") -> list[dict]:
    """From the typed keyword through the first day and time offered to the review card with "confirm"."""
    days = _tap(dev, user, _data(_say(dev, user, "จองคิว"), f"1/bk/svc?s={service}"))
    times = _tap(dev, user, _data(days, "1/bk/day?"))
    step = _tap(dev, user, _data(times, "1/bk/time?"))
    if any(d.startswith("1/bk/ask?") for d in _buttons(step)):  # priority seats kept: "not a priority group"
        step = _tap(dev, user, _data(step, "1/bk/ask?"))
    return step


def _staff(dev, method, path, role="officer"):
    with urllib.request.urlopen(f"{dev.url}/_local/token?agency=demo-municipality&role={role}") as answer:
        token = json.loads(answer.read())["token"]
    request = urllib.request.Request(f"{dev.url}{path}", method=method, data=b"" if method == "POST" else None,
                                     headers={"authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def test_a_new_citizen_books_sees_reschedules_and_cancels_through_the_chat(dev):
    """GIVEN a citizen who just followed the demo account WHEN they type "จองคิว" and tap service, day, time and
    confirm THEN a confirmation card with their reference; "คิวของฉัน" lists it; rescheduling to another time
    confirms the new one; cancelling it leaves them with no booking."""
    user = wh.user_id()
    dev.line.set_profile(user, "สมศรี")
    _send(dev, user, lambda token: wh.event("follow", user, token, follow={"isUnblocked": False}))

    (card,) = _tap(dev, user, _data(_review(dev, user), "1/bk/ok?"))
    (booking,) = [b for b in bookings.of_citizen(user) if b.status == "confirmed"]
    assert "จองคิวสำเร็จ" in json.dumps(card, ensure_ascii=False) and booking.ref in card["altText"]

    (mine,) = _say(dev, user, "คิวของฉัน")
    assert booking.ref in json.dumps(mine, ensure_ascii=False)

    days = _tap(dev, user, f"1/bk/rs?b={booking.ref}")
    times = _tap(dev, user, _data(days, "1/bk/day?"))
    later = [d for d in _buttons(times) if d.startswith("1/bk/time?") and booking.slot_id[-4:] not in d][0]
    (moved,) = _tap(dev, user, _data(_tap(dev, user, later), "1/bk/ok?"))
    assert "เลื่อนคิวสำเร็จ" in json.dumps(moved, ensure_ascii=False)
    (new,) = [b for b in bookings.of_citizen(user) if b.status == "confirmed"]
    assert new.previous_ref == booking.ref

    (ask,) = _tap(dev, user, f"1/bk/cxl?b={new.ref}")
    (done,) = _tap(dev, user, _data(ask, "1/bk/cxlok?"))
    assert new.ref in done["text"] and not [b for b in bookings.of_citizen(user) if b.status == "confirmed"]


def test_a_full_slot_offers_the_waitlist_and_a_freed_seat_reaches_the_first_waiter(dev):
    """GIVEN a one-seat service booked by citizen A WHEN citizen B confirms the same time THEN "full" with a
    waitlist button; B joins; A cancels; B receives a push holding the seat and, tapping "take this seat", is booked."""
    service = staff.save_service("demo-municipality", "e2e-one-seat", {
        "name_th": "ทดสอบที่เดียว", "name_en": "One seat", "branch_th": "ช่อง 2", "branch_en": "Counter 2"})
    staff.set_calendar(service, Calendar(hours={d: [("09:00", "10:00")] for d in WEEKDAYS}, slot_minutes=60, seats=1,
                                         thai_holidays=False, horizon_days=3), datetime.now(BANGKOK))
    holder, waiter = wh.user_id(), wh.user_id()
    review = _review(dev, waiter, "e2e-one-seat")  # B is looking at the last seat …
    _tap(dev, holder, _data(_review(dev, holder, "e2e-one-seat"), "1/bk/ok?"))  # … when A takes it
    (held,) = [b for b in bookings.of_citizen(holder) if b.status == "confirmed"]

    (full,) = _tap(dev, waiter, _data(review, "1/bk/ok?"))
    assert "เต็มแล้ว" in full["text"]
    (joined,) = _tap(dev, waiter, _data(full, "1/bk/wl?"))
    assert "ลำดับที่ 1" in joined["text"]
    _tap(dev, holder, f"1/bk/cxlok?b={held.ref}")

    def offered():
        """the waiter was pushed the held seat"""
        return [r for r in dev.line.received(waiter) if r["endpoint"] == "push"]

    (offer,) = _eventually(offered)
    (card,) = _tap(dev, waiter, _data(offer["message"], "1/bk/acc?"))
    assert "จองคิวสำเร็จ" in json.dumps(card, ensure_ascii=False)
    assert [b.slot_id for b in bookings.of_citizen(waiter) if b.status == "confirmed"] == [held.slot_id]


def _booked_today(count: int) -> tuple[list[str], list[str]]:
    """`count` citizens booked on today's 00:00 slot of a service open around the clock (booked last night)."""
    today = datetime.now(BANGKOK).date()
    last_night = datetime.combine(today, clock(0), tzinfo=BANGKOK) - timedelta(minutes=1)
    service = staff.save_service("demo-municipality", "e2e-queue", {
        "name_th": "ทดสอบคิว", "name_en": "Queue test", "branch_th": "ช่อง 1", "branch_en": "Counter 1",
        "minutes_per_citizen": 6, "desks": 1})
    staff.set_calendar(service, Calendar(hours={d: [("00:00", "23:00")] for d in WEEKDAYS}, slot_minutes=60,
                                         seats=count, thai_holidays=False, horizon_days=2), last_night)
    slot = slot_id("e2e-queue", today, clock(0))
    users = [wh.user_id() for _ in range(count)]
    refs = [ledger.book(u, service, slot, None, rules.booking_ref(u, slot, "e2e00000"), last_night).booking.ref
            for u in users]
    return users, refs


def test_staff_check_in_and_call_next_and_the_citizen_sees_the_queue(dev):
    """GIVEN two citizens booked today WHEN staff check both in and call next over the agency API THEN the numbers
    are 1 and 2, the second is pushed their number with one ahead and the wait, the first is pushed their turn,
    and the second, tapping "refresh queue", is told they are next."""
    users, refs = _booked_today(2)
    today = datetime.now(BANGKOK).date()

    first = _staff(dev, "POST", f"/agency/booking/bookings/{refs[0]}/check-in")
    second = _staff(dev, "POST", f"/agency/booking/bookings/{refs[1]}/check-in")
    called = _staff(dev, "POST", f"/agency/booking/services/e2e-queue/days/{today.isoformat()}/queue/next")

    assert (first["queue_number"], second["queue_number"], called["queue_number"]) == (1, 2, 1)

    def ticket():
        """the second citizen has their queue number"""
        return [r for r in dev.line.received(users[1]) if "หมายเลขคิวของท่าน: 2" in str(r["message"])]

    def turn():
        """the first citizen is called"""
        return [r for r in dev.line.received(users[0]) if "ถึงคิวของท่านแล้ว" in str(r["message"])]

    assert "อีก 1 คิว ประมาณ 6 นาที" in _eventually(ticket)[0]["message"]["text"]
    assert _eventually(turn)[0]["endpoint"] == "push"
    (now,) = _tap(dev, users[1], f"1/bk/q?b={refs[1]}")
    assert "ท่านเป็นคิวถัดไป" in now["text"]
