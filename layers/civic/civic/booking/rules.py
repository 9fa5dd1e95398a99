"""The booking rules, pure: who may take which seat, what a booking is called, what a postback may ask.

Plain values in, plain values out; the table modules and the ledger apply them. Objects passed in are
read by attribute name only (a Slot shard, a Booking), so tests build them without any AWS.
"""

import base64
import hashlib
import math
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from civic.booking.calendar import slot_id
from civic.postback import Postback, PostbackError
from civic.thai import BANGKOK

PRIORITY_GROUPS = ("elder", "disabled", "pregnant")
ACTIVE = ("confirmed", "checked_in", "called")          # counts against "one active booking per service"
HOLDS_SEAT = ACTIVE + ("served", "no_show")              # a seat stays used once the day has begun
GENERAL, PRIORITY = "general", "priority"

_SERVICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
REF_PATTERN = r"^BK-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$"
_REF = re.compile(REF_PATTERN)
_ENTRY = re.compile(r"^[0-9]{13}\.[0-9a-f]{8}$")
_NONCE = re.compile(r"^[0-9a-f]{8}$")
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


# ---------------------------------------------------------------- names

def booking_ref(user_id: str, slot: str, request: str) -> str:
    """`BK-7F3K9-QXH2M`: derived from who, which slot and which request, so a retry finds the same booking.
    Crockford's alphabet (no I, L, O, U) in two groups of five: read over the phone without look-alikes."""
    digest = hashlib.sha256(f"{user_id}|{slot}|{request}".encode()).digest()
    code = base64.b32encode(digest).decode()[:10].translate(_CROCKFORD)
    return f"BK-{code[:5]}-{code[5:]}"


def normal_ref(typed: str) -> str | None:
    """A reference as staff type it (any case, with or without dashes or spaces, O for 0, I or L for 1),
    or None when it cannot be one."""
    code = re.sub(r"[\s-]", "", typed.upper()).translate(str.maketrans("OIL", "011"))
    code = code.removeprefix("BK")
    ref = f"BK-{code[:5]}-{code[5:]}"
    return ref if len(code) == 10 and _REF.match(ref) else None


def request_nonce(event_id: str) -> str:
    """The request id a confirm button carries: one per card shown, the same for every tap on it."""
    return hashlib.sha256(event_id.encode()).hexdigest()[:8]


def waitlist_entry(joined_ms: int, user_id: str) -> str:
    """Sorts by joining time; carries no LINE id (it travels in postback data)."""
    return f"{joined_ms:013d}.{hashlib.sha256(user_id.encode()).hexdigest()[:8]}"


# ---------------------------------------------------------------- seats

@dataclass(frozen=True)
class SlotSeats:
    """A slot's counters summed over its shards."""

    seats: int
    general_left: int
    priority_left: int
    held: int
    open: bool
    starts_at: datetime
    priority_opens_at: datetime

    def left_for(self, priority: bool, now: datetime) -> int:
        if not self.open:
            return 0
        if priority or now >= self.priority_opens_at:
            return self.general_left + self.priority_left
        return self.general_left


def epoch_to_local(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=BANGKOK)


def summed(shards: list) -> SlotSeats:
    first = shards[0]
    return SlotSeats(
        seats=sum(s.seats for s in shards),
        general_left=sum(s.general_left for s in shards),
        priority_left=sum(s.priority_left for s in shards),
        held=sum(s.held for s in shards),
        open=all(s.status == "open" for s in shards),
        starts_at=epoch_to_local(first.starts_at),
        priority_opens_at=epoch_to_local(first.priority_opens_at),
    )


def pools(priority: bool, now: datetime, priority_opens_at: datetime) -> list[str]:
    """Which seat pools a citizen may take, in the order to try them."""
    if priority:
        return [PRIORITY, GENERAL]
    return [GENERAL, PRIORITY] if now >= priority_opens_at else [GENERAL]


def candidates(shards: list, priority: bool, now: datetime, rng: random.Random) -> list[tuple[object, str]]:
    """(shard, pool) pairs with a seat for this citizen: shards shuffled so a rush spreads over them."""
    if not shards or any(s.status != "open" for s in shards):
        return []
    order = pools(priority, now, epoch_to_local(shards[0].priority_opens_at))
    shuffled = list(shards)
    rng.shuffle(shuffled)
    return [(s, pool) for pool in order for s in shuffled if getattr(s, f"{pool}_left") > 0]


def bookable(seats: SlotSeats, now: datetime) -> bool:
    return seats.open and seats.starts_at > now


def changeable(booking, now: datetime) -> bool:
    """A citizen may cancel or reschedule a confirmed booking until its start."""
    return booking.status == "confirmed" and booking.starts_at > now.timestamp()


def no_show_due(booking, called_at: float | None, now: datetime, grace_minutes: int) -> bool:
    """Staff (or the sweep) may mark a no-show only after the grace period from the start or the call."""
    if booking.status not in ACTIVE:
        return False
    since = max(booking.starts_at, called_at or 0)
    return now.timestamp() >= since + grace_minutes * 60


# ---------------------------------------------------------------- reminders and offers

def reminders(booking, now: datetime, evening_hour: int = 18) -> dict[str, bool]:
    """Reminder windows now open and not yet done: 'day' from the evening before, 'hour' in the last hour.

    kind → whether to send it; False for a booking made inside the window (marked done, not sent).
    """
    if booking.status != "confirmed":
        return {}
    starts = epoch_to_local(booking.starts_at)
    if starts <= now:
        return {}
    windows = {
        "day": datetime.combine(starts.date() - timedelta(days=1), time(evening_hour), tzinfo=BANGKOK),
        "hour": starts - timedelta(hours=1),
    }
    done = set(booking.reminded or ())
    return {kind: booking.created_at < opens.timestamp()
            for kind, opens in windows.items() if kind not in done and now >= opens}


def offer_deadline(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


def wait_minutes(ahead: int, minutes_per_citizen: int, desks: int) -> int:
    """Expected wait for someone with `ahead` citizens before them, served `desks` at a time."""
    return math.ceil(max(0, ahead) * max(1, minutes_per_citizen) / max(1, desks))


# ---------------------------------------------------------------- what a postback may ask

@dataclass(frozen=True)
class Choice:
    """The validated parameters of a booking postback. Ownership of ids is checked by the caller."""

    agency_id: str = ""            # the agency the chat books with (never from the postback)
    service_id: str | None = None
    day: date | None = None
    start: time | None = None
    priority_group: str | None = None
    request: str | None = None
    ref: str | None = None         # an existing booking (reschedule, cancel, queue position)
    entry: str | None = None       # a waitlist entry (accept or decline an offer)

    @property
    def slot_id(self) -> str:
        return slot_id(self.agency_id, self.service_id, self.day, self.start)


def choice(data: Postback, *, agency_id: str, today: date, horizon_days: int = 60) -> Choice:
    """Parse and bound every parameter; anything unexpected is a PostbackError (tampering or a bug)."""
    params = data.params
    values: dict = {"agency_id": agency_id}
    if "s" in params:
        if not _SERVICE_ID.match(params["s"]):
            raise PostbackError("bad service id")
        values["service_id"] = params["s"]
    if "d" in params:
        stamp = str(data.int_param("d", low=20000101, high=29991231))
        try:
            day = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
        except ValueError as exc:
            raise PostbackError("not a date") from exc
        if not today <= day <= today + timedelta(days=horizon_days):
            raise PostbackError("day outside the booking horizon")
        values["day"] = day
    if "t" in params:
        hhmm = data.int_param("t", low=0, high=2359)
        if hhmm % 100 >= 60:
            raise PostbackError("not a time")
        values["start"] = time(hhmm // 100, hhmm % 100)
    if "p" in params:
        if params["p"] not in PRIORITY_GROUPS + ("none",):
            raise PostbackError("unknown priority group")
        values["priority_group"] = None if params["p"] == "none" else params["p"]
    for key, name, pattern in (("r", "request", _NONCE), ("b", "ref", _REF), ("w", "entry", _ENTRY)):
        if key in params:
            if not pattern.match(params[key]):
                raise PostbackError(f"bad {name}")
            values[name] = params[key]
    return Choice(**values)


def require(found: Choice, *names: str) -> Choice:
    missing = [n for n in names if getattr(found, n) is None]
    if missing:
        raise PostbackError(f"missing {', '.join(missing)}")
    return found
