"""The bill domain's decisions, as plain functions: leaks, reminders, link checks, and who a notice reaches.

Pure: values in, values out; no AWS, no LINE.
"""

import hmac
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

TOPICS = ("water_cut", "outage", "health", "events")   # what a notice is about (a citizen may subscribe)
OPT_OUTS = ("reminders",) + TOPICS                      # what a citizen may turn off
AGE_GROUPS = ("under_25", "25_59", "60_plus")
CHECKS = ("last_amount", "id_last4")                    # what an agency asks besides the account number
MAX_LINKS = 10                                          # accounts one citizen may link (home, shop, parents'…)
REMIND_BEFORE_DAYS = 2
REMIND_AFTER_DAYS = 1
HISTORY = 6                                             # months of usage kept per account
LEAK_MIN_HISTORY = 3
MULTICAST_MAX = 500


# ---------------------------------------------------------------- usage and leaks

def average(history: list[Decimal]) -> Decimal | None:
    recent = history[-HISTORY:]
    return (sum(recent, Decimal(0)) / len(recent)) if recent else None


def leak_suspected(usage: Decimal, history: list[Decimal], factor: Decimal = Decimal(2),
                   min_increase: Decimal = Decimal(10)) -> bool:
    """A usage far above the account's recent average: more than `factor` times it and at least
    `min_increase` units more, once there are LEAK_MIN_HISTORY months to compare with (MWA sees about a
    thousand households a month surprised like this by a hidden leak)."""
    if len(history) < LEAK_MIN_HISTORY:
        return False
    mean = average(history)
    return usage > mean * factor and usage - mean >= min_increase


def change(usage: Decimal, history: list[Decimal]) -> Decimal | None:
    """Usage against the month before, when there is one."""
    return usage - history[-1] if history else None


def with_month(history: list[list], period: str, usage: Decimal) -> list[list]:
    """The account's usage history with this month in its place (newest last, HISTORY months kept)."""
    kept = {p: u for p, u in history if p != period}
    kept[period] = str(usage)
    return [[p, kept[p]] for p in sorted(kept)][-HISTORY:]


def before(history: list[list], period: str) -> list[Decimal]:
    """Usages of the months before `period`, oldest first."""
    return [Decimal(u) for p, u in sorted(history) if p < period]


# ---------------------------------------------------------------- reminders

def reminder_days(today: date) -> dict[str, date]:
    """The due dates whose bills are reminded today: two days before, and the day after (overdue)."""
    return {"before": today + timedelta(days=REMIND_BEFORE_DAYS), "after": today - timedelta(days=REMIND_AFTER_DAYS)}


# ---------------------------------------------------------------- linking

@dataclass(frozen=True)
class Tries:
    failures: int
    paused_until: float | None


def check_matches(expected: str | None, given: str) -> bool:
    """Constant time: how long a wrong answer takes says nothing about how close it was."""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def normal_amount(text: str) -> str | None:
    """What a citizen types as last month's amount (1,234.50 / 1234.5 / ฿1234.50 บาท) as 1234.50."""
    cleaned = text.replace(",", "").replace("฿", "").replace("บาท", "").replace(" ", "").strip()
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        return None
    if not value.is_finite() or value < 0:
        return None
    return f"{value.quantize(Decimal('0.01'))}"


# ---------------------------------------------------------------- who a notice reaches

@dataclass(frozen=True)
class Area:
    district: str
    subdistrict: str | None = None  # None: the whole district

    def covers(self, district: str, subdistrict: str) -> bool:
        """A membership (district, subdistrict or "*" for a whole district) hears a notice for this area."""
        if district != self.district:
            return False
        return self.subdistrict is None or subdistrict in (self.subdistrict, "*")


@dataclass(frozen=True)
class Audience:
    areas: tuple[Area, ...]
    topic: str
    age_groups: tuple[str, ...] = ()


@dataclass
class Prefs:
    """A citizen's choices with one agency (all optional) and the areas they belong to."""
    linked: bool = False                       # holds a linked account: a customer hears every topic
    topics: set[str] = field(default_factory=set)
    opt_outs: set[str] = field(default_factory=set)
    age_group: str | None = None
    memberships: set[tuple[str, str]] = field(default_factory=set)  # (district, subdistrict or "*")


def first_match(audience: Audience, memberships: set[tuple[str, str]]) -> tuple[int, str, str] | None:
    """The first (area index, district, subdistrict) through which a citizen hears a notice: a citizen found
    under several of its areas is sent it only through this one, so nobody gets a notice twice."""
    found = [(i, d, s) for i, area in enumerate(audience.areas) for d, s in sorted(memberships) if area.covers(d, s)]
    return min(found) if found else None


def refusal(audience: Audience, prefs: Prefs) -> str | None:
    """Why this citizen does not get the notice ("opted_out", "not_subscribed", "age_group"), or None."""
    if audience.topic in prefs.opt_outs:
        return "opted_out"
    if not prefs.linked and audience.topic not in prefs.topics:
        return "not_subscribed"
    if audience.age_groups and prefs.age_group not in audience.age_groups:
        return "age_group"
    return None


def multicast_requests(recipients: int) -> int:
    return math.ceil(recipients / MULTICAST_MAX)


def chunks(items: list, size: int = MULTICAST_MAX) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]
