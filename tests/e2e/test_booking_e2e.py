"""Queue booking as a new user would, on the whole local stack: signed webhooks → intake → booking queue →
QueueBooking → outbox → LineSender → the fake LINE platform (which validates every message), with the demo
agency seeded; staff over the agency API with a token from the local identity provider (issue 3, "Done when")."""

import json
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
from tests.citizen import Citizen, button, buttons, eventually, words

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dev():
    stack = dev_stack()  # seeds the demo agency (id-card, vaccination); real visibility time-outs
    yield stack
    stack.stop()


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
    citizen = Citizen(dev)
    citizen.follow("สมศรี")
    user = citizen.user

    (card,) = citizen.book()
    (booking,) = [b for b in bookings.of_citizen(user) if b.status == "confirmed"]
    assert "จองคิวสำเร็จ" in words(card) and booking.ref in card["altText"]

    (mine,) = citizen.say("คิวของฉัน")
    assert booking.ref in words(mine)

    days = citizen.tap(f"1/bk/rs?b={booking.ref}")
    times = citizen.tap(button(days, "1/bk/day?"))
    later = [d for d in buttons(times) if d.startswith("1/bk/time?") and booking.slot_id[-4:] not in d][0]
    (moved,) = citizen.tap(button(citizen.tap(later), "1/bk/ok?"))
    assert "เลื่อนคิวสำเร็จ" in words(moved)
    (new,) = [b for b in bookings.of_citizen(user) if b.status == "confirmed"]
    assert new.previous_ref == booking.ref

    (ask,) = citizen.tap(f"1/bk/cxl?b={new.ref}")
    (done,) = citizen.tap(button(ask, "1/bk/cxlok?"))
    assert new.ref in done["text"] and not [b for b in bookings.of_citizen(user) if b.status == "confirmed"]


def test_a_full_slot_offers_the_waitlist_and_a_freed_seat_reaches_the_first_waiter(dev):
    """GIVEN a one-seat service booked by citizen A WHEN citizen B confirms the same time THEN "full" with a
    waitlist button; B joins; A cancels; B receives a push holding the seat and, tapping "take this seat", is booked."""
    service = staff.save_service("demo-municipality", "e2e-one-seat", {
        "name_th": "ทดสอบที่เดียว", "name_en": "One seat", "branch_th": "ช่อง 2", "branch_en": "Counter 2"})
    staff.set_calendar(service, Calendar(hours={d: [("09:00", "10:00")] for d in WEEKDAYS}, slot_minutes=60, seats=1,
                                         thai_holidays=False, horizon_days=3), datetime.now(BANGKOK))
    holder, waiter = Citizen(dev), Citizen(dev)
    review = waiter.review("e2e-one-seat")  # B is looking at the last seat …
    holder.book("e2e-one-seat")  # … when A takes it
    (held,) = [b for b in bookings.of_citizen(holder.user) if b.status == "confirmed"]

    (full,) = waiter.tap(button(review, "1/bk/ok?"))
    assert "เต็มแล้ว" in full["text"]
    (joined,) = waiter.tap(button(full, "1/bk/wl?"))
    assert "ลำดับที่ 1" in joined["text"]
    holder.tap(f"1/bk/cxlok?b={held.ref}")

    def offered():
        """the waiter was pushed the held seat"""
        return [r for r in dev.line.received(waiter.user) if r["endpoint"] == "push"]

    (offer,) = eventually(offered)
    (card,) = waiter.tap(button(offer["message"], "1/bk/acc?"))
    assert "จองคิวสำเร็จ" in words(card)
    assert [b.slot_id for b in bookings.of_citizen(waiter.user) if b.status == "confirmed"] == [held.slot_id]


def _booked_today(count: int) -> tuple[list[str], list[str]]:
    """`count` citizens booked on today's 00:00 slot of a service open around the clock (booked last night)."""
    today = datetime.now(BANGKOK).date()
    last_night = datetime.combine(today, clock(0), tzinfo=BANGKOK) - timedelta(minutes=1)
    service = staff.save_service("demo-municipality", "e2e-queue", {
        "name_th": "ทดสอบคิว", "name_en": "Queue test", "branch_th": "ช่อง 1", "branch_en": "Counter 1",
        "minutes_per_citizen": 6, "desks": 1})
    staff.set_calendar(service, Calendar(hours={d: [("00:00", "23:00")] for d in WEEKDAYS}, slot_minutes=60,
                                         seats=count, thai_holidays=False, horizon_days=2), last_night)
    slot = slot_id("demo-municipality", "e2e-queue", today, clock(0))
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

    assert "อีก 1 คิว ประมาณ 6 นาที" in eventually(ticket)[0]["message"]["text"]
    assert eventually(turn)[0]["endpoint"] == "push"
    (now,) = Citizen(dev, users[1]).tap(f"1/bk/q?b={refs[1]}")
    assert "ท่านเป็นคิวถัดไป" in now["text"]
