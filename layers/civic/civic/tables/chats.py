"""Chats: a citizen's conversations with a person at the agency (handover), and what was said in them.

One table for the aggregate, three item kinds under pk `<agency>#<user>`:
- sk `C#<opened ms>`: a Chat — waiting (asked, nobody took it yet) → open (a staff member took it) →
  closed (handed back by staff, by the citizen, or after the agency's idle time). While waiting or open it
  carries `status_key` = `<agency>#live`, a sparse index the inbox reads newest-first.
- sk `M#<opened ms>#<at ms>.<n>`: a ChatMessage from the citizen, from staff or from the bot.
- sk `A#<opened ms>#<digest of the request id>`: an AnswerRequest, which staff answer a console request
  recorded (saved with it in one transaction, on the condition that it is new): a retried request finds it and
  records nothing twice.
GSI by-citizen (user_id, sk) finds every kind for "my data" and erasure.
Personal data: the LINE user id, what was said, photos' keys; kept CHAT_RETENTION_DAYS (TTL).
"""

import hashlib

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting
from civic.tables import transactions
from civic.tables.base import CivicModel, get_alive

TABLE, OWNER = "ChatsTable", "agency"
LIVE = ("waiting", "open")
MESSAGE_KINDS = ("text", "image", "video", "audio", "file", "location", "sticker")


class Live(GlobalSecondaryIndex):
    class Meta:
        index_name = "live"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    last_at = NumberAttribute(range_key=True)


class ByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-citizen"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _Item(CivicModel):
    class Meta(CivicModel.Meta):
        abstract = True

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    user_id = UnicodeAttribute()


class Chat(_Item):
    class Meta(_Item.Meta):
        table_name = setting("chats_table")

    status = UnicodeAttribute()                    # waiting | open | closed
    status_key = UnicodeAttribute(null=True)       # `<agency>#live` while waiting or open
    opened_at = NumberAttribute()                  # epoch ms
    last_at = NumberAttribute()                    # the last message either way, epoch ms
    last_citizen_at = NumberAttribute(null=True)
    staff = UnicodeAttribute(null=True)            # who took it (the token's subject)
    taken_at = NumberAttribute(null=True)
    unread = NumberAttribute(default=0)            # citizen messages staff have not yet seen
    reply_token = UnicodeAttribute(null=True)      # the newest citizen message's, for a free reply
    reply_token_at = NumberAttribute(null=True)
    closed_at = NumberAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)        # staff | citizen | idle
    live = Live()
    by_citizen = ByCitizen()


class ChatMessage(_Item):
    class Meta(_Item.Meta):
        table_name = setting("chats_table")

    sender = UnicodeAttribute()                    # citizen | staff | bot
    kind = UnicodeAttribute()                      # text | image | sticker | location | video | audio | file
    text = UnicodeAttribute(null=True)
    media_key = UnicodeAttribute(null=True)        # a photo in the chat media bucket
    staff = UnicodeAttribute(null=True)
    line_message_id = UnicodeAttribute(null=True)
    at = NumberAttribute()
    by_citizen = ByCitizen()


class AnswerRequest(_Item):
    class Meta(_Item.Meta):
        table_name = setting("chats_table")

    message_sk = UnicodeAttribute()                # the staff answer this request recorded
    at = NumberAttribute()
    by_citizen = ByCitizen()


def chat_pk(agency_id: str, user_id: str) -> str:
    return f"{agency_id}#{user_id}"


def chat_sk(opened_at: int) -> str:
    return f"C#{opened_at:013d}"


def message_sk(opened_at: int, at: int, n: int) -> str:
    return f"M#{opened_at:013d}#{at:013d}.{n:03d}"


def answer_request_sk(opened_at: int, request_id: str) -> str:
    return f"A#{opened_at:013d}#{hashlib.sha256(request_id.encode()).hexdigest()[:32]}"


def answered(chat: Chat, request_id: str) -> ChatMessage | None:
    """The staff answer this request id already recorded in the chat, if any."""
    request = get_alive(AnswerRequest, chat.pk, answer_request_sk(int(chat.opened_at), request_id))
    return get_alive(ChatMessage, chat.pk, request.message_sk) if request else None


def record_answer(chat: Chat, request_id: str, entry: ChatMessage) -> None:
    """Save a staff answer and its request id together, only if that request id recorded nothing yet;
    raises transactions.Cancelled (refused("request")) when it did."""
    request = AnswerRequest(chat.pk, answer_request_sk(int(chat.opened_at), request_id), agency_id=chat.agency_id,
                            user_id=chat.user_id, message_sk=entry.sk, at=entry.at, expires_at=entry.expires_at)
    transactions.commit([transactions.Step("request", "put", request, condition=AnswerRequest.sk.does_not_exist()),
                         transactions.Step("message", "put", entry)], token=f"{chat.pk}|{request.sk}|{entry.sk}")
    # The token names this attempt's message: a concurrent twin of the request is refused by the condition
    # (Cancelled), not mistaken by DynamoDB for a replay with other parameters.


def live_key(agency_id: str) -> str:
    return f"{agency_id}#live"


def current(agency_id: str, user_id: str) -> Chat | None:
    """The citizen's chat with the agency that is still waiting or open, if any."""
    for chat in Chat.query(chat_pk(agency_id, user_id), Chat.sk.startswith("C#"), scan_index_forward=False,
                           limit=1, consistent_read=True):
        return chat if chat.status in LIVE and chat.alive() else None
    return None


def find(agency_id: str, user_id: str, opened_at: int) -> Chat | None:
    try:
        return Chat.get(chat_pk(agency_id, user_id), chat_sk(opened_at), consistent_read=True)
    except Chat.DoesNotExist:
        return None


def messages(chat: Chat) -> list[ChatMessage]:
    return [m for m in ChatMessage.query(chat.pk, ChatMessage.sk.startswith(f"M#{int(chat.opened_at):013d}#"),
                                         consistent_read=True) if m.alive()]


def live(agency_id: str, limit: int = 100) -> list[Chat]:
    """The agency's waiting and open chats, the most recently active first."""
    return [c for c in Chat.live.query(live_key(agency_id), scan_index_forward=False, limit=limit) if c.alive()]


def of_citizen(user_id: str) -> list[tuple[str, str]]:
    """(pk, sk) of every chat, message and answer request of a citizen, with every agency."""
    return [(item.pk, item.sk) for item in Chat.by_citizen.query(user_id)]
