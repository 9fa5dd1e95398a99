"""Postback data comes back from the phone: someone else's booking, another agency's service, a past or closed
slot, huge or negative numbers, an unknown action are refused and change nothing (RELIABILITY row 25)."""

from datetime import datetime

import pytest

from civic.booking import ledger, rules
from civic.tables import booking_slots

from .conftest import bookings_of, make_service, seats_left, slot_of, tomorrow, user

INVALID = "ปุ่มนี้ใช้ไม่ได้แล้ว"


@pytest.fixture
def owner_booking(booking_env):
    service = make_service()
    owner = user()
    slot = slot_of("id-card", tomorrow(), "1000")
    ref = ledger.book(owner, service, slot, None, rules.booking_ref(owner, slot, "00000001"),
                      datetime.now(rules.BANGKOK)).booking.ref
    return booking_env, owner, ref


@pytest.mark.parametrize("action", ["cxl", "cxlok", "rs", "keep", "q"])
def test_another_citizens_booking_reference_is_refused(owner_booking, action):
    """GIVEN citizen A's booking WHEN citizen B sends A's reference in a cancel, reschedule or queue postback THEN B
    is told the button no longer works, and A's booking and seat are untouched."""
    chat, owner, ref = owner_booking
    (answer,) = chat.tap(user(), f"1/bk/{action}?b={ref}")
    assert INVALID in answer["text"]
    (booking,) = bookings_of(owner)
    assert booking.status == "confirmed" and seats_left(booking.slot_id)["general"] == 1


def test_another_agencys_service_is_refused(booking_env):
    """GIVEN a service of another agency WHEN a citizen of this account names it in a postback THEN refused, no booking."""
    make_service(service_id="water", agency="other-city")
    citizen = user()
    for data in ("1/bk/svc?s=water", f"1/bk/ok?s=water&d={tomorrow():%Y%m%d}&t=1000&p=none&r=0000abcd"):
        (answer,) = booking_env.tap(citizen, data)
        assert INVALID in answer["text"]
    assert bookings_of(citizen) == []
    assert seats_left(slot_of("water", tomorrow(), "1000", agency="other-city"))["general"] == 2


@pytest.mark.parametrize("data", [
    "1/bk/ok?s=id-card&d=99999999999&t=1000&p=none&r=0000abcd",   # huge
    "1/bk/ok?s=id-card&d=-20261126&t=1000&p=none&r=0000abcd",     # negative
    "1/bk/ok?s=id-card&d=20261131&t=1000&p=none&r=0000abcd",      # not a date
    "1/bk/time?s=id-card&d={d}&t=2460",                             # not a time
    "1/bk/ok?s=id-card&d={d}&t=1000&p=king&r=0000abcd",           # unknown priority group
    "1/bk/ok?s=ID%20CARD&d={d}&t=1000&p=none&r=0000abcd",         # not a service id
    "1/bk/cxl?b=BK' OR 1=1",                                        # not a reference
    "1/bk/launch-missiles",                                         # unknown action
    "1/bk/ok",                                                      # missing parameters
    "2/bk/start",                                                   # unknown version
])
def test_malformed_or_tampered_data_is_refused(booking_env, data):
    """GIVEN a postback with a number out of bounds, an unknown value or action WHEN it arrives THEN a plain
    "this button no longer works" with the menu, and no booking."""
    make_service()
    citizen = user()
    (answer,) = booking_env.tap(citizen, data.format(d=f"{tomorrow():%Y%m%d}"))
    assert INVALID in answer["text"] and bookings_of(citizen) == []


def test_a_past_or_closed_slot_is_refused_with_a_way_to_pick_again(booking_env):
    """GIVEN a slot already started (today 08:00 is before now, or closed by staff) WHEN a citizen confirms it
    THEN no booking, and the answer says the time can no longer be booked with a button to pick another day."""
    make_service()
    citizen = user()
    booking_slots.close(slot_of("id-card", tomorrow(), "1100"), 1)
    (answer,) = booking_env.tap(citizen, f"1/bk/ok?s=id-card&d={tomorrow():%Y%m%d}&t=1100&p=none&r=0000abcd")
    assert "จองไม่ได้แล้ว" in answer["text"] and "1/bk/svc?s=id-card" in str(answer)
    (answer,) = booking_env.tap(citizen, f"1/bk/ok?s=id-card&d={datetime.now(rules.BANGKOK):%Y%m%d}&t=0000&p=none"
                                         f"&r=0000abcd")
    assert "จองไม่ได้แล้ว" in answer["text"]
    assert bookings_of(citizen) == []


def test_someone_elses_waitlist_offer_cannot_be_taken(booking_env):
    """GIVEN a seat offered to waiter A WHEN citizen B sends A's offer entry in an accept postback THEN refused;
    the seat stays held for A."""
    service = make_service(seats=1)
    holder, waiter = user(), user()
    slot = slot_of("id-card", tomorrow(), "1000")
    now = datetime.now(rules.BANGKOK)
    booking = ledger.book(holder, service, slot, None, rules.booking_ref(holder, slot, "00000002"), now).booking
    entry, _ = ledger.join_waitlist(waiter, service, slot, booking.starts_at, None, now)
    ledger.cancel(booking, now)

    (answer,) = booking_env.tap(user(), f"1/bk/acc?s=id-card&d={tomorrow():%Y%m%d}&t=1000&w={entry.entry}")
    assert INVALID in answer["text"]
    assert seats_left(slot) == {"general": 0, "priority": 0, "held": 1, "seats": 1}
