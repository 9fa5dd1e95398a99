"""What the bot says to text no service understands: the agency's FAQ answer if one fits, else that it does
not know yet and a way to a person — at once after two misunderstandings in a row. Unanswered questions are
counted (scrubbed) for staff to answer; a citizen's "did this help?" is counted on the entry."""

import time

from civic import messages
from civic.citizen import chat, faq
from civic.i18n import t
from civic.postback import Postback
from civic.settings import settings
from civic.tables import conversations
from civic.tables import faq as faq_table

STATE = "citizen"            # the citizen basics' slot in Conversations: {"misunderstood": n}
OFFER_AFTER = 2              # misunderstood this many times in a row: a person is offered first
_indexes: dict[str, tuple[tuple, faq.Index]] = {}  # agency → (entries' signature, index), per container


def _index(agency_id: str) -> tuple[faq.Index, dict]:
    entries = faq_table.entries(agency_id)
    signature = tuple(sorted((e.sk, e.updated_at or 0) for e in entries))
    cached = _indexes.get(agency_id)
    if cached is None or cached[0] != signature:
        index = faq.Index({e.entry_id: [*e.questions_th, *e.questions_en] for e in entries})
        _indexes[agency_id] = cached = (signature, index)
    return cached[1], {e.entry_id: e for e in entries}


def _misunderstood(user: str, count: int | None) -> int:
    """Read (count=None) or set how many messages in a row the bot has not understood."""
    if count is None:
        return int((conversations.load(user, STATE) or {}).get("misunderstood", 0))
    if count:
        conversations.save(user, STATE, {"misunderstood": count})
    else:
        conversations.clear(user, STATE)
    return count


def _person_first(lang: str) -> list[dict]:
    """The help menu with "contact staff" moved to the front."""
    label = t(lang, "menu_contact_staff")
    person = messages.postback_action(label, Postback("handover", "ask"), label)
    return [person, *[item for item in chat.menu(lang) if item["data"] != person["data"]]][:13]


def understood(user: str) -> None:
    if _misunderstood(user, None):
        _misunderstood(user, 0)


def to_free_text(user: str, lang: str, text: str) -> tuple[str, list[dict]]:
    """(purpose, messages) for free text the services did not take."""
    agency_id = settings().agency_id
    index, entries = _index(agency_id)
    match = index.best(text)
    if match is not None:
        entry = entries[match.entry_id]
        _misunderstood(user, 0)
        helped = [messages.postback_action(t(lang, f"faq_helped_{v}"), Postback("citizen", "faq", {"e": entry.entry_id,
                                                                                                  "h": str(v)}),
                                           t(lang, f"faq_helped_{v}")) for v in (1, 0)]
        answer = entry.answer_th if lang == "th" or not entry.answer_en else entry.answer_en
        return "faq-answer", [messages.text(answer), messages.text(t(lang, "faq_did_it_help"), helped)]
    faq_table.count_miss(agency_id, faq.digest(text), faq.scrub(text), lang, time.time())
    count = _misunderstood(user, _misunderstood(user, None) + 1)
    key = "faq_offer_person" if count >= OFFER_AFTER else "not_understood"
    return "not-understood", [messages.text(t(lang, key), _person_first(lang) if count >= OFFER_AFTER else chat.menu(lang))]


def feedback(lang: str, entry_id: str, helped: bool) -> tuple[str, list[dict]]:
    faq_table.count_feedback(settings().agency_id, entry_id, helped)
    if helped:
        return "faq-helped", [messages.text(t(lang, "faq_thanks"), chat.menu(lang))]
    return "faq-not-helped", [messages.text(t(lang, "faq_sorry"), _person_first(lang))]
