"""The outbox: every message to a citizen is put here and sent by LineSender, the one door to LINE.

An outbound message's id is derived from the business event that caused it (a webhookEventId, a booking,
a bill × recipient), so a retried worker puts the same id again: the FIFO queue drops it within five
minutes, and LineSender's delivery record and LINE's retry key drop it after that.
"""

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

from civic.aws import client
from civic.settings import settings

MAX_MESSAGES_PER_SEND = 5  # LINE's limit per reply/push


@dataclass(frozen=True)
class Outbound:
    id: str
    to: str | list[str]            # one user (reply/push) or up to 500 (multicast)
    messages: list[dict]
    purpose: str                   # "welcome", "help", "booking-confirmed", ... for audit and metrics
    reply_token: str | None = None
    reply_token_at: int | None = None  # epoch ms of the webhook event that carried the token
    meta: dict = field(default_factory=dict)  # "pseudonymous": log the recipient by pseudonym (after an erase);
    #                                            "tally": the fan-out whose results this message counts in
    group: str | None = None  # its FIFO group: default the recipient (a chat's answers keep their order)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, body: str) -> "Outbound":
        data = json.loads(body)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def replies(event: dict, messages: list[dict], purpose: str, **meta) -> list[Outbound]:
    """Answer a webhook event: reply token on the first send, more sends if over five messages."""
    event_id = event.get("webhookEventId") or hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    user = (event.get("source") or {}).get("userId")
    chunks = [messages[i:i + MAX_MESSAGES_PER_SEND] for i in range(0, len(messages), MAX_MESSAGES_PER_SEND)]
    return [
        Outbound(id=f"{event_id}.{n}", to=user, messages=chunk, purpose=purpose,
                 reply_token=event.get("replyToken") if n == 0 else None,
                 reply_token_at=event.get("timestamp") if n == 0 else None,
                 meta={"webhookEventId": event_id, **meta})
        for n, chunk in enumerate(chunks)
    ]


def push(message_id: str, to: str, messages: list[dict], purpose: str, independent: bool = False,
         **meta) -> Outbound:
    """A push. `independent` (a bill, a reminder): it needs no order with the citizen's other messages, so it
    gets a FIFO group of its own and never waits behind, or holds back, anything else."""
    return Outbound(id=message_id, to=to, messages=messages[:MAX_MESSAGES_PER_SEND], purpose=purpose, meta=meta,
                    group=_dedupe_id(message_id) if independent else None)


MULTICAST_MAX = 500  # LINE's limit of recipients per multicast


def multicast(message_id: str, to: list[str], messages: list[dict], purpose: str, **meta) -> Outbound:
    """One chunk of a fan-out: up to 500 recipients, one id (its retry key), a FIFO group of its own."""
    if not 0 < len(to) <= MULTICAST_MAX:
        raise ValueError(f"a multicast takes 1..{MULTICAST_MAX} recipients, not {len(to)}")
    return Outbound(id=message_id, to=list(to), messages=messages[:MAX_MESSAGES_PER_SEND], purpose=purpose,
                    meta=meta, group=_dedupe_id(message_id))


def _group(outbound: Outbound) -> str:
    # One group per fan-out chunk: notices run side by side, and a 429 on one holds back no other.
    if outbound.group:
        return outbound.group
    return outbound.to if isinstance(outbound.to, str) else _dedupe_id(outbound.id)


def _dedupe_id(message_id: str) -> str:
    # SQS allows 128 characters; longer business ids are hashed (still deterministic).
    return message_id if len(message_id) <= 128 else hashlib.sha256(message_id.encode()).hexdigest()


def send(outbounds: list[Outbound]) -> None:
    """Put messages on the outbox queue, in order per recipient; raise unless every one landed."""
    queue = settings().outbox_queue_url
    for start in range(0, len(outbounds), 10):
        entries = [
            {"Id": str(i), "MessageBody": o.to_json(), "MessageGroupId": _group(o),
             "MessageDeduplicationId": _dedupe_id(o.id)}
            for i, o in enumerate(outbounds[start:start + 10])
        ]
        answer = client("sqs").send_message_batch(QueueUrl=queue, Entries=entries)
        if answer.get("Failed"):
            raise RuntimeError(f"outbox refused {len(answer['Failed'])} messages: {answer['Failed'][0]}")


def age_ms(outbound: Outbound, now: float | None = None) -> int | None:
    """How old the reply token is, or None when there is none."""
    if not outbound.reply_token or not outbound.reply_token_at:
        return None
    return int((time.time() if now is None else now) * 1000) - int(outbound.reply_token_at)
