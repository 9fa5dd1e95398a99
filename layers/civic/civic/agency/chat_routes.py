"""Agency API routes for chats with citizens (handover), under /agency/chats: the inbox, a chat with the
citizen's open records beside it, take, answer (text or a photo), hand back.

A chat is found only through the caller's agency (its key begins with it); the citizen an answer goes to is
the chat's own, never one a request names (a body with anything but the answer is refused). Every read is
logged with whose chat it was (civic.agency.audit).
"""

import base64
import binascii
import importlib
import time
import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from civic import domains, photos, thai
from civic.agency import audit, identity
from civic.handover import media, staff
from civic.tables import chats, citizens
from civic.tables.chats import Chat

router = APIGatewayHttpRouter()
ChatId = Annotated[str, Path(pattern=r"^U[0-9a-f]{32}~[0-9]{13}$", description="the chat: <citizen>~<opened ms>")]
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class ChatOut(BaseModel):
    chat_id: str
    status: str
    citizen_name: str | None = Field(None, description="their LINE name, only if they consented to keep it")
    language: str
    opened_at: str
    last_at: str
    waiting_minutes: int = Field(description="since the citizen's last message, while nobody has answered it")
    unread: int
    staff: str | None = None


class MessageOut(BaseModel):
    sender: str
    kind: str
    text: str | None = None
    photo_url: str | None = Field(None, description="a link valid 15 minutes")
    at: str


class OpenRecord(BaseModel):
    domain: str
    kind: str
    ref: str
    title: str
    status: str
    at: str | None = None


class ChatDetail(ChatOut):
    messages: list[MessageOut]
    open_records: list[OpenRecord] = Field(description="the citizen's open bookings, cases and bills with you")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # the recipient is the chat's citizen, never one named here

    request_id: str = Field(default_factory=lambda: uuid.uuid4().hex, pattern=r"^[A-Za-z0-9-]{8,64}$",
                            description="your id for this answer: sending it twice sends once")
    text: str | None = Field(None, min_length=1, max_length=staff.MAX_TEXT)
    photo_base64: str | None = Field(None, max_length=MAX_PHOTO_BYTES * 4 // 3 + 4, description="a JPEG or PNG")

    @model_validator(mode="after")
    def _something(self):
        if not self.text and not self.photo_base64:
            raise ValueError("give text, a photo, or both")
        return self


def _staff(role: str = "officer") -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


def _id(chat: Chat) -> str:
    return f"{chat.user_id}~{int(chat.opened_at):013d}"


def _chat(caller: identity.Staff, chat_id: str) -> Chat:
    user_id, _, opened = chat_id.partition("~")
    chat = chats.find(caller.agency_id, user_id, int(opened))
    if chat is None or not chat.alive():
        raise NotFoundError("no such chat")
    return chat


def _when(ms) -> str:
    return thai.from_epoch(int(ms) / 1000).isoformat(timespec="seconds") if ms else ""


def _out(chat: Chat, now_ms: int) -> ChatOut:
    citizen = citizens.find(chat.user_id)
    unanswered = chat.status in chats.LIVE and (chat.last_citizen_at or 0) >= (chat.last_at or 0)
    return ChatOut(chat_id=_id(chat), status=chat.status, citizen_name=citizen.display_name if citizen else None,
                   language=citizen.language if citizen else "th", opened_at=_when(chat.opened_at),
                   last_at=_when(chat.last_at), unread=int(chat.unread or 0), staff=chat.staff,
                   waiting_minutes=int((now_ms - int(chat.last_citizen_at or chat.opened_at)) / 60000) if unanswered else 0)


def _open_records(caller: identity.Staff, chat: Chat, lang: str) -> list[OpenRecord]:
    found = []
    for domain, module in domains.summaries():
        for record in importlib.import_module(module).open_records(caller.agency_id, chat.user_id, lang):
            found.append(OpenRecord(domain=domain, **record))
    return found


@router.get("/agency/chats", summary="The inbox: chats waiting for a person or open, most recent first",
            tags=["chats"])
def inbox() -> list[ChatOut]:
    caller = _staff()
    live = chats.live(caller.agency_id)
    audit.personal_data_read(caller, "chats", live)
    now_ms = int(time.time() * 1000)
    return [_out(c, now_ms) for c in live]


@router.get("/agency/chats/<chat_id>", summary="A chat: what was said, and the citizen's open records",
            tags=["chats"])
def get_chat(chat_id: ChatId) -> ChatDetail:
    caller = _staff()
    chat = _chat(caller, chat_id)
    said = chats.messages(chat)
    audit.personal_data_read(caller, "chat", [chat], chat=_id(chat)[-13:], messages=len(said))
    out = _out(chat, int(time.time() * 1000))
    return ChatDetail(**out.model_dump(), open_records=_open_records(caller, chat, "th"), messages=[
        MessageOut(sender=m.sender, kind=m.kind, text=m.text, at=_when(m.at),
                   photo_url=media.link(m.media_key) if m.media_key else None) for m in said])


@router.post("/agency/chats/<chat_id>/take", summary="Take the chat: the citizen is told a person has it",
             tags=["chats"])
def take(chat_id: ChatId) -> ChatOut:
    caller = _staff()
    now_ms = int(time.time() * 1000)
    return _out(_live(lambda: staff.take(_chat(caller, chat_id), caller.subject, now_ms)), now_ms)


@router.post("/agency/chats/<chat_id>/messages", summary="Answer the citizen (text, a photo, or both)",
             tags=["chats"])
def answer(chat_id: ChatId, body: AnswerIn) -> MessageOut:
    caller = _staff()
    chat = _chat(caller, chat_id)
    photo = None
    if body.photo_base64:
        try:
            photo = base64.b64decode(body.photo_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequestError("photo_base64 is not base64") from exc
    try:
        sent = _live(lambda: staff.answer(chat, caller.subject, body.request_id, int(time.time() * 1000),
                                          text=body.text, photo=photo))
    except photos.NotAPhoto as refused:
        raise BadRequestError(f"the photo was refused: {refused.reason}") from refused
    return MessageOut(sender="staff", kind=sent.kind, text=sent.text, at=_when(sent.at),
                      photo_url=media.link(sent.media_key) if sent.media_key else None)


@router.post("/agency/chats/<chat_id>/close", summary="Hand the chat back to the bot; the citizen is told",
             tags=["chats"])
def close(chat_id: ChatId) -> ChatOut:
    caller = _staff()
    chat = _chat(caller, chat_id)
    now_ms = int(time.time() * 1000)
    staff.hand_back(chat, now_ms)
    return _out(chats.find(caller.agency_id, chat.user_id, int(chat.opened_at)), now_ms)


def _live(action):
    try:
        return action()
    except staff.ChatClosed as exc:
        raise ServiceError(409, "the chat has ended") from exc
