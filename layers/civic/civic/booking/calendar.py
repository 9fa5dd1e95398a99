"""A service's calendar and the slots it opens: opening hours per weekday, slot length, seats per slot,
closed days (Thai public holidays known), priority seats that open to everyone a set time before.

Pure: dates and times in, slot plans out; every clock reading is Asia/Bangkok.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from civic.thai import BANGKOK, holiday

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_SHARDS = 20
MAX_HORIZON_DAYS = 60  # how far ahead any calendar may open slots (bounds the life of a booking count)


class CalendarError(ValueError):
    """A calendar that cannot be: the reason is told to the staff member who set it."""


@dataclass(frozen=True)
class Calendar:
    hours: dict[str, list[tuple[str, str]]]  # "mon" → [("08:30", "12:00"), ("13:00", "16:30")]
    slot_minutes: int = 30
    seats: int = 4
    priority_seats: int = 0               # of `seats`, kept for the elderly, disabled and pregnant …
    priority_release_hours: int = 24      # … until this long before the slot, then open to everyone
    closed_dates: tuple[date, ...] = ()
    thai_holidays: bool = True
    horizon_days: int = 14                # how far ahead citizens may book
    shards: int = 1                       # seat counters per slot: >1 spreads a launch-day rush (docs/booking.md)

    def __post_init__(self):
        if not 0 <= self.priority_seats <= self.seats:
            raise CalendarError("priority seats must be between 0 and the seats of a slot")
        if not 1 <= self.shards <= min(MAX_SHARDS, max(1, self.seats)):
            raise CalendarError(f"shards must be 1..{MAX_SHARDS} and at most the seats of a slot")
        if self.slot_minutes < 5 or not 1 <= self.horizon_days <= MAX_HORIZON_DAYS:
            raise CalendarError(f"slots are at least 5 minutes and citizens book 1..{MAX_HORIZON_DAYS} days ahead")
        for weekday, ranges in self.hours.items():
            if weekday not in WEEKDAYS:
                raise CalendarError(f"unknown weekday {weekday}")
            for opens, closes in ranges:
                if _clock(opens) >= _clock(closes):
                    raise CalendarError(f"{weekday}: {opens} is not before {closes}")

    @classmethod
    def from_dict(cls, data: dict) -> "Calendar":
        return cls(
            hours={day: [tuple(r) for r in ranges] for day, ranges in (data.get("hours") or {}).items()},
            slot_minutes=int(data.get("slot_minutes", 30)),
            seats=int(data.get("seats", 4)),
            priority_seats=int(data.get("priority_seats", 0)),
            priority_release_hours=int(data.get("priority_release_hours", 24)),
            closed_dates=tuple(date.fromisoformat(d) for d in data.get("closed_dates", ())),
            thai_holidays=bool(data.get("thai_holidays", True)),
            horizon_days=int(data.get("horizon_days", 14)),
            shards=int(data.get("shards", 1)),
        )

    def to_dict(self) -> dict:
        return {
            "hours": {day: [list(r) for r in ranges] for day, ranges in self.hours.items()},
            "slot_minutes": self.slot_minutes, "seats": self.seats, "priority_seats": self.priority_seats,
            "priority_release_hours": self.priority_release_hours,
            "closed_dates": [d.isoformat() for d in self.closed_dates],
            "thai_holidays": self.thai_holidays, "horizon_days": self.horizon_days, "shards": self.shards,
        }


def of_service(service) -> Calendar | None:
    """A service's calendar, from the JSON its table item holds."""
    return Calendar.from_dict(service.calendar) if service.calendar else None


@dataclass(frozen=True)
class PlannedSlot:
    """One slot a calendar opens, before its seats are split over shard counters."""

    agency_id: str
    service_id: str
    day: date
    start: time
    seats: int
    priority_seats: int
    starts_at: datetime = field(init=False)
    priority_opens_at: datetime = field(init=False)
    release_hours: int = 24

    def __post_init__(self):
        starts = datetime.combine(self.day, self.start, tzinfo=BANGKOK)
        object.__setattr__(self, "starts_at", starts)
        object.__setattr__(self, "priority_opens_at", starts - timedelta(hours=self.release_hours))

    @property
    def slot_id(self) -> str:
        return slot_id(self.agency_id, self.service_id, self.day, self.start)


def slot_id(agency_id: str, service_id: str, day: date, start: time) -> str:
    """`demo-municipality#id-card@202611260930`: the slot's name in tables, beginning with its agency
    (two agencies may both name a service `id-card`)."""
    return f"{agency_id}#{service_id}@{day:%Y%m%d}{start:%H%M}"


def parse_slot_id(value: str) -> tuple[str, str, date, time]:
    """(agency, service, day, start) of a slot id."""
    scope, _, stamp = value.partition("@")
    agency_id, _, service_id = scope.partition("#")
    moment = datetime.strptime(stamp, "%Y%m%d%H%M")
    return agency_id, service_id, moment.date(), moment.time()


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def is_open(calendar: Calendar, d: date) -> bool:
    if d in calendar.closed_dates or (calendar.thai_holidays and holiday(d)):
        return False
    return bool(calendar.hours.get(WEEKDAYS[d.weekday()]))


def slot_starts(calendar: Calendar, d: date) -> list[time]:
    """Start times on a day: every slot that ends by the closing time of its opening range."""
    if not is_open(calendar, d):
        return []
    starts = []
    step = timedelta(minutes=calendar.slot_minutes)
    for opens, closes in calendar.hours[WEEKDAYS[d.weekday()]]:
        at, end = datetime.combine(d, _clock(opens)), datetime.combine(d, _clock(closes))
        while at + step <= end:
            starts.append(at.time())
            at += step
    return sorted(set(starts))


def plan(calendar: Calendar, agency_id: str, service_id: str, first_day: date,
         days: int | None = None) -> list[PlannedSlot]:
    """The slots from first_day over the calendar's horizon (or `days`)."""
    span = calendar.horizon_days if days is None else days
    return [
        PlannedSlot(agency_id, service_id, d, start, calendar.seats, calendar.priority_seats,
                    calendar.priority_release_hours)
        for d in (first_day + timedelta(days=n) for n in range(span))
        for start in slot_starts(calendar, d)
    ]


def booking_days(today: date, horizon_days: int) -> list[date]:
    """The days a citizen may pick today: from today through the horizon."""
    return [today + timedelta(days=n) for n in range(horizon_days)]


def shares(total: int, parts: int) -> list[int]:
    """Split seats over shard counters as evenly as whole seats allow: shares(10, 3) → [4, 3, 3]."""
    base, extra = divmod(total, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]
