"""The citizen basics conversation: one webhook event in, its effects (tables, outbox) out.

The handler calls `handle(envelope)` once per SQS record; what to say comes from civic.citizen.chat
(pure), what is stored from the table modules, and everything the citizen receives goes through the outbox.
"""

import time

from aws_lambda_powertools import Logger

from civic import domains, i18n, line_api, outbox, postback, privacy, webhook
from civic.citizen import answers, exports
from civic.citizen import chat as citizen_chat
from civic.rich_menu import current as rich_menu
from civic.settings import settings
from civic.tables import citizens

logger = Logger(child=True)


def _language(user_id: str, profile: dict | None = None) -> str:
    citizen = citizens.find(user_id)
    if citizen is not None:
        return citizen.language
    return i18n.language((profile or {}).get("language"))


def _on_follow(user: str, event: dict) -> tuple[str, list[dict]]:
    profile = line_api.profile(user)  # None if LINE will not say: we still welcome them, in Thai
    lang = i18n.language((profile or {}).get("language"))
    name = (profile or {}).get("displayName")
    citizens.follow(user, name, lang, at=event.get("timestamp", time.time() * 1000) / 1000)
    return "welcome", citizen_chat.welcome(lang, name, settings().citizen_retention_days, rich_menu.is_set())


def _on_postback(user: str, event: dict) -> tuple[str, list[dict]]:
    lang = _language(user)
    try:
        return _act(user, lang, postback.decode(event["postback"]["data"]), event)
    except (postback.PostbackError, KeyError, TypeError):
        # Tampered, stale or foreign data: a clear answer, never an error the citizen cannot see.
        return "postback-invalid", citizen_chat.invalid_postback(lang)


def _act(user: str, lang: str, choice: postback.Postback, event: dict) -> tuple[str, list[dict]]:
    at = event.get("timestamp", time.time() * 1000) / 1000
    match choice.action:
        case "consent":
            granted = choice.int_param("v", low=0, high=1) == 1
            name = (line_api.profile(user) or {}).get("displayName") if granted else None
            citizens.set_consent(user, granted, name, at)
            return "consent", citizen_chat.consent_answer(lang, granted)
        case "mydata":
            return "my-data", _my_data(user, lang)
        case "export":
            line_api.show_loading(user, 5)
            link = exports.write(user, privacy.export(user))
            return "my-data-export", citizen_chat.export_ready(lang, link, exports.LINK_MINUTES)
        case "erase":
            return "erase-confirm", citizen_chat.erase_confirm(lang)
        case "erase-confirm":
            removed = privacy.erase(user)
            logger.info("citizen data erased", extra={"citizen": privacy.pseudonym(user), "removed": removed})
            return "erased", citizen_chat.erase_done(lang, sum(removed.values()))
        case "erase-cancel":
            return "erase-cancelled", citizen_chat.erase_cancelled(lang)
        case "help":
            return "help", citizen_chat.help_menu(lang, menu_set=rich_menu.is_set())
        case "faq":
            entry = choice.params.get("e", "")
            if not entry.replace("-", "").isalnum() or len(entry) > 40:
                raise postback.PostbackError("bad faq entry")
            return answers.feedback(lang, entry, choice.int_param("h", low=0, high=1) == 1)
    return "postback-invalid", citizen_chat.invalid_postback(lang)


def _my_data(user: str, lang: str) -> list[dict]:
    held = privacy.export(user)["records"]
    own = held.get("citizen", {}).pop("citizens", [])
    others = sum(len(records) for holders in held.values() for records in holders.values())
    return citizen_chat.my_data(lang, own[0] if own else None, others)


def _on_message(user: str, event: dict) -> tuple[str, list[dict]]:
    lang = _language(user)
    said = webhook.typed_text(event)
    found = domains.keyword(said or "")
    if found is not None:
        answers.understood(user)
        return ("my-data", _my_data(user, lang)) if found == ("citizen", "mydata") else \
            ("help", citizen_chat.help_menu(lang, menu_set=rich_menu.is_set()))
    if said and said.strip():
        return answers.to_free_text(user, lang, said)
    return "not-understood", citizen_chat.help_menu(lang, understood=False, menu_set=rich_menu.is_set())  # a sticker, a photo out of context


def handle(envelope: dict) -> list[str]:
    """Apply one webhook event; returns the purpose of each message it sent (for metrics and replays)."""
    event = envelope["event"]
    user = webhook.user_id(event)
    kind = event.get("type")
    if user is None or (event.get("source") or {}).get("type") != "user":
        logger.info("event outside a 1:1 chat ignored", extra={"type": kind})
        return []
    if kind == "unfollow":
        citizens.unfollow(user, at=event.get("timestamp", time.time() * 1000) / 1000)
        return []
    handlers = {"follow": _on_follow, "postback": _on_postback, "message": _on_message}
    if kind not in handlers:
        logger.info("event type without a citizen answer", extra={"type": kind})
        return []
    purpose, reply = handlers[kind](user, event)
    sends = outbox.replies(event, reply, purpose, pseudonymous=purpose == "erased")
    outbox.send(sends)
    return [s.purpose for s in sends]
