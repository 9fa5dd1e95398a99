"""Schedule and ScheduleV2 events: rate() and AWS cron() expressions, fired on time on a thread."""

from __future__ import annotations

import calendar
import copy
import logging
import math
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .runtime import FunctionSpec
from .template import ACCOUNT_ID, Template, TemplateError, as_bool, parse_json_input

log = logging.getLogger(__name__)

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
_SEARCH_DAYS = 366 * 5  # bounds the search for the next matching day of a cron expression

DayRule = Callable[[date], bool]


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, after: float, started: float) -> float:
        """Every `seconds` from when the schedule started, as a new EventBridge rule does."""
        return started + (math.floor((after - started) / self.seconds) + 1) * self.seconds


class Cron:
    """AWS's six-field cron: minutes hours day-of-month month day-of-week year; one day field must be '?'."""

    def __init__(self, fields: str, zone: ZoneInfo):
        parts = fields.split()
        if len(parts) != 6:
            raise TemplateError(f"cron({fields}) needs 6 fields, has {len(parts)}")
        minutes, hours, day_of_month, months, day_of_week, years = parts
        if (day_of_month == "?") == (day_of_week == "?"):
            raise TemplateError(f"cron({fields}): exactly one of day-of-month and day-of-week must be '?'")
        self.zone = zone
        self.minutes = sorted(_values(minutes, 0, 59))
        self.hours = sorted(_values(hours, 0, 23))
        self.months = _values(months, 1, 12, _MONTHS)
        self.years = _values(years, 1970, 2199)
        self.day_rule = _day_of_week_rule(day_of_week) if day_of_month == "?" else _day_of_month_rule(day_of_month)

    def next_after(self, after: float, started: float) -> float | None:
        local = datetime.fromtimestamp(after, self.zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if day.month in self.months and day.year in self.years and self.day_rule(day):
                for hour in self.hours:
                    for minute in self.minutes:
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
                        if candidate >= local:
                            return candidate.timestamp()
            day += timedelta(days=1)
        return None


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """A cron field of *, n, a-b, */n, a/n, a-b/n and lists of them, as the set of values it allows."""
    names = names or {}

    def number(text: str) -> int:
        value = names.get(text.upper()) if text.upper() in names else int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    found: set[int] = set()
    try:
        for part in field.split(","):
            part, _, step_text = part.partition("/")
            step = int(step_text) if step_text else 1
            if part == "*":
                start, end = low, high
            elif "-" in part:
                start, end = (number(p) for p in part.split("-", 1))
            else:
                start = number(part)
                end = high if step_text else start
            if step < 1 or start > end:
                raise ValueError(part)
            found.update(range(start, end + 1, step))
    except ValueError:
        raise TemplateError(f"cron field {field!r} is not understood (allowed {low}-{high})") from None
    return frozenset(found)


def _aws_weekday(day: date) -> int:
    return day.isoweekday() % 7 + 1  # AWS counts SUN=1 .. SAT=7


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _day_of_month_rule(field: str) -> DayRule:
    if field == "L":
        return lambda day: day.day == _last_day(day)
    weekday = re.fullmatch(r"(\d+)W", field)
    if weekday:
        return lambda day: day.day == _nearest_weekday(day, int(weekday.group(1)))
    allowed = _values(field, 1, 31)
    return lambda day: day.day in allowed


def _nearest_weekday(day: date, wanted: int) -> int:
    """The weekday (Mon-Fri) nearest the wanted day of the month, never crossing into another month."""
    last = _last_day(day)
    target = date(day.year, day.month, min(wanted, last))
    if target.weekday() == 5:  # Saturday: Friday, or Monday when the 1st is a Saturday
        return target.day - 1 if target.day > 1 else target.day + 2
    if target.weekday() == 6:  # Sunday: Monday, or Friday when it is the last day
        return target.day + 1 if target.day < last else target.day - 2
    return target.day


def _day_of_week_rule(field: str) -> DayRule:
    last = re.fullmatch(r"(\w+)L", field)
    if last:
        weekday = _values(last.group(1), 1, 7, _WEEKDAYS)
        return lambda day: _aws_weekday(day) in weekday and day.day + 7 > _last_day(day)
    nth = re.fullmatch(r"(\w+)#([1-5])", field)
    if nth:
        weekday, occurrence = _values(nth.group(1), 1, 7, _WEEKDAYS), int(nth.group(2))
        return lambda day: _aws_weekday(day) in weekday and (day.day - 1) // 7 + 1 == occurrence
    allowed = _values(field, 1, 7, _WEEKDAYS)
    return lambda day: _aws_weekday(day) in allowed


def parse_expression(expression: str, zone: ZoneInfo) -> Rate | Cron:
    rate = _RATE.match(expression.strip())
    if rate:
        return Rate(int(rate.group(1)) * _UNIT_SECONDS[rate.group(2).rstrip("s")])
    cron = _CRON.match(expression.strip())
    if cron:
        return Cron(cron.group(1), zone)
    raise TemplateError(f"schedule expression {expression!r} is not rate(...) or cron(...)")


@dataclass(frozen=True, eq=False)
class Schedule:
    function_id: str
    event_name: str
    kind: str  # Schedule (an EventBridge rule) or ScheduleV2 (EventBridge Scheduler)
    name: str
    expression: str
    timing: Rate | Cron
    input: Any  # the event's Input, parsed; None sends the scheduled-event notification
    enabled: bool

    def next_after(self, after: float, started: float) -> float | None:
        return self.timing.next_after(after, started)

    def payload(self, at: float, region: str) -> Any:
        if self.input is not None:
            return copy.deepcopy(self.input)
        if self.kind == "ScheduleV2":
            source, resource = "aws.scheduler", f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule/default/{self.name}"
        else:
            source, resource = "aws.events", f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{self.name}"
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": source,
            "account": ACCOUNT_ID,
            "time": datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": region,
            "resources": [resource],
            "detail": {},
        }


def schedules_from_template(template: Template, functions: dict[str, FunctionSpec]) -> list[Schedule]:
    schedules = []
    for spec in functions.values():
        for event_name, event in spec.events.items():
            kind = event.get("Type")
            if kind not in ("Schedule", "ScheduleV2"):
                continue
            where = f"{spec.logical_id}.{event_name}"
            props = template.resolve(event.get("Properties") or {})
            expression = props.get("Schedule" if kind == "Schedule" else "ScheduleExpression")
            if not expression:
                raise TemplateError(f"{where}: no schedule expression")
            zone_name = props.get("ScheduleExpressionTimezone", "UTC") if kind == "ScheduleV2" else "UTC"
            try:
                zone = ZoneInfo(zone_name)
            except ZoneInfoNotFoundError:
                raise TemplateError(f"{where}: unknown time zone {zone_name}") from None
            enabled = as_bool(props.get("Enabled", True)) and props.get("State", "ENABLED") == "ENABLED"
            schedules.append(Schedule(
                function_id=spec.logical_id,
                event_name=event_name,
                kind=kind,
                name=props.get("Name") or f"{spec.logical_id}{event_name}",
                expression=expression,
                timing=parse_expression(expression, zone),
                input=parse_json_input(where, props["Input"]) if "Input" in props else None,
                enabled=enabled,
            ))
    return schedules


class ScheduleRunner:
    """Fires each enabled schedule when it is due. `clock` and `wait` are replaceable so tests need not wait."""

    def __init__(
        self,
        schedules: list[Schedule],
        fire: Callable[[Schedule, float], None],
        clock: Callable[[], float] = time.time,
        wait: Callable[[float], bool] | None = None,
    ):
        self.schedules = [s for s in schedules if s.enabled]
        self._fire = fire
        self._clock = clock
        self._stopping = threading.Event()
        self._wait = wait or self._stopping.wait
        self._thread = threading.Thread(target=self.run, name="schedules", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def run(self) -> None:
        started = self._clock()
        upcoming = [[s.next_after(started, started), s] for s in self.schedules]
        upcoming = [entry for entry in upcoming if entry[0] is not None]
        while upcoming:
            entry = min(upcoming, key=lambda item: item[0])
            due, schedule = entry
            if self._wait(max(0.0, due - self._clock())):
                return
            if self._clock() < due:
                continue  # woke early; wait for the rest
            self._fire(schedule, due)
            entry[0] = schedule.next_after(due, started)
            if entry[0] is None:
                upcoming.remove(entry)
