"""Is a rich menu set on the channel? What the welcome and help read before saying "tap the menu below".

The answer is the publisher's record (civic.tables.rich_menus, written only after LINE set the menu as
default), read at most once a minute per warm function: a publish or removal reaches every text within a
minute, and a rush of follows costs one read. Stdlib and the table module only (no Pillow).
"""

import time

from civic.settings import settings
from civic.tables import rich_menus

MAX_AGE_S = 60.0
_seen: dict[str, tuple[float, bool]] = {}  # agency → (read at, is set)


def is_set(agency_id: str | None = None, now: float | None = None) -> bool:
    agency = agency_id or settings().agency_id
    at = time.monotonic() if now is None else now
    cached = _seen.get(agency)
    if cached is not None and at - cached[0] < MAX_AGE_S:
        return cached[1]
    record = rich_menus.published(agency)
    answer = record is not None and bool(record.rich_menu_id)
    _seen[agency] = (at, answer)
    return answer


def forget() -> None:
    """Drop what was read (the local stack after publishing at start-up; tests)."""
    _seen.clear()
