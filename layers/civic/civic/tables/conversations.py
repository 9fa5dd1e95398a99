"""Conversations: per chat, which domain holds its focus, and each domain's short-lived conversation state.

A flow that needs more than a button can carry (a complaint: text, then photos, then a place) keeps its
draft here, per citizen per domain, with a TTL; and while it is open the domain holds the chat's
*focus*, so the intake sends it the citizen's free text, photos and locations, in the order sent.

Items (hash chat_id, range slot):
- slot `@focus`: {focus: domain, expires_at}. The intake reads it in the same BatchGetItem as its dedupe
  records, and writes it when a postback opens a draft (before it answers LINE), so a citizen who types
  at once after tapping still reaches the draft. The owning domain releases it when the draft ends.
- slot `<domain>`: {state: JSON, expires_at}: that domain's conversation state.
Low-level calls (no PynamoDB): the intake imports this on its cold-start path.
Personal data: keyed by the citizen's LINE user id; erased with them; everything expires (FOCUS_HOURS).
"""

import json
import time

from civic.aws import client
from civic.settings import settings
from civic.tables import raw

TABLE, OWNER = "ConversationsTable", "citizen"
FOCUS = "@focus"


def table() -> str:
    return settings().conversations_table


def _ttl(now: float) -> str:
    return str(int(now + settings().focus_hours * 3600))


def _alive(item: dict, now: float) -> bool:
    # TTL deletion lags up to two days: an expired item counts as gone.
    return float(item.get("expires_at", {}).get("N", "inf")) > now


# ---------------------------------------------------------------- focus (the intake's side)

def focus_keys(chats: list[str]) -> list[dict]:
    return [{"chat_id": {"S": chat}, "slot": {"S": FOCUS}} for chat in dict.fromkeys(chats)]


def focus_in(items: list[dict], now: float | None = None) -> dict[str, str]:
    """chat → the domain holding its focus, from the items a batch read found."""
    now = time.time() if now is None else now
    return {item["chat_id"]["S"]: item["focus"]["S"] for item in items
            if item.get("slot", {}).get("S") == FOCUS and "focus" in item and _alive(item, now)}


def focus_put(chat: str, domain: str, now: float | None = None) -> dict:
    """The BatchWriteItem put that hands a chat's focus to a domain."""
    now = time.time() if now is None else now
    return {"PutRequest": {"Item": {"chat_id": {"S": chat}, "slot": {"S": FOCUS}, "focus": {"S": domain},
                                    "set_at": {"N": str(int(now))}, "expires_at": {"N": _ttl(now)}}}}


def focus_of(chat: str, now: float | None = None) -> str | None:
    found = raw.batch_get({table(): focus_keys([chat])})[table()]
    return focus_in(found, now).get(chat)


def hold(chat: str, domain: str, now: float | None = None) -> None:
    """Give a domain the chat's focus (or keep it there a while longer)."""
    client("dynamodb").put_item(TableName=table(), Item=focus_put(chat, domain, now)["PutRequest"]["Item"])


def release(chat: str, domain: str) -> None:
    """The domain's draft ended: the chat's messages go back to normal routing (unless another domain
    took the focus meanwhile, which this leaves alone)."""
    try:
        client("dynamodb").delete_item(
            TableName=table(), Key={"chat_id": {"S": chat}, "slot": {"S": FOCUS}},
            ConditionExpression="attribute_not_exists(focus) OR focus = :mine",
            ExpressionAttributeValues={":mine": {"S": domain}})
    except client("dynamodb").exceptions.ConditionalCheckFailedException:
        pass


# ---------------------------------------------------------------- a domain's state (the workers' side)

def load(chat: str, domain: str, now: float | None = None) -> dict | None:
    now = time.time() if now is None else now
    item = client("dynamodb").get_item(TableName=table(), Key={"chat_id": {"S": chat}, "slot": {"S": domain}},
                                       ConsistentRead=True).get("Item")
    if not item or not _alive(item, now):
        return None
    return json.loads(item["state"]["S"])


def save(chat: str, domain: str, state: dict, now: float | None = None) -> None:
    now = time.time() if now is None else now
    client("dynamodb").put_item(TableName=table(), Item={
        "chat_id": {"S": chat}, "slot": {"S": domain}, "state": {"S": json.dumps(state, ensure_ascii=False)},
        "updated_at": {"N": str(int(now))}, "expires_at": {"N": _ttl(now)}})


def clear(chat: str, domain: str) -> None:
    client("dynamodb").delete_item(TableName=table(), Key={"chat_id": {"S": chat}, "slot": {"S": domain}})


# ---------------------------------------------------------------- PDPA

def _of_chat(chat: str) -> list[dict]:
    items, start = [], None
    while True:
        page = client("dynamodb").query(
            TableName=table(), KeyConditionExpression="chat_id = :c",
            ExpressionAttributeValues={":c": {"S": chat}}, ConsistentRead=True,
            **({"ExclusiveStartKey": start} if start else {}))
        items += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def export_citizen(user_id: str) -> list[dict]:
    now = time.time()
    out = []
    for item in _of_chat(user_id):
        if not _alive(item, now):
            continue
        slot = item["slot"]["S"]
        if slot == FOCUS:
            out.append({"kind": "focus", "domain": item["focus"]["S"], "expires_at": int(item["expires_at"]["N"])})
        else:
            out.append({"kind": "state", "domain": slot, "state": json.loads(item["state"]["S"]),
                        "expires_at": int(item["expires_at"]["N"])})
    return out


def erase_citizen(user_id: str) -> int:
    items = _of_chat(user_id)
    raw.batch_write({table(): [{"DeleteRequest": {"Key": {"chat_id": item["chat_id"], "slot": item["slot"]}}}
                               for item in items]})
    return len(items)
