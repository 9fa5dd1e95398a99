"""RichMenus: an agency's rich-menu configuration, and the LINE rich menu published from it.

Key: pk `<agency>#rich-menu` (hash), kind (range), so an agency's menu is found only through that agency.
- kind `config`: which menu entries of the registry the agency shows and in which order: `order` (entry ids
  `<domain>.<action>` first, in this order) and `hidden` (entry ids not shown). Entries the registry gains
  later and the agency has not placed come after, in registry order, so a new service appears by itself
  until the agency hides it. Absent: every entry, in registry order. Written by admins (PUT /agency/rich-menu); the deploy,
  the local start-up and POST /agency/rich-menu/publish all publish from it.
- kind `published`: the rich menu now set as the channel's default: its LINE id, the fingerprint of what
  was drawn (request and image), the entry ids shown, its size, when, and by whom (a staff subject or
  `deploy`). Written only after LINE set it as
  the default; the citizen basics read it to know whether the welcome may say "tap the menu below".
No personal data; kept (no TTL): it changes only when the agency or the product changes it.
"""

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "RichMenusTable", "agency"
CONFIG, PUBLISHED = "config", "published"


def key(agency_id: str) -> str:
    return f"{agency_id}#rich-menu"


class MenuItem(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("rich_menus_table")

    pk = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    updated_at = NumberAttribute()
    # config
    order = ListAttribute(of=UnicodeAttribute, null=True)
    hidden = ListAttribute(of=UnicodeAttribute, null=True)
    # published
    rich_menu_id = UnicodeAttribute(null=True)
    fingerprint = UnicodeAttribute(null=True)
    entries = ListAttribute(of=UnicodeAttribute, null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    published_by = UnicodeAttribute(null=True)  # a staff member's subject, or "deploy"


def _get(agency_id: str, kind: str) -> MenuItem | None:
    try:
        return MenuItem.get(key(agency_id), kind, consistent_read=True)
    except MenuItem.DoesNotExist:
        return None


def config(agency_id: str) -> MenuItem | None:
    return _get(agency_id, CONFIG)


def save_config(agency_id: str, order: list[str], hidden: list[str], at: float) -> MenuItem:
    item = MenuItem(key(agency_id), CONFIG, agency_id=agency_id, updated_at=int(at),
                    order=list(order), hidden=list(hidden))
    item.save()
    return item


def published(agency_id: str) -> MenuItem | None:
    return _get(agency_id, PUBLISHED)


def record_published(agency_id: str, rich_menu_id: str, fingerprint: str, entries: list[str],
                     size: tuple[int, int], at: float, by: str = "deploy") -> MenuItem:
    item = MenuItem(key(agency_id), PUBLISHED, agency_id=agency_id, updated_at=int(at), rich_menu_id=rich_menu_id,
                    fingerprint=fingerprint, entries=list(entries), width=size[0], height=size[1], published_by=by)
    item.save()
    return item


def forget_published(agency_id: str) -> None:
    MenuItem(key(agency_id), PUBLISHED).delete()
