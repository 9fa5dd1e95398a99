"""When staff answer: office hours, the expected answer time a citizen is told, and when a chat is idle.

Pure: an agency's weekly hours (weekday → [["08:30", "16:30"], …], Asia/Bangkok) and moments in, moments
out. Thai public holidays are closed days, as in every government office.
"""

from datetime import datetime, time, timedelta

from civic import thai

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEARCH_DAYS = 21  # a fortnight of holidays (Songkran, New Year) and then some


def _ranges(hours: dict, day) -> list[tuple[time, time]]:
    if thai.holiday(day):
        return []
    return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in hours.get(WEEKDAYS[day.weekday()], [])]


def in_office(hours: dict, at: datetime) -> bool:
    local = at.astimezone(thai.BANGKOK)
    return any(opens <= local.time() < closes for opens, closes in _ranges(hours, local.date()))


def next_opening(hours: dict, at: datetime) -> datetime | None:
    """The next moment the office opens after `at` (None if it never opens in the coming three weeks)."""
    local = at.astimezone(thai.BANGKOK)
    for n in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=n)
        for opens, _ in sorted(_ranges(hours, day)):
            moment = datetime.combine(day, opens, tzinfo=thai.BANGKOK)
            if moment > local:
                return moment
    return None


def expected_answer(hours: dict, answer_minutes: int, at: datetime) -> tuple[bool, datetime | None]:
    """(in office hours now, when staff are expected to answer): in hours, within `answer_minutes`; outside,
    that long after the office next opens."""
    if in_office(hours, at):
        return True, at + timedelta(minutes=answer_minutes)
    opening = next_opening(hours, at)
    return False, opening + timedelta(minutes=answer_minutes) if opening else None


def idle(last_at_ms: int, now: datetime, idle_minutes: int) -> bool:
    """No message either way for the agency's idle time: the chat goes back to the bot."""
    return now.timestamp() * 1000 - last_at_ms >= idle_minutes * 60_000


def hours_text(hours: dict, lang: str) -> str:
    """'จ.–ศ. 08:30–16:30 น.' style: the days with the same hours grouped, in the citizen's language."""
    names = {"th": ["จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."], "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
    groups: list[tuple[list[int], str]] = []
    for n, day in enumerate(WEEKDAYS):
        ranges = hours.get(day) or []
        if not ranges:
            continue
        shown = ", ".join(f"{a}–{b}" for a, b in ranges) + (" น." if lang == "th" else "")
        if groups and groups[-1][1] == shown and groups[-1][0][-1] == n - 1:
            groups[-1][0].append(n)
        else:
            groups.append(([n], shown))
    label = names["th" if lang == "th" else "en"]
    parts = [(f"{label[d[0]]}–{label[d[-1]]}" if len(d) > 1 else label[d[0]]) + f" {shown}" for d, shown in groups]
    return "; ".join(parts)
