"""Days for the console's charts: the Bangkok day an event falls on, a window of days ending today, and the
shard of a per-day counter. Pure (stdlib and civic.thai).

Per-day counters are spread over SHARDS items a day, chosen by the business id, so a launch-day rush of
bookings or a national fan-out does not pile every write onto one item (DynamoDB takes about 1,000 writes a
second per item, and transactions on one item conflict); a window of 30 days is 30 × SHARDS keys, read in a
few BatchGetItems.
"""

import hashlib
from datetime import date, timedelta

from civic import thai

SHARDS = 8
MAX_DAYS = 366


def day_of(epoch_s: float) -> str:
    """The Bangkok day (YYYY-MM-DD) an epoch second falls on."""
    return thai.from_epoch(epoch_s).date().isoformat()


def window(today: date, days: int) -> list[str]:
    """`days` days ending with today, oldest first."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a window is 1..{MAX_DAYS} days, not {days}")
    return [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]


def shard(business_id: str) -> int:
    return int(hashlib.sha256(business_id.encode()).hexdigest()[:4], 16) % SHARDS
