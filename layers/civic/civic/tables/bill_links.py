"""BillLinks: what a citizen chose with an agency — the accounts they linked, their subscriptions and opt-outs,
the areas they belong to, and their wrong-check count. Erased with them; exported with them.

Items (hash user_id, range sk; every item carries agency_id):
- `<agency>#link#<account>`: a linked account (nickname, its area, linked_at); account_key =
  `<agency>#<account>` puts it in the index `by-account` (who gets this account's bills).
- `<agency>#prefs`: topics subscribed, opt-outs, age group (all optional); memberships (the citizen's areas,
  from linked accounts and subscriptions, `district|subdistrict`, `*` for a whole district).
- `<agency>#area#<district>|<subdistrict>`: one per membership; area_key = `<agency>#<district>`, sub_key =
  `<subdistrict>#<user>` put it in the index `by-area` a notice's recipients are read from.
- `<agency>#tries`: wrong checks in a row and the pause they earned (expires with the pause).
When LINE reports the citizen gone (blocked), their items get expires_at: CITIZEN_RETENTION_DAYS later they
are deleted by TTL unless they come back.
"""

import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting, settings
from civic.tables.base import CivicModel, get_alive

TABLE, OWNER = "BillLinksTable", "agency"


class ByAccount(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-account"
        projection = KeysOnlyProjection()

    account_key = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class ByArea(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-area"
        projection = KeysOnlyProjection()

    area_key = UnicodeAttribute(hash_key=True)
    sub_key = UnicodeAttribute(range_key=True)


class Link(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bill_links_table")

    user_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    account = UnicodeAttribute(null=True)
    nickname = UnicodeAttribute(null=True)
    district = UnicodeAttribute(null=True)
    subdistrict = UnicodeAttribute(null=True)
    linked_at = NumberAttribute(null=True)
    account_key = UnicodeAttribute(null=True)
    area_key = UnicodeAttribute(null=True)
    sub_key = UnicodeAttribute(null=True)
    topics = UnicodeSetAttribute(null=True)
    opt_outs = UnicodeSetAttribute(null=True)
    age_group = UnicodeAttribute(null=True)
    memberships = UnicodeSetAttribute(null=True)
    areas = UnicodeSetAttribute(null=True)  # subscribed areas (memberships = these ∪ the linked accounts' areas)
    linked_accounts = NumberAttribute(null=True)  # prefs item: accounts linked (a customer hears every topic)
    failures = NumberAttribute(null=True)
    paused_until = NumberAttribute(null=True)
    by_account = ByAccount()
    by_area = ByArea()


def _link_sk(agency_id: str, account: str) -> str:
    return f"{agency_id}#link#{account}"


def links(user_id: str, agency_id: str) -> list[Link]:
    return [i for i in Link.query(user_id, Link.sk.startswith(f"{agency_id}#link#"), consistent_read=True)
            if i.alive()]


def link_of(user_id: str, agency_id: str, account: str) -> Link | None:
    return get_alive(Link, user_id, _link_sk(agency_id, account))


def put_link(user_id: str, agency_id: str, account: str, district: str, subdistrict: str, nickname: str) -> Link:
    link = Link(user_id, _link_sk(agency_id, account), agency_id=agency_id, account=account, nickname=nickname,
                district=district, subdistrict=subdistrict, linked_at=time.time(),
                account_key=f"{agency_id}#{account}")
    link.save()
    return link


def remove(item: Link) -> None:
    item.delete()


def linked_users(agency_id: str, account: str) -> list[str]:
    """Who gets this account's bills (index by-account, keys only)."""
    return [i.user_id for i in Link.by_account.query(f"{agency_id}#{account}")]


# ---------------------------------------------------------------- preferences and areas

def prefs(user_id: str, agency_id: str) -> Link | None:
    return get_alive(Link, user_id, f"{agency_id}#prefs")


def prefs_of(agency_id: str, users: list[str]) -> dict[str, Link]:
    """user → their preferences item with the agency (BatchGetItem, 100 keys a request)."""
    keys = [(u, f"{agency_id}#prefs") for u in dict.fromkeys(users)]
    found = {}
    for start in range(0, len(keys), 100):
        for item in Link.batch_get(keys[start:start + 100]):
            if item.alive():
                found[item.user_id] = item
    return found


def save_prefs(user_id: str, agency_id: str, topics: set, opt_outs: set, age_group: str | None, areas: set,
               memberships: set, linked_accounts: int) -> None:
    """Store the choices and make the area items match the memberships (put new ones, delete old ones)."""
    before = prefs(user_id, agency_id)
    old = set(before.memberships or ()) if before else set()
    Link(user_id, f"{agency_id}#prefs", agency_id=agency_id, topics=set(topics) or None,
         opt_outs=set(opt_outs) or None, age_group=age_group, areas=set(areas) or None,
         memberships=set(memberships) or None, linked_accounts=linked_accounts).save()
    with Link.batch_write() as batch:
        for membership in sorted(set(memberships) - old):
            district, subdistrict = membership.split("|", 1)
            batch.save(Link(user_id, f"{agency_id}#area#{membership}", agency_id=agency_id,
                            area_key=f"{agency_id}#{district}", sub_key=f"{subdistrict}#{user_id}"))
        for membership in sorted(old - set(memberships)):
            batch.delete(Link(user_id, f"{agency_id}#area#{membership}"))


def members(agency_id: str, district: str, subdistrict: str | None, start: dict | None, limit: int
            ) -> tuple[list[tuple[str, str]], dict | None]:
    """One page of (user, subdistrict) in an area (index by-area): a whole district (`subdistrict` None), or
    the members of one subdistrict ("*": the district-wide subscribers); returns the page and where the next
    one starts (None at the end)."""
    if subdistrict is None:
        condition = None
    else:
        condition = Link.sub_key.startswith(f"{subdistrict}#")
    query = Link.by_area.query(f"{agency_id}#{district}", condition, limit=limit, last_evaluated_key=start)
    found = [(item.user_id, item.sub_key.split("#", 1)[0]) for item in query]
    return found, query.last_evaluated_key


# ---------------------------------------------------------------- wrong checks

def tries(user_id: str, agency_id: str) -> Link | None:
    return get_alive(Link, user_id, f"{agency_id}#tries")


def failed_check(user_id: str, agency_id: str, limit: int, pause_s: int, now: float) -> tuple[int, float | None]:
    """Count a wrong check; at `limit` in a row, a pause. Returns (failures, paused until or None)."""
    item = tries(user_id, agency_id) or Link(user_id, f"{agency_id}#tries", agency_id=agency_id, failures=0)
    failures = int(item.failures or 0) + 1
    paused = now + pause_s if failures >= limit else None
    item.failures = 0 if paused else failures
    item.paused_until = paused
    item.expires_at = int(now + max(pause_s, 86400))
    item.save()
    return failures, paused


def clear_tries(user_id: str, agency_id: str) -> None:
    Link(user_id, f"{agency_id}#tries").delete()


# ---------------------------------------------------------------- the citizen's rights

def _all(user_id: str) -> list[Link]:
    return list(Link.query(user_id, consistent_read=True))


def expire(user_id: str, now: float | None = None) -> None:
    """LINE says the citizen is gone: their choices expire after the citizen retention period."""
    at = int((now or time.time()) + settings().citizen_retention_days * 86400)
    for item in _all(user_id):
        if item.expires_at is None:
            item.update(actions=[Link.expires_at.set(at)])


INDEX_KEYS = ("account_key", "area_key", "sub_key")


def _plain(item: Link) -> dict:
    """An item as JSON-ready values (sets as sorted lists; PynamoDB's to_simple_dict refuses string sets)."""
    out = {}
    for name in item.get_attributes():
        value = getattr(item, name)
        if value is None or name in INDEX_KEYS:
            continue
        out[name] = sorted(value) if isinstance(value, set) else value
    return out


def revive(user_id: str) -> None:
    """The citizen is back (they wrote, or LINE took a push): their choices no longer expire."""
    for item in _all(user_id):
        if item.expires_at is not None and not item.sk.endswith("#tries") and item.alive():
            item.update(actions=[Link.expires_at.remove()])


def export_citizen(user_id: str) -> list[dict]:
    return [_plain(i) for i in _all(user_id) if i.alive()]


def erase_citizen(user_id: str) -> int:
    items = _all(user_id)
    with Link.batch_write() as batch:
        for item in items:
            batch.delete(item)
    return len(items)
