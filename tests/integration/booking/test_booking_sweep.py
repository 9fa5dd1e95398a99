"""The booking schedules (reminders, no-shows, tomorrow's slots) and a citizen's "my data" over bookings."""

from datetime import datetime, time, timedelta

from civic import privacy
from civic.booking import ledger, rules, sweep
from civic.tables import booking_waitlist, bookings, citizens
from civic.thai import BANGKOK

from .conftest import AGENCY, load_handler, make_service, seats_left, slot_of, user, words

TODAY = datetime.now(BANGKOK).date()
TOMORROW = TODAY + timedelta(days=1)


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


def _consenting(citizen):
    citizens.set_consent(citizen, True, None, at=_at(TODAY, 7).timestamp())
    return citizen


def _book(service, citizen, slot, now):
    return ledger.book(citizen, service, slot, None, rules.booking_ref(citizen, slot, "5eed0000"), now).booking


def _pushes(chat, purpose):
    chat.drain()
    return [o for o in chat.sent if o.purpose == purpose]


def test_the_evening_before_and_the_hour_before_each_remind_once_and_only_with_consent(booking_env):
    """GIVEN two bookings tomorrow at 10:00 made this morning, one citizen consenting to reminders WHEN the sweep
    runs at 18:05 today, again at 18:06, and at 09:05 tomorrow THEN the consenting citizen gets one "tomorrow"
    reminder and one "in an hour" reminder; the other gets none; both bookings are marked reminded."""
    service = make_service(now=_at(TODAY, 0, 1))
    slot = slot_of("id-card", TOMORROW, "1000")
    yes, no = _consenting(user()), user()
    _book(service, yes, slot, _at(TODAY, 8))
    _book(service, no, slot, _at(TODAY, 8))

    sweep.run(_at(TODAY, 18, 5))
    sweep.run(_at(TODAY, 18, 6))
    sweep.run(_at(TOMORROW, 9, 5))

    reminders = _pushes(booking_env, "booking-reminder")
    assert [(o.to, o.id.rsplit(".", 1)[-1]) for o in reminders] == [(yes, "day"), (yes, "hour")]
    assert "พรุ่งนี้ท่านมีนัด" in words(reminders[0].messages) and "10:00 น." in words(reminders[0].messages)
    assert {tuple(b.reminded) for b in bookings.of_day(AGENCY, "id-card", TOMORROW, 1)} == {("day", "hour")}


def test_a_booking_made_after_the_evening_window_opened_gets_no_evening_reminder(booking_env):
    """GIVEN a booking made at 19:00 for tomorrow WHEN the sweep runs at 19:05 THEN no "tomorrow" reminder (they
    just booked), and the window is marked done."""
    service = make_service(now=_at(TODAY, 0, 1))
    citizen = _consenting(user())
    _book(service, citizen, slot_of("id-card", TOMORROW, "1000"), _at(TODAY, 19))
    sweep.run(_at(TODAY, 19, 5))
    assert _pushes(booking_env, "booking-reminder") == []
    assert bookings.of_day(AGENCY, "id-card", TOMORROW, 1)[0].reminded == ["day"]


def test_a_booking_never_checked_in_becomes_a_no_show_after_the_grace_period(booking_env):
    """GIVEN a booking today at 08:00 with 15 minutes' grace WHEN the sweep runs at 08:10 and at 08:16 THEN it stays
    confirmed, then is a no-show and the citizen's allowance is freed."""
    yesterday = _at(TODAY - timedelta(days=1), 9)
    service = make_service(now=yesterday)
    citizen = user()
    booking = _book(service, citizen, slot_of("id-card", TODAY, "0800"), yesterday)

    assert sweep.run(_at(TODAY, 8, 10))["no_shows"] == 0
    assert sweep.run(_at(TODAY, 8, 16))["no_shows"] == 1
    assert bookings.find(AGENCY, booking.ref).status == "no_show" and bookings.active_count(AGENCY, "id-card", citizen) == 0


def test_the_nightly_publish_opens_the_next_day_once(booking_env):
    """GIVEN a calendar with a 3-day horizon WHEN the nightly job runs the next day, twice THEN the new day's 9
    slots open once."""
    make_service(horizon_days=3, now=_at(TODAY, 0, 1))
    assert sweep.publish_all(_at(TOMORROW, 0, 5)) == {"slots_opened": 9}
    assert sweep.publish_all(_at(TOMORROW, 0, 6)) == {"slots_opened": 0}


def test_the_schedule_handler_runs_the_job_its_input_names(booking_env):
    """GIVEN the schedule function WHEN invoked with {"job": "publish"} and with {"job": "sweep"} THEN each job runs."""
    make_service(now=_at(TODAY, 0, 1))
    handler = load_handler("booking_schedule", "booking_schedule")
    from .conftest import LambdaContext

    assert handler.lambda_handler({"job": "publish"}, LambdaContext())["job"] == "publish"
    assert set(handler.lambda_handler({"job": "sweep"}, LambdaContext())["done"]) == {
        "offers_passed_on", "offers_resent", "reminders", "no_shows"}


def test_my_data_exports_bookings_and_waitlist_entries(booking_env):
    """GIVEN a citizen with a booking and a place on a waitlist WHEN they ask for their data THEN the export holds
    both, under the booking holder."""
    service = make_service(seats=1)
    citizen = user()
    now = datetime.now(BANGKOK)
    booking = _book(service, citizen, slot_of("id-card", TOMORROW, "1000"), now)
    _book(service, user(), slot_of("id-card", TOMORROW, "1100"), now)
    ledger.join_waitlist(citizen, service, slot_of("id-card", TOMORROW, "1100"), booking.starts_at, None, now)

    records = privacy.export(citizen)["records"]["booking"]["my_data"]
    assert {r["kind"] for r in records} == {"booking", "booking_count", "waitlist"}
    assert booking.ref in {r.get("ref") for r in records}


def test_erasing_a_citizen_cancels_their_upcoming_booking_frees_the_seat_and_removes_their_rows(booking_env):
    """GIVEN a citizen holding tomorrow's only seat, with another citizen waiting for it WHEN the first erases their
    data THEN their booking, booking count and waitlist rows are gone, and the seat is held and offered to the
    waiter (a push)."""
    service = make_service(seats=1)
    leaving, waiting = user(), user()
    now = datetime.now(BANGKOK)
    slot = slot_of("id-card", TOMORROW, "1000")
    booking = _book(service, leaving, slot, now)
    ledger.join_waitlist(waiting, service, slot, booking.starts_at, None, now)
    ledger.join_waitlist(leaving, service, slot_of("id-card", TOMORROW, "1200"), booking.starts_at, None, now)

    removed = privacy.erase(leaving)

    assert removed["booking.my_data"] == 3  # booking, booking count, waitlist entry
    assert bookings.find(AGENCY, booking.ref) is None and bookings.active_count(AGENCY, "id-card", leaving) == 0
    assert booking_waitlist.of_citizen(leaving) == [] and privacy.export(leaving)["records"]["booking"]["my_data"] == []
    assert seats_left(slot)["held"] == 1
    assert [o.to for o in _pushes(booking_env, "booking-offer")] == [waiting]
