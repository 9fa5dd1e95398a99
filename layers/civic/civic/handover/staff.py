"""What staff do with a chat: take it, answer (text or a photo), hand it back. Every answer goes through the
outbox (the one door to LINE): on the citizen's newest reply token while it is fresh (free), else a push."""

import hashlib

from civic import messages as line_messages
from civic import outbox, photos
from civic.handover import cards, desk, media
from civic.outbox import Outbound
from civic.settings import settings
from civic.tables import agencies, chats, citizens, transactions
from civic.tables.chats import Chat, ChatMessage

MAX_TEXT = 2000  # a staff answer is a message, not a letter


class ChatClosed(Exception):
    """The chat ended before this action (handed back, or idle)."""


def _message_id(kind: str, chat: Chat, key: str) -> str:
    # Deterministic (a retried request sends once) and carrying no LINE id (it is logged in Deliveries).
    return f"hd-{kind}." + hashlib.sha256(f"{chat.pk}|{chat.sk}|{key}".encode()).hexdigest()[:32]


def _push(chat: Chat, kind: str, key: str, messages: list[dict], purpose: str) -> None:
    outbox.send([outbox.push(_message_id(kind, chat, key), chat.user_id, messages, purpose)])


def take(chat: Chat, staff: str, now_ms: int) -> Chat:
    """A staff member takes a waiting chat (or takes over an open one); the citizen is told a person has it."""
    if chat.status not in chats.LIVE:
        raise ChatClosed()
    first = chat.status == "waiting"
    chat.update(actions=[Chat.status.set("open"), Chat.staff.set(staff), Chat.taken_at.set(now_ms),
                         Chat.unread.set(0)], condition=Chat.status.is_in(*chats.LIVE))
    if first:
        lang, profile = citizens.language_of(chat.user_id), agencies.find(chat.agency_id)
        _push(chat, "taken", "taken", cards.taken(lang, desk.agency_name(profile, lang)), "handover-taken")
    return chat


def answer(chat: Chat, staff: str, request_id: str, now_ms: int, text: str | None = None,
           photo: bytes | None = None) -> ChatMessage:
    """Send the citizen what staff wrote (or a photo), and keep it in the chat. `request_id` is the console's
    own id for this answer: the same request twice records once and sends once.

    The answer and its request id are saved together, only if the id is new; the send follows, its outbox id
    made from the request id (the sender delivers an id once). A retry — after a lost acknowledgement, or after
    the save landed and the send did not — finds the recorded answer and sends it again from the record, so
    the chat never shows it twice and the citizen never misses it nor reads it twice."""
    recorded = chats.answered(chat, request_id)
    if recorded is not None:
        _send_answer(chat, recorded, request_id)  # a retry: the token, if any, went with the first attempt
        return recorded
    if chat.status not in chats.LIVE:
        raise ChatClosed()
    key = media.put(chat.agency_id, chat.user_id, photos.clean(photo)) if photo is not None else None
    sk = chats.message_sk(int(chat.opened_at), now_ms, int(hashlib.sha256(request_id.encode()).hexdigest(), 16) % 1000)
    entry = ChatMessage(chat.pk, sk, agency_id=chat.agency_id, user_id=chat.user_id, sender="staff",
                        kind="image" if photo is not None else "text", text=text[:MAX_TEXT] if text else None,
                        media_key=key, staff=staff, at=now_ms, expires_at=chat.expires_at)
    try:
        chats.record_answer(chat, request_id, entry)
    except transactions.Cancelled as refused:
        if not refused.refused("request"):
            raise
        # The same request, at the same time, recorded first: send that one (its own photo; this copy is under
        # the citizen's prefix, erased with them, and gone with the bucket's lifecycle).
        recorded = chats.answered(chat, request_id)
        _send_answer(chat, recorded, request_id)
        return recorded
    token, token_at = chat.reply_token, chat.reply_token_at
    if token:
        # A reply token is single use: the next answer must not try it again.
        chat.update(actions=[Chat.reply_token.remove(), Chat.reply_token_at.remove()])
    chat.update(actions=[Chat.last_at.set(now_ms), Chat.staff.set(staff)])
    _send_answer(chat, entry, request_id, token, token_at)
    return entry


def _send_answer(chat: Chat, entry: ChatMessage, request_id: str, token: str | None = None,
                 token_at: int | None = None) -> None:
    messages = []
    if entry.media_key:
        messages.append(line_messages.image(media.link(entry.media_key, media.CITIZEN_LINK_S)))
    if entry.text:
        messages += cards.staff_text(entry.text)
    outbox.send([Outbound(id=_message_id("msg", chat, request_id), to=chat.user_id, messages=messages[:5],
                          purpose="handover-answer", reply_token=token, reply_token_at=token_at)])


def hand_back(chat: Chat, now_ms: int, by: str = "staff") -> bool:
    """Close the chat and give it back to the bot; the citizen is told, with the menu."""
    if not desk.close(chat, by, now_ms):
        return False
    _push(chat, "back", by, cards.handed_back(citizens.language_of(chat.user_id), by), "handover-back")
    return True


def agencies_with_chats() -> list[str]:
    """The deployment's agency and every agency with a profile: those whose inboxes the idle sweep reads."""
    return sorted({settings().agency_id} | {p.agency_id for p in agencies.AgencyProfile.scan()})
