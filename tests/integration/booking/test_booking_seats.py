"""Priority seats and sharded seat counters, on moto."""

from datetime import datetime, time, timedelta

from civic.booking import ledger, rules, staff
from infra.local.demo.booking import seed
from civic.tables import booking_services, booking_slots
from civic.thai import BANGKOK

from .conftest import make_service, postbacks, seats_left, slot_of, user, words


def _book(service, citizen, slot, now, group=None, request="0000feed"):
    return ledger.book(citizen, service, slot, group, rules.booking_ref(citizen, slot, request), now)


def test_priority_seats_are_kept_for_priority_groups_until_their_release(booking_env):
    """GIVEN a slot three days ahead with 2 seats, 1 kept for priority groups until 24 h before WHEN a general
    citizen takes the open seat THEN a second general citizen is told it is full, the time picker shows the seat as
    reserved, and a citizen aged 60 or over still books it."""
    now = datetime.now(BANGKOK)
    service = make_service(seats=2, priority_seats=1, release_hours=24, horizon_days=4)
    day = now.date() + timedelta(days=3)
    slot = slot_of("id-card", day, "1000")

    assert _book(service, user(), slot, now).kind == "booked"
    assert _book(service, user(), slot, now).kind == "full"
    (times,) = booking_env.tap(user(), f"1/bk/day?s=id-card&d={day:%Y%m%d}")
    assert "10:00 น. · สำรอง 1" in words(times)
    elder = _book(service, user(), slot, now, group="elder")
    assert elder.kind == "booked" and elder.booking.pool == "priority" and elder.booking.priority_group == "elder"
    assert seats_left(slot) == {"general": 0, "priority": 0, "held": 0, "seats": 2}


def test_unused_priority_seats_open_to_everyone_before_the_slot(booking_env):
    """GIVEN the same slot with its general seat taken WHEN it is less than 24 h before the slot THEN a general
    citizen gets the priority seat."""
    now = datetime.now(BANGKOK)
    service = make_service(seats=2, priority_seats=1, release_hours=24, horizon_days=4)
    slot = slot_of("id-card", now.date() + timedelta(days=3), "1000")
    _book(service, user(), slot, now)

    late = datetime.combine(now.date() + timedelta(days=2), time(11), tzinfo=BANGKOK)
    outcome = _book(service, user(), slot, late)
    assert outcome.kind == "booked" and outcome.booking.pool == "priority"


def test_the_time_step_asks_about_priority_only_while_it_matters(booking_env):
    """GIVEN a slot with priority seats still kept WHEN a citizen picks its time THEN they are asked whether they are
    60 or over, disabled or pregnant; for a slot without priority seats they go straight to the review card."""
    make_service(seats=2, priority_seats=1, release_hours=1, horizon_days=4)
    make_service(service_id="tax", seats=2, horizon_days=4)
    day = datetime.now(BANGKOK).date() + timedelta(days=2)
    citizen = user()

    (ask,) = booking_env.tap(citizen, f"1/bk/time?s=id-card&d={day:%Y%m%d}&t=1000")
    (review,) = booking_env.tap(citizen, f"1/bk/time?s=tax&d={day:%Y%m%d}&t=1000")

    assert ask["text"].startswith("ท่านเป็นผู้ได้รับสิทธิ์ก่อน")
    assert f"1/bk/ask?s=id-card&d={day:%Y%m%d}&t=1000&p=elder" in postbacks(ask)
    assert "ตรวจสอบก่อนยืนยัน" in words(review) and any(d.startswith("1/bk/ok?s=tax") for d in postbacks(review))


def test_a_sharded_slot_sells_exactly_its_seats_spread_over_its_counters(booking_env):
    """GIVEN a slot of 10 seats spread over 3 counters (4+3+3) WHEN 12 citizens book it THEN exactly 10 bookings,
    2 "full", every counter at zero, bookings on all three counters, and staff see all ten for the day."""
    now = datetime.now(BANGKOK)
    service = make_service(seats=10, shards=3)
    slot = slot_of("id-card", now.date() + timedelta(days=1), "1000")
    assert [s.seats for s in booking_slots.shards(slot, 3)] == [4, 3, 3]

    outcomes = [_book(service, user(), slot, now) for _ in range(12)]

    assert [o.kind for o in outcomes].count("booked") == 10 and [o.kind for o in outcomes].count("full") == 2
    assert seats_left(slot)["general"] == 0
    assert {o.booking.shard for o in outcomes if o.booking} == {0, 1, 2}
    listed = staff.day_bookings(service, now.date() + timedelta(days=1), time(10))
    assert len(listed) == 10


def test_the_demo_seed_opens_two_services_once(booking_env):
    """GIVEN an empty deployment WHEN the demo is seeded twice THEN demo-municipality has two services with open
    slots, and the second run creates nothing new."""
    now = datetime.now(BANGKOK)
    first = seed(now)
    again = seed(now)
    services = booking_services.of_agency("demo-municipality")
    assert sorted(s.service_id for s in services) == ["id-card", "vaccination"]
    assert sum(first.values()) > 0 and sum(again.values()) == 0
