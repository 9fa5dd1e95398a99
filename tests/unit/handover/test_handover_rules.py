"""When staff answer a chat: office hours, expected answer times, idleness (civic.handover.rules, pure)."""

from datetime import datetime

import pytest

from civic.handover import rules
from civic.thai import BANGKOK

HOURS = {d: [["08:30", "12:00"], ["13:00", "16:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def at(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


@pytest.mark.parametrize("moment,open_now", [
    (at(2026, 12, 2, 9), True),          # a Wednesday morning
    (at(2026, 12, 2, 12, 30), False),    # lunch
    (at(2026, 12, 2, 16, 30), False),    # closing time itself is closed
    (at(2026, 12, 5, 10), False),        # Saturday (and Father's Day)
    (at(2026, 12, 10, 10), False),       # Constitution Day, a Thursday holiday
])
def test_the_office_is_open_only_in_its_hours_on_working_days(moment, open_now):
    """GIVEN the municipality's hours WHEN a moment is checked THEN open only inside a range on a non-holiday."""
    assert rules.in_office(HOURS, moment) is open_now


def test_in_hours_staff_are_expected_within_the_answer_time():
    """GIVEN Wednesday 09:00 and 15 minutes to answer WHEN a citizen asks THEN in hours, by 09:15."""
    assert rules.expected_answer(HOURS, 15, at(2026, 12, 2, 9)) == (True, at(2026, 12, 2, 9, 15))


def test_after_hours_staff_are_expected_after_the_next_opening_past_holidays():
    """GIVEN Wednesday 9 Dec at 17:00, Thursday 10 Dec a holiday WHEN a citizen asks THEN answered from Friday 08:45."""
    assert rules.expected_answer(HOURS, 15, at(2026, 12, 9, 17)) == (False, at(2026, 12, 11, 8, 45))


def test_an_office_that_never_opens_promises_no_time():
    """GIVEN no hours at all WHEN a citizen asks THEN no expected time (the card says 'as soon as possible')."""
    assert rules.expected_answer({}, 15, at(2026, 12, 2, 9)) == (False, None)


def test_a_chat_is_idle_after_the_agencys_idle_time_and_not_before():
    """GIVEN 30 idle minutes WHEN the last message was 29 and 31 minutes ago THEN not idle, then idle."""
    now = at(2026, 12, 2, 10)
    last = lambda minutes: int(now.timestamp() * 1000) - minutes * 60_000  # noqa: E731
    assert not rules.idle(last(29), now, 30) and rules.idle(last(31), now, 30)


@pytest.mark.parametrize("lang,text", [("th", "จ.–ศ. 08:30–12:00, 13:00–16:30 น."),
                                       ("en", "Mon–Fri 08:30–12:00, 13:00–16:30")])
def test_office_hours_read_as_a_citizen_says_them(lang, text):
    """GIVEN the same hours Monday to Friday WHEN told to a citizen THEN grouped: จ.–ศ. … / Mon–Fri …"""
    assert rules.hours_text(HOURS, lang) == text
