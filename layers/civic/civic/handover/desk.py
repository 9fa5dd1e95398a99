"""The handover worker: a citizen asks for a person, and everything they send until it ends is kept for staff.

While the chat is waiting or open the chat's focus is exclusive (civic.domains), so every message the citizen
sends comes here, in order, and the bot says nothing: each is stored (photos fetched from LINE at once and
kept without metadata), the chat's unread count rises, and the newest reply token is kept so the next staff
answer within the minute is a free reply.
"""

import time

from aws_lambda_powertools import Logger
from pynamodb.exceptions import UpdateError

from civic import line_api, outbox, photos, postback, thai, webhook
from civic.citizen import chat as citizen_chat
from civic.handover import cards, media, rules
from civic.settings import settings
from civic.tables import agencies, chats, citizens, conversations
from civic.tables.chats import Chat, ChatMessage

logger = Logger(child=True)
DOMAIN = "handover"


def agency_name(profile, lang: str) -> str:
    name = profile.name_th if lang == "th" else profile.name_en
    return name or profile.agency_id


def open_chat(agency_id: str, user_id: str, at_ms: int) -> tuple[Chat, bool]:
    """The citizen's live chat with the agency, opened now if there is none; (chat, opened now)."""
    live = chats.current(agency_id, user_id)
    if live is not None:
        return live, False
    chat = Chat(chats.chat_pk(agency_id, user_id), chats.chat_sk(at_ms), agency_id=agency_id, user_id=user_id,
                status="waiting", status_key=chats.live_key(agency_id), opened_at=at_ms, last_at=at_ms,
                expires_at=int(at_ms / 1000) + settings().chat_retention_days * 86400)
    chat.save(condition=Chat.sk.does_not_exist())
    return chat, True


def close(chat: Chat, by: str, now_ms: int) -> bool:
    """Hand the chat back to the bot; False if it had already ended."""
    try:
        chat.update(actions=[Chat.status.set("closed"), Chat.status_key.remove(), Chat.closed_at.set(now_ms),
                             Chat.closed_by.set(by)], condition=Chat.status.is_in(*chats.LIVE))
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    conversations.release(chat.user_id, DOMAIN)
    return True


def _note(chat: Chat, event: dict, at_ms: int) -> ChatMessage:
    """Keep one citizen message: its text, or its photo, or what it was."""
    message = webhook.message_of(event)
    kind = message.get("type") if message.get("type") in chats.MESSAGE_KINDS else "other"
    text, media_key = None, None
    if kind == "text":
        text = message.get("text")
    elif kind == "location":
        text = " ".join(str(message.get(k)) for k in ("title", "address", "latitude", "longitude") if message.get(k))
    elif kind == "sticker":
        text = " ".join(message.get("keywords") or []) or None
    elif kind == "image" and message.get("id"):
        fetched = line_api.content(str(message["id"]))
        if fetched is None:
            text = "(photo no longer available from LINE)"
        else:
            try:
                media_key = media.put(chat.agency_id, chat.user_id, photos.clean(fetched[0]))
            except photos.NotAPhoto as refused:
                text = f"(file refused: {refused.reason})"
    entry = ChatMessage(chat.pk, chats.message_sk(int(chat.opened_at), at_ms, 0), agency_id=chat.agency_id,
                        user_id=chat.user_id, sender="citizen", kind=kind, text=text, media_key=media_key,
                        line_message_id=str(message.get("id")) if message.get("id") else None, at=at_ms,
                        expires_at=chat.expires_at)
    entry.save()  # the key is the event's own moment: a redelivered event rewrites the same item
    chat.update(actions=[Chat.last_at.set(at_ms), Chat.last_citizen_at.set(at_ms), Chat.unread.add(1),
                         Chat.reply_token.set(event.get("replyToken")), Chat.reply_token_at.set(event.get("timestamp"))])
    return entry


def _ask(user: str, lang: str, event: dict, at_ms: int) -> tuple[str, list[dict]]:
    agency_id = settings().agency_id
    chat, opened = open_chat(agency_id, user, at_ms)
    conversations.hold(user, DOMAIN)
    if not opened:
        return "handover-already", cards.already_asked(lang)
    profile = agencies.find(agency_id)
    in_hours, by = rules.expected_answer(profile.hours(), int(profile.answer_minutes), thai.now())
    logger.info("chat asked for", extra={"agency": agency_id, "in_hours": in_hours})
    return "handover-asked", cards.asked(lang, agency_name(profile, lang), profile.hours(), in_hours, by)


def _end(user: str, lang: str, at_ms: int) -> tuple[str, list[dict]]:
    chat = chats.current(settings().agency_id, user)
    if chat is not None:
        close(chat, "citizen", at_ms)
    conversations.release(user, DOMAIN)
    return "handover-ended", cards.handed_back(lang, "citizen")


def handle(envelope: dict) -> list[str]:
    event = envelope["event"]
    user = webhook.user_id(event)
    if user is None or webhook.is_standby(event) or (event.get("source") or {}).get("type") != "user":
        return []
    lang = citizens.language_of(user)
    at_ms = int(event.get("timestamp") or time.time() * 1000)
    if event.get("type") == "postback":
        try:
            action = postback.decode(webhook.postback_data(event) or "").action
        except postback.PostbackError:
            action = "invalid"
        if action == "ask":
            purpose, reply = _ask(user, lang, event, at_ms)
        elif action == "end":
            purpose, reply = _end(user, lang, at_ms)
        else:
            purpose, reply = "postback-invalid", citizen_chat.invalid_postback(lang)
    elif event.get("type") == "message":
        said = webhook.typed_text(event)
        live = chats.current(settings().agency_id, user)
        if live is None and said is not None and webhook.route(event) == DOMAIN:
            purpose, reply = _ask(user, lang, event, at_ms)  # typed "ติดต่อเจ้าหน้าที่"
        elif live is None:
            conversations.release(user, DOMAIN)  # a focus outliving its chat: say so once, offer a person again
            purpose, reply = "handover-gone", cards.ended(lang)
        else:
            _note(live, event, at_ms)
            return []  # the bot stays silent: a person answers
    else:
        return []
    sent = outbox.replies(event, reply, purpose)
    outbox.send(sent)
    return [s.purpose for s in sent]
