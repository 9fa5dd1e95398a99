"""Calendars and the slots they open: opening hours, slot length, closed days, Thai holidays, priority release."""

from datetime import date, datetime, time

import pytest

from civic.booking.calendar import Calendar, holiday, is_open, parse_slot_id, plan, shares, slot_id, slot_starts
from civic.thai import BANGKOK

WEEKDAYS = {d: [("08:30", "12:00"), ("13:00", "16:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
THURSDAY = date(2026, 11, 26)


def test_slots_fill_each_opening_range_and_never_run_past_closing():
    """GIVEN 08:30–12:00 and 13:00–16:00 with 45-minute slots WHEN planned for a Thursday THEN starts every 45
    minutes within each range, the last ending by its closing time."""
    starts = slot_starts(Calendar(hours=WEEKDAYS, slot_minutes=45), THURSDAY)
    assert [f"{t:%H:%M}" for t in starts] == ["08:30", "09:15", "10:00", "10:45", "13:00", "13:45", "14:30", "15:15"]


def test_days_without_hours_or_marked_closed_open_no_slots():
    """GIVEN a weekday calendar with 27 Nov closed WHEN planning Thu 26 – Sun 29 Nov THEN only Thursday has slots."""
    calendar = Calendar(hours=WEEKDAYS, slot_minutes=60, closed_dates=(date(2026, 11, 27),))
    days = {p.day for p in plan(calendar, "demo-municipality", "id-card", THURSDAY, days=4)}
    assert days == {THURSDAY}


@pytest.mark.parametrize("day,name", [(date(2026, 4, 13), "วันสงกรานต์"), (date(2026, 12, 7), "ชดเชย"),
                                      (date(2026, 12, 10), "วันรัฐธรรมนูญ")])
def test_thai_public_holidays_and_substitution_days_are_closed(day, name):
    """GIVEN Thai public holidays (Songkran, a substitution day, Constitution Day) WHEN the calendar observes them
    THEN those weekdays are closed, and open when the agency turns holidays off."""
    every_day = {d: [("08:00", "16:00")] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert name in holiday(day)
    assert not is_open(Calendar(hours=every_day), day)
    assert is_open(Calendar(hours=every_day, thai_holidays=False), day)


def test_priority_seats_open_to_everyone_the_set_time_before_the_slot():
    """GIVEN priority seats released 24 h before WHEN the 08:30 slot of 26 Nov is planned THEN it starts at 08:30
    Bangkok time and its priority seats open to everyone at 08:30 on 25 Nov."""
    (slot, *_) = plan(Calendar(hours=WEEKDAYS, slot_minutes=60, seats=4, priority_seats=1,
                               priority_release_hours=24), "demo-municipality", "id-card", THURSDAY, days=1)
    assert slot.starts_at == datetime(2026, 11, 26, 8, 30, tzinfo=BANGKOK)
    assert slot.priority_opens_at == datetime(2026, 11, 25, 8, 30, tzinfo=BANGKOK)
    assert (slot.seats, slot.priority_seats) == (4, 1)


@pytest.mark.parametrize("total,parts,expected", [(10, 3, [4, 3, 3]), (4, 4, [1, 1, 1, 1]), (7, 1, [7]),
                                                  (1, 1, [1])])
def test_seats_split_over_counters_add_up_and_differ_by_at_most_one(total, parts, expected):
    """GIVEN a slot's seats and a number of shard counters WHEN split THEN the shares sum to the seats, evenly."""
    assert shares(total, parts) == expected and sum(shares(total, parts)) == total


@pytest.mark.parametrize("bad", [
    dict(hours=WEEKDAYS, seats=2, priority_seats=3),
    dict(hours=WEEKDAYS, seats=2, shards=3),
    dict(hours={"funday": [("08:00", "09:00")]}),
    dict(hours={"mon": [("12:00", "08:00")]}),
    dict(hours=WEEKDAYS, slot_minutes=0),
])
def test_an_impossible_calendar_is_refused(bad):
    """GIVEN more priority seats than seats, more counters than seats, an unknown weekday, hours that close before
    they open, or zero-minute slots WHEN the calendar is made THEN ValueError."""
    with pytest.raises(ValueError):
        Calendar(**bad)


def test_a_calendar_survives_its_stored_form():
    """GIVEN a calendar WHEN stored as a dict and read back THEN it is the same calendar."""
    calendar = Calendar(hours=WEEKDAYS, slot_minutes=20, seats=9, priority_seats=2, closed_dates=(THURSDAY,),
                        horizon_days=30, shards=3)
    assert Calendar.from_dict(calendar.to_dict()) == calendar


def test_slot_ids_name_service_day_and_time_and_read_back():
    """GIVEN a service, day and time WHEN named THEN `id-card@202611260930`, and parsed back to the same parts."""
    assert slot_id("demo-municipality", "id-card", THURSDAY, time(9, 30)) == "demo-municipality#id-card@202611260930"
    assert parse_slot_id("demo-municipality#id-card@202611260930") == ("demo-municipality", "id-card", THURSDAY,
                                                                       time(9, 30))
