"""Dates, times and money the way Thai citizens read them: Buddhist year, Thai abbreviations, baht.

Every clock reading in the product goes through here, in Asia/Bangkok (Lambda runs in UTC).
"""

from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543

_TH_DAYS = ["จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."]
_TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
_EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def now() -> datetime:
    return datetime.now(BANGKOK)


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).astimezone(BANGKOK)


def day(d: date, lang: str = "th") -> str:
    """พฤ. 26 พ.ย. 2569 / Thu 26 Nov 2026"""
    if lang == "th":
        return f"{_TH_DAYS[d.weekday()]} {d.day} {_TH_MONTHS[d.month - 1]} {d.year + BUDDHIST_ERA_OFFSET}"
    return f"{_EN_DAYS[d.weekday()]} {d.day} {_EN_MONTHS[d.month - 1]} {d.year}"


def clock(t: time | datetime, lang: str = "th") -> str:
    """14:30 น. / 14:30"""
    text = f"{t.hour:02d}:{t.minute:02d}"
    return f"{text} น." if lang == "th" else text


def moment(at: datetime, lang: str = "th") -> str:
    """A point in time for a citizen, in Bangkok: พฤ. 26 พ.ย. 2569 14:30 น."""
    local = at.astimezone(BANGKOK) if at.tzinfo else at.replace(tzinfo=BANGKOK)
    return f"{day(local.date(), lang)} {clock(local, lang)}"


def baht(amount: Decimal | int | str, lang: str = "th") -> str:
    """1,234.50 บาท / THB 1,234.50 (satang rounded half up, as on a bill)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:,.2f}"
    return f"{text} บาท" if lang == "th" else f"THB {text}"


def minutes(n: int, lang: str = "th") -> str:
    """How long, the way a citizen says it: 12 นาที / 1 ชั่วโมง 5 นาที."""
    hours, mins = divmod(max(0, int(n)), 60)
    if lang == "th":
        return (f"{hours} ชั่วโมง " if hours else "") + (f"{mins} นาที" if mins or not hours else "").strip()
    parts = ([f"{hours} h"] if hours else []) + ([f"{mins} min"] if mins or not hours else [])
    return " ".join(parts)


@cache
def _holidays(year: int):
    import holidays  # lazy: ~0.1 s, and only calendars need it

    return holidays.Thailand(years=year, language="th")


def holiday(d: date) -> str | None:
    """The Thai public holiday on this day (substitution days included), its Thai name; or None."""
    return _holidays(d.year).get(d)


def working_day(d: date) -> bool:
    """Monday to Friday and not a Thai public holiday: the days government offices count."""
    return d.weekday() < 5 and not holiday(d)
def money(amount: Decimal | int | str) -> str:
    """฿1,234.50: the amount as a bill prints it (satang rounded half up)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"฿{value:,.2f}"


def month(period: str, lang: str = "th") -> str:
    """A billing month "2026-11" as พ.ย. 2569 / Nov 2026."""
    year, number = int(period[:4]), int(period[5:7])
    if lang == "th":
        return f"{_TH_MONTHS[number - 1]} {year + BUDDHIST_ERA_OFFSET}"
    return f"{_EN_MONTHS[number - 1]} {year}"
