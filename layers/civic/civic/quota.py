"""The month's LINE message quota, read from LINE before a large send (a notice, a batch of bills).

LINE counts a month in Japan time (JST, UTC+9): the count starts again at 00:00 JST on the 1st, which is
22:00 on the last day of the month in Bangkok. A send that would take the month past its quota is held and
staff are told how many messages it needs and how many are left; it is never started half-way.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class Budget:
    quota: int | None  # None: LINE sets no monthly limit on this channel
    used: int
    planned: int

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.used)

    @property
    def fits(self) -> bool:
        return self.quota is None or self.planned <= self.left


def month(at: float) -> str:
    """The quota month (YYYY-MM) an epoch second falls in, as LINE counts it."""
    return datetime.fromtimestamp(at, JST).strftime("%Y-%m")


def resets_after(at: float) -> datetime:
    """When the month's count starts again: the next 1st, 00:00 JST."""
    now = datetime.fromtimestamp(at, JST)
    first = (now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=32)).replace(day=1)
    return first


def check(planned: int) -> Budget:
    """What LINE says is left this month against what a send needs. Raises line_api.QuotaUnknown when LINE
    does not answer: the caller holds the send rather than guess."""
    from civic import line_api  # the LINE SDK only where a send is planned (table modules import `month`)

    return Budget(line_api.quota(), line_api.consumption(), planned)
