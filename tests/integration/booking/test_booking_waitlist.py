"""A full slot offers the waitlist; a freed seat is held for the first waiter; accepting books it; silence
passes it on (the issue's waitlist, through the worker handler and the sweep, on moto)."""

from datetime import datetime, timedelta

from civic.booking import ledger, rules, sweep
from civic.tables import booking_waitlist, bookings
from civic.thai import BANGKOK

from .conftest import AGENCY, bookings_of, make_service, postbacks, seats_left, slot_of, tomorrow, user, words

SLOT = lambda: slot_of("id-card", tomorrow(), "1000")  # noqa: E731


def _book_directly(service, citizen):
    outcome = ledger.book(citizen, service, SLOT(), None, rules.booking_ref(citizen, SLOT(), "0000beef"),
                          datetime.now(BANGKOK))
    assert outcome.kind == "booked"
    return outcome.booking


def _join(chat, citizen) -> list[dict]:
    review = chat.tap(citizen, f"1/bk/time?s=id-card&d={tomorrow():%Y%m%d}&t=1000")
    (full,) = chat.tap(citizen, next(d for d in postbacks(review) if d.startswith("1/bk/ok?")))
    assert "เต็มแล้ว" in full["text"]
    return chat.tap(citizen, next(d for d in postbacks(full) if d.startswith("1/bk/wl?")))


def _seat_freed_for(chat, *waiters) -> list:
    """Arrange: a one-seat slot is booked, `waiters` join its waitlist in order, the holder cancels.
    Returns the offer pushes the first waiter got."""
    holder = user()
    booking = _book_directly(make_service(seats=1), holder)
    for waiter in waiters:
        _join(chat, waiter)
    chat.tap(holder, f"1/bk/cxlok?b={booking.ref}")
    return _offers(chat, waiters[0])


def _offers(chat, to: str):
    """Offer pushes put on the outbox for this citizen so far."""
    chat.drain()
    return [o for o in chat.sent if o.purpose == "booking-offer" and o.to == to]


def test_a_full_slot_answers_full_and_puts_the_citizen_on_its_waitlist_in_order(booking_env):
    """GIVEN a one-seat slot already booked WHEN two citizens confirm it THEN each hears it is full with a
    "join waitlist" button; tapping it puts them on the waitlist as number 1 and number 2."""
    service = make_service(seats=1)
    _book_directly(service, user())
    first, second = user(), user()

    (joined_first,) = _join(booking_env, first)
    (joined_second,) = _join(booking_env, second)

    waiting = booking_waitlist.waiting(SLOT())
    assert [e.user_id for e in waiting] == [first, second]
    assert "ลำดับที่ 1" in joined_first["text"] and "ลำดับที่ 2" in joined_second["text"]
    assert "15 นาที" in joined_first["text"]  # how long a seat is held for them
    assert seats_left(SLOT()) == {"general": 0, "priority": 0, "held": 0, "seats": 1}


def test_joining_twice_keeps_one_place(booking_env):
    """GIVEN a citizen on the waitlist WHEN they tap "join waitlist" again THEN still one entry, same position."""
    service = make_service(seats=1)
    _book_directly(service, user())
    citizen = user()
    (first,) = _join(booking_env, citizen)
    (again,) = _join(booking_env, citizen)
    assert len(booking_waitlist.of_slot(SLOT())) == 1 and first["text"] == again["text"]


def test_a_cancelled_seat_is_held_and_offered_to_the_first_waiter(booking_env):
    """GIVEN a full slot with two citizens waiting WHEN the booked citizen cancels THEN the seat is held (not free
    to others), the first waiter's entry becomes an offer for 15 minutes and they get a push with "take this
    seat"; a newcomer confirming the slot hears it is full."""
    service = make_service(seats=1)
    holder = user()
    booking = _book_directly(service, holder)
    first, second = user(), user()
    _join(booking_env, first)
    _join(booking_env, second)

    booking_env.tap(holder, f"1/bk/cxlok?b={booking.ref}")

    (offer,) = _offers(booking_env, first)
    entry = next(e for e in booking_waitlist.of_slot(SLOT()) if e.user_id == first)
    assert entry.status == "offered" and entry.offer_sent
    assert 14 * 60 <= entry.offer_expires_at - datetime.now(BANGKOK).timestamp() <= 15 * 60
    assert seats_left(SLOT()) == {"general": 0, "priority": 0, "held": 1, "seats": 1}
    assert f"1/bk/acc?s=id-card&d={tomorrow():%Y%m%d}&t=1000&w={entry.entry}" in postbacks(offer.messages)
    assert "มีที่ว่างแล้ว" in words(offer.messages) and "15 นาที" in words(offer.messages)
    assert _join(booking_env, user())  # the newcomer is put on the waitlist: the held seat is not theirs


def test_accepting_the_offer_books_the_held_seat(booking_env):
    """GIVEN a seat held for the first waiter WHEN they tap "take this seat" THEN they hold a confirmed booking,
    the hold is gone, their entry is accepted, and the answer is the confirmation card."""
    waiter = user()
    (offer,) = _seat_freed_for(booking_env, waiter)

    (card,) = booking_env.tap(waiter, next(d for d in postbacks(offer.messages) if d.startswith("1/bk/acc?")))

    (mine,) = bookings_of(waiter)
    assert mine.status == "confirmed" and mine.slot_id == SLOT()
    assert seats_left(SLOT()) == {"general": 0, "priority": 0, "held": 0, "seats": 1}
    assert booking_waitlist.of_slot(SLOT())[0].status == "accepted"
    assert bookings.active_count(AGENCY, "id-card", waiter) == 1 and mine.ref in words(card)


def test_an_unanswered_offer_passes_to_the_next_waiter(booking_env):
    """GIVEN a seat offered to the first waiter WHEN 15 minutes pass and the sweep runs THEN their offer expired,
    the second waiter is offered the same held seat (a push), and the first, tapping late, hears it has gone."""
    first, second = user(), user()
    (late,) = _seat_freed_for(booking_env, first, second)

    done = sweep.run(datetime.now(BANGKOK) + timedelta(minutes=16))

    by_user = {e.user_id: e for e in booking_waitlist.of_slot(SLOT())}
    assert done["offers_passed_on"] == 1
    assert by_user[first].status == "expired" and by_user[second].status == "offered"
    assert len(_offers(booking_env, second)) == 1 and seats_left(SLOT())["held"] == 1
    (answer,) = booking_env.tap(first, next(d for d in postbacks(late.messages) if d.startswith("1/bk/acc?")))
    assert "หมดเวลากันที่" in answer["text"] and bookings_of(first) == []


def test_declining_passes_the_seat_on_and_the_last_one_returns_it_to_everyone(booking_env):
    """GIVEN a seat offered to the only waiter WHEN they tap "no, thanks" THEN nobody else waits, so the hold is
    released: the seat is free to anyone again."""
    waiter = user()
    (offer,) = _seat_freed_for(booking_env, waiter)

    (answer,) = booking_env.tap(waiter, next(d for d in postbacks(offer.messages) if d.startswith("1/bk/dec?")))

    assert booking_waitlist.of_slot(SLOT())[0].status == "declined"
    assert seats_left(SLOT()) == {"general": 1, "priority": 0, "held": 0, "seats": 1}
    assert "ส่งต่อที่ว่าง" in answer["text"]
