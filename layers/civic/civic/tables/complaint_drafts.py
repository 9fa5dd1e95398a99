"""ComplaintDrafts: a citizen's complaint being written, and a note or comment they are about to add to a case.

Items (hash user_id, range slot): slot `draft` — the draft (category, words, photos' keys, place) as JSON;
slot `note` — "the next message is a note (or a rating comment) on case X". Each ends `ends_at` after the
citizen's last message (FOCUS_HOURS, like the chat's focus); readers treat an ended item as gone, the
schedule tells the citizen their draft ended (the `by-expiry` index, bucketed by the hour it ends), and
DynamoDB's TTL (`expires_at`, three days later) removes what is left.
Personal data: the LINE id, the draft's words and photos; exported and erased with the citizen.
"""

import time
from datetime import datetime, timezone

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from civic.settings import setting, settings
from civic.tables.base import CivicModel, TextJSONAttribute

TABLE, OWNER = "ComplaintDraftsTable", "citizen"
DRAFT, NOTE = "draft", "note"
PURGE_AFTER_S = 3 * 86400


class ByExpiry(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-expiry"
        projection = AllProjection()

    ends_hour = UnicodeAttribute(hash_key=True)
    ends_at = NumberAttribute(range_key=True)


class Draft(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("complaint_drafts_table")

    user_id = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    state = TextJSONAttribute(default=dict)
    ends_at = NumberAttribute()
    ends_hour = UnicodeAttribute()
    by_expiry = ByExpiry()

    def ended(self, now: float | None = None) -> bool:
        return self.ends_at <= (time.time() if now is None else now)


def hour_bucket(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y%m%d%H")


def find(user_id: str, slot: str) -> Draft | None:
    """The item as stored, ended or not."""
    try:
        return Draft.get(user_id, slot, consistent_read=True)
    except Draft.DoesNotExist:
        return None


def load(user_id: str, slot: str, now: float | None = None) -> Draft | None:
    """The citizen's draft or note while it lasts; an ended one counts as gone."""
    item = find(user_id, slot)
    return None if item is None or item.ended(now) else item


def save(user_id: str, slot: str, agency_id: str, state: dict, now: float | None = None) -> Draft:
    """Write the state; it lasts FOCUS_HOURS from now (each message from the citizen renews it)."""
    now = time.time() if now is None else now
    ends = int(now + settings().focus_hours * 3600)
    item = Draft(user_id, slot, agency_id=agency_id, state=state, ends_at=ends, ends_hour=hour_bucket(ends),
                 expires_at=ends + PURGE_AFTER_S)
    item.save()
    return item


def clear(user_id: str, slot: str) -> None:
    Draft(user_id, slot).delete()


def ended_between(start: float, end: float) -> list[Draft]:
    """Drafts and notes that ended in [start, end]: one Query per hour bucket."""
    found, hour = [], int(start) // 3600 * 3600
    while hour <= end:
        found += list(Draft.by_expiry.query(hour_bucket(hour), Draft.ends_at.between(int(start), int(end))))
        hour += 3600
    return found


def of_citizen(user_id: str) -> list[Draft]:
    return list(Draft.query(user_id, consistent_read=True))
