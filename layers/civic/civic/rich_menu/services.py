"""The rich menu as staff choose it: by service (a domain of the registry with menu entries), not by tile.

Pure: the agency's choice of services in, the configuration civic.tables.rich_menus keeps out (`order`: the
chosen services' entries in that order; `hidden`: the other services' entries), and back. A domain the
registry gains later is neither ordered nor hidden, so it appears by itself after the chosen ones until the
agency leaves it out (as civic.rich_menu.menu.resolve does for entries).
"""

from dataclasses import dataclass

from civic import domains
from civic.i18n import t
from civic.rich_menu import menu


class Refused(ValueError):
    """A choice the menu cannot show (an unknown or repeated service, or none at all)."""


@dataclass(frozen=True)
class Service:
    name: str
    label_th: str
    label_en: str
    enabled: bool


def with_menu() -> list[str]:
    """Every domain that can have a menu area, in registry order."""
    return list(dict.fromkeys(domain for domain, _ in domains.menu()))


def _entries(domain: str) -> list[str]:
    return [f"{domain}.{entry.action}" for entry in domains.get(domain).menu]


def check(choice: list[str]) -> list[str]:
    known = with_menu()
    if not choice:
        raise Refused("choose at least one service")
    unknown = [name for name in choice if name not in known]
    if unknown:
        raise Refused(f"unknown services {unknown}: the menu can show {known}")
    repeated = sorted({name for name in choice if choice.count(name) > 1})
    if repeated:
        raise Refused(f"services named twice: {repeated}")
    return choice


def configuration(choice: list[str]) -> tuple[list[str], list[str]]:
    """(order, hidden) entry ids for the agency's choice of services, in menu order."""
    chosen = check(choice)
    order = [entry for name in chosen for entry in _entries(name)]
    hidden = [entry for name in with_menu() if name not in chosen for entry in _entries(name)]
    return order, hidden


def shown(order: list[str] | None, hidden: list[str] | None) -> list[menu.Entry]:
    return menu.resolve(order, hidden)


def services(order: list[str] | None, hidden: list[str] | None) -> list[Service]:
    """Every service with menu entries: the shown ones in menu order, then the others in registry order."""
    on = list(dict.fromkeys(entry.domain for entry in shown(order, hidden)))
    off = [name for name in with_menu() if name not in on]
    return [Service(name, _label(name, "th"), _label(name, "en"), name in on) for name in on + off]


def _label(domain: str, lang: str) -> str:
    # A service is named by its tiles: "จองคิว / คิวของฉัน".
    return " / ".join(t(lang, entry.label) for entry in domains.get(domain).menu)


def size(order: list[str] | None, hidden: list[str] | None) -> str:
    """LINE's name for the menu's height: one row of tiles is half size ("compact"), more rows full ("large")."""
    entries = shown(order, hidden)
    if not entries:
        return "compact"
    dimensions, _ = menu.grid(len(entries))
    return "compact" if dimensions == menu.HALF else "large"
