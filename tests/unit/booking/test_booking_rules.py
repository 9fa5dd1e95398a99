"""The booking rules, pure: seats and pools, references, reminders, waits, and postback validation (row 25)."""

import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.booking import rules
from civic.postback import Postback, PostbackError, decode
from civic.thai import BANGKOK

STARTS = datetime(2026, 11, 26, 10, 0, tzinfo=BANGKOK)
OPENS = STARTS - timedelta(hours=24)
TODAY = date(2026, 11, 20)


def shard(k=0, general=1, priority=1, held=0, status="open"):
    return SimpleNamespace(shard=k, seats=general + priority + held, general_left=general, priority_left=priority,
                           held=held, status=status, starts_at=STARTS.timestamp(),
                           priority_opens_at=OPENS.timestamp())


def booking(status="confirmed", created=STARTS - timedelta(days=3), reminded=()):
    return SimpleNamespace(status=status, starts_at=STARTS.timestamp(), created_at=created.timestamp(),
                           reminded=list(reminded))


def test_a_general_citizen_takes_only_general_seats_until_priority_seats_are_released():
    """GIVEN a slot with 1 general and 1 priority seat WHEN a general citizen asks before the release THEN only the
    general seat; after the release THEN general first, then priority; a priority citizen: priority first."""
    before, after = OPENS - timedelta(minutes=1), OPENS
    rng = random.Random(1)
    assert [p for _, p in rules.candidates([shard()], False, before, rng)] == ["general"]
    assert [p for _, p in rules.candidates([shard()], False, after, rng)] == ["general", "priority"]
    assert [p for _, p in rules.candidates([shard()], True, before, rng)] == ["priority", "general"]


def test_seats_left_count_what_this_citizen_may_take():
    """GIVEN two counters (general 1+0, priority 1+1, one seat held for an offer) WHEN summed THEN a general citizen
    sees 1 before the release and 3 after; a priority citizen 3; a closed slot 0; held seats never count."""
    seats = rules.summed([shard(0, 1, 1), shard(1, 0, 1, held=1)])
    assert (seats.seats, seats.held) == (4, 1)
    assert seats.left_for(False, OPENS - timedelta(seconds=1)) == 1
    assert seats.left_for(False, OPENS) == 3 and seats.left_for(True, OPENS - timedelta(days=1)) == 3
    assert rules.summed([shard(status="closed")]).left_for(True, OPENS) == 0


def test_counters_are_tried_in_a_random_order_so_a_rush_spreads_over_them():
    """GIVEN four counters with seats WHEN many citizens pick THEN every counter is picked first by someone."""
    shards = [shard(k) for k in range(4)]
    firsts = {rules.candidates(shards, False, OPENS, random.Random(n))[0][0].shard for n in range(40)}
    assert firsts == {0, 1, 2, 3}


def test_a_closed_or_full_slot_offers_no_seat():
    """GIVEN a closed slot, or one with only held seats WHEN a citizen asks THEN no candidate."""
    assert rules.candidates([shard(status="closed")], True, OPENS, random.Random()) == []
    assert rules.candidates([shard(general=0, priority=0, held=2)], True, OPENS, random.Random()) == []


def test_a_reference_is_the_same_for_the_same_request_and_different_otherwise():
    """GIVEN a citizen, a slot and a request id WHEN the reference is derived twice THEN the same `BK-` + two
    groups of five unambiguous characters (read over the phone); another citizen, slot or request gives
    another reference."""
    ref = rules.booking_ref("Uaaa", "id-card@202611261000", "1a2b3c4d")
    assert ref == rules.booking_ref("Uaaa", "id-card@202611261000", "1a2b3c4d")
    assert len(ref) == 14 and ref[:3] == "BK-" and ref[8] == "-" and not set(ref[3:]) & set("ILOU")
    assert len({ref, rules.booking_ref("Ubbb", "id-card@202611261000", "1a2b3c4d"),
                rules.booking_ref("Uaaa", "id-card@202611261100", "1a2b3c4d"),
                rules.booking_ref("Uaaa", "id-card@202611261000", "ffffffff")}) == 4


@pytest.mark.parametrize("typed", ["BK-7F3K9-QXH2M", "bk-7f3k9-qxh2m", "BK7F3K9QXH2M", "bk 7f3k9 qxh2m",
                                   "7F3K9-QXH2M"])
def test_a_reference_is_read_however_staff_type_it(typed):
    """GIVEN a reference read out over the phone WHEN staff type it in any case, with or without dashes
    THEN it names the same booking."""
    assert rules.normal_ref(typed) == "BK-7F3K9-QXH2M"


def test_look_alike_letters_are_read_as_the_digits_they_stand_for():
    """GIVEN O, I or L typed for 0 or 1 (they never appear in a reference) WHEN read THEN the digits."""
    assert rules.normal_ref("BK-0OIL1-QXH2M") == "BK-00111-QXH2M"


@pytest.mark.parametrize("typed", ["", "BK", "BK-7F3K9-QXH2", "BK-7F3K9-QXH2MM", "BK-7F3K9-QXH2U", "' OR 1=1"])
def test_what_cannot_be_a_reference_is_refused(typed):
    """GIVEN too short, too long, U (not in the alphabet) or injection text WHEN read THEN no reference."""
    assert rules.normal_ref(typed) is None


def test_only_a_confirmed_booking_still_ahead_can_be_changed():
    """GIVEN bookings WHEN asked if they can be cancelled or moved THEN only confirmed ones before their start."""
    assert rules.changeable(booking(), STARTS - timedelta(minutes=1))
    assert not rules.changeable(booking(), STARTS)
    assert not rules.changeable(booking(status="checked_in"), STARTS - timedelta(hours=1))


def test_a_no_show_waits_for_the_grace_period_from_the_start_or_the_call():
    """GIVEN 15 minutes' grace WHEN asked THEN not at start + 14 min, yes at + 15; for one called late, from the call."""
    assert not rules.no_show_due(booking(), None, STARTS + timedelta(minutes=14), 15)
    assert rules.no_show_due(booking(), None, STARTS + timedelta(minutes=15), 15)
    called = (STARTS + timedelta(hours=1)).timestamp()
    assert not rules.no_show_due(booking(status="called"), called, STARTS + timedelta(minutes=70), 15)


def test_reminders_come_the_evening_before_and_the_hour_before_once_each():
    """GIVEN a booking made days ahead WHEN the clock passes 18:00 the day before, then 09:00 on the day THEN
    'day' is due, then 'hour'; each only until done."""
    assert rules.reminders(booking(), datetime(2026, 11, 25, 17, 59, tzinfo=BANGKOK)) == {}
    assert rules.reminders(booking(), datetime(2026, 11, 25, 18, 0, tzinfo=BANGKOK)) == {"day": True}
    assert rules.reminders(booking(reminded=["day"]), STARTS - timedelta(minutes=59)) == {"hour": True}
    assert rules.reminders(booking(reminded=["day", "hour"]), STARTS - timedelta(minutes=5)) == {}


def test_a_booking_made_inside_a_reminder_window_is_marked_not_reminded():
    """GIVEN a booking made at 19:00 the evening before WHEN the sweep looks at 19:01 THEN 'day' is done silently."""
    late = booking(created=datetime(2026, 11, 25, 19, 0, tzinfo=BANGKOK))
    assert rules.reminders(late, datetime(2026, 11, 25, 19, 1, tzinfo=BANGKOK)) == {"day": False}


@pytest.mark.parametrize("ahead,minutes,desks,expected", [(3, 4, 1, 12), (0, 4, 1, 0), (5, 10, 2, 25), (1, 7, 3, 3)])
def test_the_expected_wait_is_those_ahead_times_minutes_each_over_the_desks(ahead, minutes, desks, expected):
    """GIVEN citizens ahead, minutes per citizen and desks WHEN estimated THEN whole minutes, rounded up."""
    assert rules.wait_minutes(ahead, minutes, desks) == expected


def _choice(data: str) -> rules.Choice:
    return rules.choice(decode(data), agency_id="demo-municipality", today=TODAY)


def test_a_full_confirm_postback_is_read_into_typed_choices():
    """GIVEN the confirm button's data WHEN read THEN service, day, time, priority group and request id."""
    found = _choice("1/bk/ok?s=id-card&d=20261126&t=0930&p=elder&r=1a2b3c4d&b=BK-7F3K9-QXH2M")
    assert found == rules.Choice("demo-municipality", "id-card", date(2026, 11, 26), time(9, 30), "elder", "1a2b3c4d",
                                 "BK-7F3K9-QXH2M")
    assert found.slot_id == "demo-municipality#id-card@202611260930"


@pytest.mark.parametrize("data", [
    "1/bk/ok?d=99999999999", "1/bk/ok?d=-1", "1/bk/ok?d=20261131", "1/bk/ok?d=20261119", "1/bk/ok?d=20270601",
    "1/bk/ok?t=2400", "1/bk/ok?t=0960", "1/bk/ok?t=-930", "1/bk/ok?p=vip", "1/bk/ok?s=../etc",
    "1/bk/ok?s=" + "a" * 41, "1/bk/ok?r=zzzz", "1/bk/ok?b=BK0000", "1/bk/ok?b=Uabcdef", "1/bk/ok?w=1.2",
])
def test_out_of_range_or_malformed_values_are_refused(data):
    """GIVEN huge, negative, impossible, past, too-far or malformed values WHEN read THEN PostbackError."""
    with pytest.raises(PostbackError):
        _choice(data)


def test_a_step_missing_what_it_needs_is_refused():
    """GIVEN a confirm without its request id WHEN required THEN PostbackError naming what is missing."""
    with pytest.raises(PostbackError, match="request"):
        rules.require(_choice("1/bk/ok?s=id-card&d=20261126&t=0930"), "service_id", "request")


@given(st.dictionaries(st.sampled_from("sdtpbrwx"), st.text(max_size=30), max_size=6))
def test_any_parameters_give_a_choice_or_a_postback_error_and_nothing_else(params):
    """GIVEN arbitrary parameter values (Hypothesis) WHEN read THEN a Choice or PostbackError — never another error."""
    try:
        rules.choice(Postback("booking", "ok", params), agency_id="demo-municipality", today=TODAY)
    except PostbackError:
        pass
