"""The complaint rules, pure: statuses and what may follow what, references, what a postback may ask, a
draft's steps, duplicates by distance, what public outputs may show, and the figures from counters.

Plain values in, plain values out; objects passed in are read by attribute name only (a Case item), so
tests build them without AWS.
"""

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from civic import text as civic_text
from civic.postback import Postback, PostbackError
from civic.thai import BANGKOK, BUDDHIST_ERA_OFFSET

# ---------------------------------------------------------------- statuses

OPEN = ("received", "accepted", "assigned", "in_progress", "reopened")
WAITING = ("resolved",)                       # done by staff; the citizen confirms or reopens
CLOSED = ("closed", "forwarded", "duplicate", "rejected", "cancelled")
STATUSES = OPEN + WAITING + CLOSED

# action → (statuses it may start from, the status it leads to; None keeps the status)
ACTIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accept": (("received", "reopened"), "accepted"),
    "assign": (OPEN, "assigned"),
    "progress": (OPEN, "in_progress"),
    "forward": (OPEN, "received"),            # to another department: it must accept it again
    "forward_agency": (OPEN, "forwarded"),    # to another agency: a new case there, closed here
    "co_assign": (OPEN, None),
    "duplicate": (OPEN, "duplicate"),
    "resolve": (OPEN, "resolved"),
    "reject": (OPEN, "rejected"),
    "escalate": (OPEN, None),
    "confirm": (WAITING, "closed"),
    "auto_confirm": (WAITING, "closed"),
    "reopen": (WAITING, "reopened"),
    "cancel": (OPEN, "cancelled"),
    "rate": (("closed",), None),
    "note": (OPEN + WAITING, None),
    "photo": (OPEN + WAITING, None),
    "withdraw": (STATUSES, None),             # the citizen unsent a message of theirs
}
# Steps the followers are pushed (the citizen's own steps are answered on their reply token instead).
PUSHED = {"accept", "assign", "progress", "forward", "forward_agency", "co_assign", "duplicate", "resolve",
          "reject", "escalate", "auto_confirm"}


class NotAllowed(Exception):
    """The case's status does not allow this step (answered 409 to staff, plainly to citizens)."""

    def __init__(self, action: str, status: str):
        super().__init__(f"cannot {action.replace('_', ' ')} a case that is {status.replace('_', ' ')}")
        self.action, self.status = action, status


def next_status(action: str, status: str) -> str:
    """The status after `action`, or NotAllowed."""
    allowed, to = ACTIONS[action]
    if status not in allowed:
        raise NotAllowed(action, status)
    return to or status


def is_open(status: str) -> bool:
    return status in OPEN


def open311_status(status: str) -> str:
    """GeoReport v2 knows two statuses: open, and closed (which includes resolved, awaiting confirmation)."""
    return "open" if status in OPEN else "closed"


# ---------------------------------------------------------------- references

REF_PATTERN = r"^CP-[0-9]{4}-[0-9]{4,5}$"
_REF = re.compile(REF_PATTERN)
_AGENCY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_DRAFT = re.compile(r"^[0-9a-f]{8}$")


def month_of(at: datetime) -> str:
    """`6912`: the Buddhist year's last two digits and the month, in Bangkok (the reference's prefix)."""
    local = at.astimezone(BANGKOK)
    return f"{(local.year + BUDDHIST_ERA_OFFSET) % 100:02d}{local.month:02d}"


def reference(at: datetime, number: int) -> str:
    """`CP-6912-0042`: read over the phone as "CP, sixty-nine twelve, forty-two"."""
    return f"CP-{month_of(at)}-{number:04d}"


def normal_ref(typed: str) -> str | None:
    """A reference as people type it (any case, spaces or dashes or none), or None when it cannot be one."""
    digits = re.sub(r"[\s-]", "", typed.upper()).removeprefix("CP")
    ref = f"CP-{digits[:4]}-{digits[4:]}"
    return ref if digits.isdigit() and _REF.match(ref) else None


def draft_id() -> str:
    return secrets.token_hex(4)


def calendar_month(at: datetime) -> str:
    """`202612`: the Gregorian Bangkok month of an instant (index keys; readable by machines)."""
    return f"{at.astimezone(BANGKOK):%Y%m}"


# ---------------------------------------------------------------- what a postback may ask

@dataclass(frozen=True)
class Choice:
    """The validated parameters of a complaint postback; ownership is checked by the caller."""

    ref: str | None = None
    agency_id: str | None = None
    draft: str | None = None
    category: str | None = None
    stars: int | None = None


def choice(data: Postback, default_agency: str) -> Choice:
    params, values = data.params, {}
    if "r" in params:
        if not _REF.match(params["r"]):
            raise PostbackError("bad case reference")
        values["ref"] = params["r"]
    agency = params.get("a", default_agency)
    if not _AGENCY.match(agency):
        raise PostbackError("bad agency")
    values["agency_id"] = agency
    if "d" in params:
        if not _DRAFT.match(params["d"]):
            raise PostbackError("bad draft id")
        values["draft"] = params["d"]
    if "c" in params:
        if not _CODE.match(params["c"]):
            raise PostbackError("bad category code")
        values["category"] = params["c"]
    if "s" in params:
        values["stars"] = data.int_param("s", low=1, high=5)
    return Choice(**values)


def require(found: Choice, *names: str) -> Choice:
    missing = [n for n in names if getattr(found, n) is None]
    if missing:
        raise PostbackError(f"missing {', '.join(missing)}")
    return found


# ---------------------------------------------------------------- a draft

MAX_PHOTOS = 3
DESCRIPTION_MAX_UTF16 = 10_000  # two full LINE messages; more is cut on a whole character, and said so


def new_draft(category: str, now: float) -> dict:
    return {"id": draft_id(), "category": category, "step": "describe", "parts": [], "photos": [],
            "unavailable": 0, "lat": None, "lng": None, "address": None, "landmark": None, "started_at": now,
            "messages": []}


def description(draft: dict) -> str:
    return "\n".join(p["t"] for p in draft["parts"] if not p.get("hidden") and p.get("t"))


def add_words(draft: dict, words: str, message_id: str | None) -> bool:
    """Append the citizen's words; False when they had to be cut to the length a case keeps."""
    used = civic_text.utf16_units(description(draft))
    room = DESCRIPTION_MAX_UTF16 - used - (1 if draft["parts"] else 0)
    kept = words if civic_text.utf16_units(words) <= room else civic_text.cut(words, max(room, 1))
    draft["parts"].append({"m": message_id, "t": kept})
    return kept == words


def has_place(draft: dict) -> bool:
    return draft["lat"] is not None or bool(draft["landmark"])


def next_step(draft: dict) -> str:
    """What the draft still needs: describe → photos → place → review."""
    if not description(draft):
        return "describe"
    if draft["step"] in ("describe", "photos") and len(draft["photos"]) < MAX_PHOTOS and not has_place(draft):
        return "photos"
    if not has_place(draft):
        return "place"
    return "review"


# ---------------------------------------------------------------- duplicates

DUPLICATE_METRES = 50
EARTH_RADIUS_M = 6_371_008.8


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby(cases: list, lat: float, lng: float, within_m: float = DUPLICATE_METRES) -> list[tuple[float, object]]:
    """(distance, case) of open located cases within the distance, nearest first."""
    found = [(metres(lat, lng, c.lat, c.lng), c) for c in cases
             if c.lat is not None and c.lng is not None and is_open(c.status)]
    return sorted(((d, c) for d, c in found if d <= within_m), key=lambda pair: (pair[0], pair[1].ref))


# ---------------------------------------------------------------- what public outputs may show

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_PHONE = re.compile(r"(?<![\d+])(?:\+?66[\s.-]?|0)\d(?:[\s.-]?\d){7,8}(?!\d)")
_NATIONAL_ID = re.compile(r"(?<!\d)\d(?:[\s-]?\d){12}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REMOVED = "[…]"


def scrub(words: str) -> str:
    """Words fit to publish: phone numbers, Thai national ID numbers and e-mail addresses replaced (Thai
    digits too), everything else untouched."""
    latin = words.translate(_THAI_DIGITS)  # one character for one: positions agree with `words`
    spans = sorted({m.span() for pattern in (_NATIONAL_ID, _PHONE, _EMAIL) for m in pattern.finditer(latin)})
    out, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        out += [words[at:start], REMOVED]
        at = end
    return "".join(out + [words[at:]])


# ---------------------------------------------------------------- figures from counters

HISTOGRAM_BASE = 1.1  # resolution-time buckets grow by 10 %: the median is known to within 5 %


def bucket(seconds: float) -> int:
    return int(math.log(max(0.0, seconds) / 60 + 1, HISTOGRAM_BASE))


def _bucket_middle_s(index: int) -> float:
    low, high = HISTOGRAM_BASE ** index - 1, HISTOGRAM_BASE ** (index + 1) - 1
    return (low + high) / 2 * 60


# Bands of time to resolve for the public dashboard: a day, three days, a week, two weeks, then longer.
RESOLVE_BANDS_HOURS = (24, 72, 168, 336)


def resolve_bands(histogram: dict[int, int]) -> list[dict]:
    """Resolutions per band of time to resolve, read off the histogram (each bucket by its middle, so a band's
    edge is known within 10 %); the last band (`up_to_hours` None) is everything longer."""
    counts = [0] * (len(RESOLVE_BANDS_HOURS) + 1)
    for index, n in histogram.items():
        hours = _bucket_middle_s(index) / 3600
        band = next((i for i, limit in enumerate(RESOLVE_BANDS_HOURS) if hours <= limit), len(RESOLVE_BANDS_HOURS))
        counts[band] += n
    return [{"up_to_hours": limit, "resolutions": n} for limit, n in zip((*RESOLVE_BANDS_HOURS, None), counts)]


def median_seconds(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen * 2 >= total:
            return _bucket_middle_s(index)
    return None


def figures(counters: dict[str, int]) -> dict:
    """The console's and open data's figures from an agency's counters (civic.tables.complaint_figures)."""
    by_status = {s: counters.get(f"status#{s}", 0) for s in STATUSES}
    by = {"category": {}, "area": {}}
    for name, value in counters.items():
        kind, _, rest = name.partition("#")
        if kind in by and value:
            key, _, status = rest.rpartition("#")
            by[kind].setdefault(key, {})[status] = value
    histogram = {int(name[len("resolve#h"):]): v for name, v in counters.items() if name.startswith("resolve#h")}
    resolved, within = counters.get("resolve#count", 0), counters.get("resolve#within", 0)
    rated = counters.get("rating#count", 0)
    median = median_seconds(histogram)
    return {
        "cases": sum(by_status.values()),
        "by_status": by_status,
        "by_category": {k: {"total": sum(v.values()), "open": sum(n for s, n in v.items() if s in OPEN)}
                        for k, v in sorted(by["category"].items())},
        "by_area": {k: {"total": sum(v.values()), "open": sum(n for s, n in v.items() if s in OPEN)}
                    for k, v in sorted(by["area"].items())},
        "resolutions": resolved,
        "median_hours_to_resolve": round(median / 3600, 1) if median is not None else None,
        "share_resolved_within_sla": round(within / resolved, 3) if resolved else None,
        "resolved_within_sla": within,
        "time_to_resolve": resolve_bands(histogram),
        "reopen_rate": round(counters.get("reopen#count", 0) / resolved, 3) if resolved else None,
        "ratings": rated,
        "average_rating": round(counters.get("rating#sum", 0) / rated, 2) if rated else None,
        "ratings_by_stars": {str(s): counters.get(f"rating#{s}", 0) for s in range(1, 6)},
    }
