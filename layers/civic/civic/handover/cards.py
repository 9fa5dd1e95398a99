"""What the citizen reads about their chat with staff. Pure: values in, LINE message dicts out."""

from datetime import datetime

from civic import messages, thai
from civic.citizen import chat as citizen_chat
from civic.handover import rules
from civic.i18n import t
from civic.postback import Postback


def _end_button(lang: str) -> dict:
    label = t(lang, "hd_end")
    return messages.postback_action(label, Postback("handover", "end"), label)


def asked(lang: str, agency_name: str, hours: dict, in_hours: bool, by: datetime | None) -> list[dict]:
    """The acknowledgement: a person will answer, and when."""
    if in_hours and by is not None:
        when = t(lang, "hd_asked_in_hours", agency=agency_name, minutes=int((by - thai.now()).total_seconds() // 60)
                 if by > thai.now() else 1)
    elif by is not None:
        when = t(lang, "hd_asked_after_hours", hours=rules.hours_text(hours, lang), at=thai.moment(by, lang))
    else:
        when = t(lang, "hd_asked_no_hours")
    return [messages.text(f"{t(lang, 'hd_asked', agency=agency_name)}\n{when}\n{t(lang, 'hd_how_to_end')}",
                          [_end_button(lang)])]


def already_asked(lang: str) -> list[dict]:
    return [messages.text(t(lang, "hd_already"), [_end_button(lang)])]


def taken(lang: str, agency_name: str) -> list[dict]:
    return [messages.text(t(lang, "hd_taken", agency=agency_name), [_end_button(lang)])]


def staff_text(text: str) -> list[dict]:
    """What a staff member wrote, as they wrote it (cut to LINE's limit on a grapheme)."""
    return [messages.text(text)]


def handed_back(lang: str, by: str) -> list[dict]:
    key = {"staff": "hd_back_by_staff", "citizen": "hd_back_by_citizen", "idle": "hd_back_idle"}[by]
    return [messages.text(t(lang, key), citizen_chat.menu(lang))]


def ended(lang: str) -> list[dict]:
    """A message reached a chat that had already ended: say so, and offer a person again."""
    ask = t(lang, "menu_contact_staff")
    return [messages.text(t(lang, "hd_ended"), [messages.postback_action(ask, Postback("handover", "ask"), ask),
                                                *citizen_chat.menu(lang)][:13])]
