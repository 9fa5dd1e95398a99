"""A citizen's chats with staff under the PDPA: every chat and message, with every agency, and their photos."""

from civic.handover import media
from civic.tables import chats
from civic.tables.chats import AnswerRequest, Chat, ChatMessage


def _items(user_id: str) -> list:
    found = []
    for pk, sk in chats.of_citizen(user_id):
        model = Chat if sk.startswith("C#") else AnswerRequest if sk.startswith("A#") else ChatMessage
        try:
            found.append(model.get(pk, sk, consistent_read=True))
        except model.DoesNotExist:
            continue
    return found


def export_citizen(user_id: str) -> list[dict]:
    kinds = {Chat: "chat", ChatMessage: "chat_message", AnswerRequest: "chat_answer_request"}
    return [{"kind": kinds[type(item)], **item.to_simple_dict()} for item in _items(user_id)]


def erase_citizen(user_id: str) -> int:
    items = _items(user_id)
    for item in items:
        item.delete()
    return len(items) + media.erase(user_id)
