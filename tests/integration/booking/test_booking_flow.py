"""A citizen books, sees, reschedules and cancels through the real worker handler, on moto."""

from civic import thai
from civic.tables import bookings

from .conftest import AGENCY, bookings_of, make_service, postbacks, seats_left, slot_of, tomorrow, user, words


def _one(found: list[str], prefix: str) -> str:
    matches = [d for d in found if d.startswith(prefix)]
    assert matches, f"no postback starting {prefix!r} among {found}"
    return matches[0]


def _book(chat, citizen, day, hhmm="1000"):
    """Walk the chat from the typed keyword to the confirmation; returns the confirmation card."""
    services = chat.say(citizen, "จองคิว")
    days = chat.tap(citizen, _one(postbacks(services), "1/bk/svc?s=id-card"))
    times = chat.tap(citizen, _one(postbacks(days), f"1/bk/day?s=id-card&d={day:%Y%m%d}"))
    review = chat.tap(citizen, _one(postbacks(times), f"1/bk/time?s=id-card&d={day:%Y%m%d}&t={hhmm}"))
    return chat.tap(citizen, _one(postbacks(review), "1/bk/ok?"))


def test_a_citizen_books_from_the_typed_keyword_to_a_confirmation_card(booking_env):
    """GIVEN a service with 2 seats at 10:00 tomorrow WHEN a citizen types "จองคิว" and taps service, day, time
    and confirm THEN one confirmed booking row, one seat fewer, and a card with the Thai date, time, branch,
    reference, documents, a map link and cancel/reschedule buttons."""
    make_service()
    citizen = user()
    (card,) = _book(booking_env, citizen, tomorrow())

    (booking,) = bookings_of(citizen)
    assert booking.status == "confirmed" and booking.slot_id == slot_of("id-card", tomorrow(), "1000")
    assert seats_left(booking.slot_id) == {"general": 1, "priority": 0, "held": 0, "seats": 2}
    assert bookings.active_count(AGENCY, "id-card", citizen) == 1
    text = words(card)
    assert "จองคิวสำเร็จ" in text and thai.day(tomorrow(), "th") in text and "10:00 น." in text
    assert booking.ref in text and "สำนักงานเขตตัวอย่าง" in text and "สำเนาทะเบียนบ้าน" in text
    assert "https://www.google.com/maps/search/?api=1&query=13.750000,100.500000" in str(card)
    assert f"1/bk/cxl?b={booking.ref}" in postbacks(card) and f"1/bk/rs?b={booking.ref}" in postbacks(card)


def test_my_bookings_lists_the_upcoming_booking(booking_env):
    """GIVEN a citizen with a booking WHEN they type "คิวของฉัน" THEN a card with its time, reference and buttons."""
    make_service()
    citizen = user()
    _book(booking_env, citizen, tomorrow())
    (booking,) = bookings_of(citizen)

    (mine,) = booking_env.say(citizen, "คิวของฉัน")
    assert booking.ref in words(mine) and "10:00 น." in words(mine)
    assert f"1/bk/cxl?b={booking.ref}" in postbacks(mine)


def test_reschedule_moves_the_booking_holding_the_new_seat_before_releasing_the_old(booking_env):
    """GIVEN a booking at 10:00 WHEN the citizen reschedules to 14:00 THEN the old booking is "rescheduled", a new
    one is confirmed at 14:00, 10:00 has its seat back, 14:00 one fewer, and the citizen still holds one."""
    make_service()
    citizen = user()
    _book(booking_env, citizen, tomorrow())
    (old,) = bookings_of(citizen)

    days = booking_env.tap(citizen, f"1/bk/rs?b={old.ref}")
    times = booking_env.tap(citizen, _one(postbacks(days), f"1/bk/day?s=id-card&d={tomorrow():%Y%m%d}&b={old.ref}"))
    review = booking_env.tap(citizen, _one(postbacks(times), f"1/bk/time?s=id-card&d={tomorrow():%Y%m%d}&t=1400"))
    assert "10:00 น." in words(review)  # "was: …" on the review card
    (card,) = booking_env.tap(citizen, _one(postbacks(review), "1/bk/ok?"))

    old_now, new = bookings_of(citizen)
    assert old_now.status == "rescheduled" and old_now.next_ref == new.ref
    assert new.status == "confirmed" and new.previous_ref == old.ref and new.slot_id.endswith("1400")
    assert seats_left(old.slot_id)["general"] == 2 and seats_left(new.slot_id)["general"] == 1
    assert bookings.active_count(AGENCY, "id-card", citizen) == 1
    assert "เลื่อนคิวสำเร็จ" in words(card) and new.ref in words(card)


def test_cancel_asks_once_then_frees_the_seat(booking_env):
    """GIVEN a booking WHEN the citizen taps cancel and then confirms THEN the booking is cancelled, the seat is
    back, the citizen holds none, and both answers say so plainly."""
    make_service()
    citizen = user()
    _book(booking_env, citizen, tomorrow())
    (booking,) = bookings_of(citizen)

    (ask,) = booking_env.tap(citizen, f"1/bk/cxl?b={booking.ref}")
    assert "ยืนยันยกเลิกคิว" in ask["text"] and bookings_of(citizen)[0].status == "confirmed"
    (done,) = booking_env.tap(citizen, _one(postbacks(ask), "1/bk/cxlok?"))

    assert bookings_of(citizen)[0].status == "cancelled"
    assert seats_left(booking.slot_id)["general"] == 2 and bookings.active_count(AGENCY, "id-card", citizen) == 0
    assert f"ยกเลิกคิว {booking.ref} แล้ว" in done["text"]


def test_one_active_booking_per_service(booking_env):
    """GIVEN a citizen who holds a booking WHEN they confirm another time of the same service THEN no second
    booking; the answer points to "my bookings"."""
    make_service()
    citizen = user()
    _book(booking_env, citizen, tomorrow())
    (again,) = _book(booking_env, citizen, tomorrow(), "1100")

    assert len(bookings_of(citizen)) == 1
    assert seats_left(slot_of("id-card", tomorrow(), "1100"))["general"] == 2
    assert "มีคิวของทำบัตรประชาชนอยู่แล้ว" in again["text"] and "1/bk/mine" in postbacks(again)


def test_every_answer_in_the_flow_is_a_message_line_accepts(booking_env):
    """GIVEN the whole flow (book, my bookings, reschedule, cancel) WHEN its answers are sent to the fake LINE
    platform, which validates against LINE's OpenAPI spec and limits THEN every one is accepted."""
    from werkzeug.test import Client

    from infra.local.fake_line import FakeLine

    make_service()
    citizen = user()
    _book(booking_env, citizen, tomorrow())
    (booking,) = bookings_of(citizen)
    booking_env.say(citizen, "คิวของฉัน")
    booking_env.tap(citizen, f"1/bk/cxl?b={booking.ref}")
    booking_env.tap(citizen, f"1/bk/cxlok?b={booking.ref}")
    booking_env.say(citizen, "book")

    line = Client(FakeLine("token"))
    for sent in booking_env.sent:
        answer = line.post("/v2/bot/message/push", json={"to": citizen, "messages": sent.messages},
                           headers={"Authorization": "Bearer token"})
        assert answer.status_code == 200, (sent.purpose, answer.get_data(as_text=True))
