"""LINE webhook bodies as plain data: parse, and decide which domain queue each event belongs to.

Stdlib only: this runs on the intake's cold-start path, where the LINE SDK is too slow to import.
"""

import json

from civic import postback

# Typed text that starts a service without going through a menu. Lower-cased, exact after strip.
KEYWORDS = {
    "booking": {"จองคิว", "นัดหมาย", "คิวของฉัน", "การจองของฉัน", "book", "booking", "my bookings"},
    "citizen": {"ข้อมูลของฉัน", "my data", "ช่วยเหลือ", "เมนู", "help", "menu"},
}


class WebhookError(ValueError):
    """The body is not a LINE webhook: not JSON, or no `events` list."""


def parse(body: bytes) -> tuple[str, list[dict]]:
    """(destination, events) of a webhook body; unknown fields and event types pass through untouched."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookError("body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise WebhookError("body has no events list")
    events = [e for e in payload["events"] if isinstance(e, dict)]
    destination = payload.get("destination")
    return (destination if isinstance(destination, str) else ""), events


def is_standby(event: dict) -> bool:
    # Another channel is active for this chat (module channels); we must not answer.
    return event.get("mode") == "standby"


def chat_id(event: dict) -> str:
    """The conversation the event belongs to: group, room or user. FIFO groups are per chat."""
    source = event.get("source") if isinstance(event.get("source"), dict) else {}
    for key in ("groupId", "roomId", "userId"):
        value = source.get(key)
        if isinstance(value, str) and value:
            return value
    return "unattributed"


def user_id(event: dict) -> str | None:
    source = event.get("source") if isinstance(event.get("source"), dict) else {}
    value = source.get("userId")
    return value if isinstance(value, str) and value else None


def route(event: dict) -> str:
    """The domain that handles this event. Anything unrecognised goes to the citizen basics."""
    kind = event.get("type")
    if kind == "postback":
        data = (event.get("postback") or {}).get("data") if isinstance(event.get("postback"), dict) else None
        return postback.domain_of(data) or "citizen"
    if kind == "message":
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        if message.get("type") == "text" and isinstance(message.get("text"), str):
            said = message["text"].strip().lower()
            for domain, words in KEYWORDS.items():
                if said in words:
                    return domain
    return "citizen"
