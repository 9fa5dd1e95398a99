"""Citizens: one item per LINE user who follows (or followed) the account.

Holds only what the service needs: display name (only with consent), language, consent and its time,
follow and unfollow times. After unfollow the item expires (TTL) after the retention period.
"""

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from civic.settings import setting, settings
from civic.tables.base import CivicModel, get_alive

TABLE, OWNER = "CitizensTable", "citizen"


class Citizen(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("citizens_table")

    user_id = UnicodeAttribute(hash_key=True)
    display_name = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="th")
    consent = UnicodeAttribute(null=True)  # "granted" | "declined" | None (not asked or not answered)
    consent_at = NumberAttribute(null=True)
    followed_at = NumberAttribute(null=True)
    unfollowed_at = NumberAttribute(null=True)
    active = BooleanAttribute(default=True)


def find(user_id: str) -> Citizen | None:
    return get_alive(Citizen, user_id)


def language_of(user_id: str) -> str:
    """The language the citizen reads: theirs if known, else Thai."""
    citizen = find(user_id)
    return citizen.language if citizen and citizen.language in ("th", "en") else "th"


def follow(user_id: str, display_name: str | None, language: str, at: float) -> Citizen:
    """Record a (re)follow. The name is kept only once consent is granted, so it waits on the item unset."""
    citizen = find(user_id) or Citizen(user_id)
    citizen.language = language
    citizen.followed_at = at
    citizen.unfollowed_at = None
    citizen.active = True
    citizen.expires_at = None
    if citizen.consent == "granted":
        citizen.display_name = display_name
    citizen.save()
    return citizen


def unfollow(user_id: str, at: float) -> Citizen | None:
    citizen = find(user_id)
    if citizen is None:
        return None
    citizen.update(actions=[
        Citizen.active.set(False),
        Citizen.unfollowed_at.set(at),
        Citizen.expires_at.set(int(at + settings().citizen_retention_days * 86400)),
    ])
    return citizen


def set_consent(user_id: str, granted: bool, display_name: str | None, at: float) -> Citizen:
    citizen = find(user_id) or Citizen(user_id, followed_at=at)
    citizen.consent = "granted" if granted else "declined"
    citizen.consent_at = at
    citizen.display_name = display_name if granted else None
    citizen.save()
    return citizen


def reminders_allowed(user_id: str) -> bool:
    """Pushes other than direct answers (reminders, notices) need consent and an active follow."""
    citizen = find(user_id)
    return bool(citizen and citizen.active and citizen.consent == "granted")


def export_citizen(user_id: str) -> list[dict]:
    citizen = find(user_id)
    return [citizen.to_simple_dict()] if citizen else []


def erase_citizen(user_id: str) -> int:
    held = find(user_id) is not None
    Citizen(user_id).delete()  # unconditional: also removes an expired item DynamoDB has not swept yet
    return int(held)



def of(user_ids: list[str], now: float | None = None) -> dict[str, Citizen]:
    """user → their item, for many at once (BatchGetItem, 100 keys a request): a fan-out reads consent,
    follows and languages this way, never one citizen at a time. Absent or expired ones are left out."""
    keys = list(dict.fromkeys(user_ids))
    found = {}
    for start in range(0, len(keys), 100):
        for citizen in Citizen.batch_get(keys[start:start + 100]):
            if citizen.alive(now):
                found[citizen.user_id] = citizen
    return found


def reach(citizen: Citizen | None) -> str:
    """What a push to this citizen may be: "ok" (following, consented), "no_consent", or "blocked" (unfollowed,
    or unknown to us)."""
    if citizen is None or not citizen.active:
        return "blocked"
    return "ok" if citizen.consent == "granted" else "no_consent"
