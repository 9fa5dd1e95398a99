"""What the bot says in the citizen basics: welcome and privacy notice, help, consent, my data, erase.

Pure: plain values in, LINE message dicts out; text from the catalogues; no AWS, no LINE SDK.
"""

from civic import domains, messages, thai
from civic.i18n import t
from civic.postback import Postback


def action(domain: str, name: str, **params) -> Postback:
    return Postback(domain, name, {k: str(v) for k, v in params.items()})


def menu(lang: str) -> list[dict]:
    """The quick replies that start each service: every domain's menu entries, from the registry."""
    return [messages.postback_action(t(lang, entry.label), action(domain, entry.action), t(lang, entry.label))
            for domain, entry in domains.menu()]


def welcome(lang: str, display_name: str | None, retention_days: int, menu_set: bool = False) -> list[dict]:
    """Greeting and privacy notice; the greeting points at the rich menu only when one is set (else: type "menu")."""
    greeting = t(lang, "welcome", name=display_name) if display_name else t(lang, "welcome_no_name")
    greeting += " " + t(lang, "welcome_hint_menu" if menu_set else "welcome_hint_typed")
    consent = [
        messages.postback_action(t(lang, "consent_yes"), action("citizen", "consent", v=1), t(lang, "consent_yes")),
        messages.postback_action(t(lang, "consent_no"), action("citizen", "consent", v=0), t(lang, "consent_no")),
    ]
    return [messages.text(greeting), messages.text(t(lang, "privacy_notice", days=retention_days), consent)]


def consent_answer(lang: str, granted: bool) -> list[dict]:
    return [messages.text(t(lang, "consent_granted" if granted else "consent_declined"), menu(lang))]


def help_menu(lang: str, understood: bool = True, menu_set: bool = False) -> list[dict]:
    """The services as quick replies; the text also points at the rich menu when one is set."""
    key = ("help" if understood else "not_understood") + ("_with_menu" if menu_set else "")
    return [messages.text(t(lang, key), menu(lang))]


def invalid_postback(lang: str) -> list[dict]:
    return [messages.text(t(lang, "postback_invalid"), menu(lang))]


def my_data(lang: str, citizen: dict | None, other_records: int) -> list[dict]:
    """A card of what we hold, with "get a copy" and "delete my data"."""
    if citizen is None and other_records == 0:
        return [messages.text(t(lang, "my_data_nothing"), menu(lang))]
    citizen = citizen or {}
    lines = [t(lang, "my_data_name", name=citizen["display_name"]) if citizen.get("display_name")
             else t(lang, "my_data_no_name"), t(lang, "my_data_language")]
    consent, consent_at = citizen.get("consent"), citizen.get("consent_at")
    if consent in ("granted", "declined") and consent_at:
        lines.append(t(lang, f"my_data_consent_{consent}", at=thai.moment(thai.from_epoch(consent_at), lang)))
    else:
        lines.append(t(lang, "my_data_consent_unknown"))
    if citizen.get("followed_at"):
        lines.append(t(lang, "my_data_followed", at=thai.moment(thai.from_epoch(citizen["followed_at"]), lang)))
    lines.append(t(lang, "my_data_records", count=other_records))
    buttons = [
        messages.postback_action(t(lang, "my_data_export"), action("citizen", "export"), t(lang, "my_data_export")),
        messages.postback_action(t(lang, "my_data_erase"), action("citizen", "erase"), t(lang, "my_data_erase")),
    ]
    title = t(lang, "my_data_title")
    return [messages.flex(title + "\n" + "\n".join(lines), messages.buttons_bubble(title, lines, buttons))]


def erase_confirm(lang: str) -> list[dict]:
    choices = [
        messages.postback_action(t(lang, "erase_yes"), action("citizen", "erase-confirm"), t(lang, "erase_yes")),
        messages.postback_action(t(lang, "erase_no"), action("citizen", "erase-cancel"), t(lang, "erase_no")),
    ]
    return [messages.text(t(lang, "erase_confirm"), choices)]


def erase_done(lang: str, count: int) -> list[dict]:
    return [messages.text(t(lang, "erase_done", count=count))]


def erase_cancelled(lang: str) -> list[dict]:
    return [messages.text(t(lang, "erase_cancelled"), menu(lang))]


def export_ready(lang: str, url: str, minutes: int) -> list[dict]:
    return [messages.text(t(lang, "export_ready", url=url, minutes=minutes))]
