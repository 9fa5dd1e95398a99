"""What the rich menu shows, and the LINE rich-menu object for it. Pure: registry and configuration in, dicts out.

An entry is one menu entry of the registry (civic.domains), named `<domain>.<action>`. The agency's
configuration (civic.tables.rich_menus) orders and hides entries; entries it does not name follow in
registry order, so a service added to the registry appears by itself until the agency hides it.

The grid: at most 3 tiles a row up to 9 entries, 4 a row beyond; rows are filled as evenly as possible
(5 → 3 + 2, 7 → 3 + 2 + 2); one row uses LINE's half size (2500×843), more rows the full size (2500×1686).
Edges are rounded so the tiles cover the image exactly, with no gap and no overlap.
"""

import hashlib
import json
from dataclasses import dataclass
from math import ceil

from civic import domains
from civic.i18n import t
from civic.postback import Postback
from civic.text import cut, cut_label

WIDTH = 2500
FULL, HALF = (WIDTH, 1686), (WIDTH, 843)
MAX_AREAS = 20         # LINE: areas per rich menu
MAX_MENUS = 1000       # LINE: rich menus per channel
CHAT_BAR_MAX = 14      # LINE: characters of chatBarText
NAME_MAX = 300         # LINE: characters of name
DISPLAY_TEXT_MAX = 300
NAME_PREFIX = "civic-desk"
DESIGN = "2"  # bump when the drawing changes, so every channel's menu is redrawn on the next publish


@dataclass(frozen=True)
class Entry:
    id: str        # `<domain>.<action>`
    domain: str
    action: str
    label: str     # catalogue key

    @property
    def thai(self) -> str:
        return t("th", self.label)

    @property
    def english(self) -> str:
        return t("en", self.label)


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int

    def as_line(self) -> dict:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


def registry_entries() -> list[Entry]:
    return [Entry(f"{domain}.{entry.action}", domain, entry.action, entry.label) for domain, entry in domains.menu()]


def resolve(order: list[str] | None = None, hidden: list[str] | None = None) -> list[Entry]:
    """The entries shown: the configured order first, then the registry's others; hidden ones and ids the
    registry no longer has are left out; at most MAX_AREAS."""
    known = {entry.id: entry for entry in registry_entries()}
    hidden_ids = set(hidden or ())
    ids = [i for i in dict.fromkeys(order or ()) if i in known] + [i for i in known if i not in set(order or ())]
    return [known[i] for i in ids if i not in hidden_ids][:MAX_AREAS]


def grid(count: int) -> tuple[tuple[int, int], list[Bounds]]:
    """(size, bounds of each tile in reading order) for `count` tiles."""
    if not 1 <= count <= MAX_AREAS:
        raise ValueError(f"a rich menu has 1..{MAX_AREAS} areas, not {count}")
    columns = count if count <= 3 else (3 if count <= 9 else 4)
    rows = ceil(count / columns)
    size = HALF if rows == 1 else FULL
    width, height = size
    per_row = [count // rows + (1 if r < count % rows else 0) for r in range(rows)]
    bounds = []
    for r, tiles in enumerate(per_row):
        top, bottom = round(r * height / rows), round((r + 1) * height / rows)
        for c in range(tiles):
            left, right = round(c * width / tiles), round((c + 1) * width / tiles)
            bounds.append(Bounds(left, top, right - left, bottom - top))
    return size, bounds


def chat_bar_text() -> str:
    """The bar under the chat that opens the menu: Thai, then English when both fit LINE's 14 characters."""
    both = f"{t('th', 'rich_menu_bar')} · {t('en', 'rich_menu_bar')}"
    return both if len(both) <= CHAT_BAR_MAX else t("th", "rich_menu_bar")[:CHAT_BAR_MAX]


def action(entry: Entry) -> dict:
    """A postback that starts the entry's action, as the help menu's button would. displayText is what the
    citizen is shown as having said (both languages: one menu serves everyone); label is read aloud."""
    return {"type": "postback", "label": cut_label(entry.thai),
            "data": Postback(entry.domain, entry.action).encode(),
            "displayText": cut(f"{entry.thai} · {entry.english}", DISPLAY_TEXT_MAX, measure=len)}


def name_prefix(agency_id: str) -> str:
    """Menus whose name begins with this are ours (for this agency) and may be deleted when replaced."""
    return f"{NAME_PREFIX}:{agency_id}:"


def request(entries: list[Entry]) -> dict:
    """The rich-menu object (without its name, which carries the fingerprint): size, areas, chat bar."""
    size, bounds = grid(len(entries))
    return {"size": {"width": size[0], "height": size[1]}, "selected": True, "chatBarText": chat_bar_text(),
            "areas": [{"bounds": b.as_line(), "action": action(e)} for e, b in zip(entries, bounds)]}


def fingerprint(menu: dict, image: bytes) -> str:
    """What was drawn and how it acts: the same for the same entries, labels, layout and design."""
    canonical = json.dumps({k: v for k, v in menu.items() if k != "name"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(DESIGN.encode() + canonical.encode() + hashlib.sha256(image).digest()).hexdigest()


def named(menu: dict, agency_id: str, print_: str) -> dict:
    return {**menu, "name": (name_prefix(agency_id) + print_[:16])[:NAME_MAX]}
