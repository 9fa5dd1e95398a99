"""LINE webhook bodies as plain data: parse, and decide which domain queue each event belongs to.

Stdlib only: this runs on the intake's cold-start path, where the LINE SDK is too slow to import.
Routing is a pure function of the event and the chat's focus (which domain holds an open draft):
a postback names its domain; typed keywords start a service; a message the focused domain takes goes
there; everything else goes to the citizen basics.
"""

import json

from civic import domains, postback

MAX_DEPTH = 32  # LINE's events nest about 6 deep; deeper is not a LINE event (and would exhaust recursion)


class WebhookError(ValueError):
    """The body is not a LINE webhook: not JSON, nested too deeply, or no `events` list."""


def depth_within(value, limit: int) -> bool:
    """True when no list or object in value nests deeper than limit (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return True


def parse(body: bytes) -> tuple[str, list[dict]]:
    """(destination, events) of a webhook body; unknown fields and event types pass through untouched."""
    try:
        payload = json.loads(body)
    except RecursionError as exc:
        raise WebhookError(f"body nests deeper than {MAX_DEPTH} levels") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookError("body is not JSON") from exc
    if not depth_within(payload, MAX_DEPTH):
        raise WebhookError(f"body nests deeper than {MAX_DEPTH} levels")
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise WebhookError("body has no events list")
    events = [e for e in payload["events"] if isinstance(e, dict)]
    destination = payload.get("destination")
    return (destination if isinstance(destination, str) else ""), events


def is_standby(event: dict) -> bool:
    # Another channel is active for this chat (module channels); we must not answer.
    return event.get("mode") == "standby"


def _source(event: dict) -> dict:
    return event.get("source") if isinstance(event.get("source"), dict) else {}


def chat_id(event: dict) -> str:
    """The conversation the event belongs to: group, room or user. FIFO groups are per chat."""
    source = _source(event)
    for key in ("groupId", "roomId", "userId"):
        value = source.get(key)
        if isinstance(value, str) and value:
            return value
    return "unattributed"


def user_id(event: dict) -> str | None:
    value = _source(event).get("userId")
    return value if isinstance(value, str) and value else None


def postback_data(event: dict) -> str | None:
    data = event.get("postback", {}).get("data") if isinstance(event.get("postback"), dict) else None
    return data if isinstance(data, str) else None


def message_of(event: dict) -> dict:
    return event.get("message") if isinstance(event.get("message"), dict) else {}


def typed_text(event: dict) -> str | None:
    message = message_of(event)
    return message["text"] if message.get("type") == "text" and isinstance(message.get("text"), str) else None


def route(event: dict, focus: str | None = None) -> str:
    """The domain that handles this event, given the domain (if any) that holds the chat's focus."""
    kind = event.get("type")
    if kind == "postback":
        return postback.domain_of(postback_data(event)) or domains.FALLBACK
    if kind == "message":
        focused = domains.BY_NAME.get(focus or "")
        takes = bool(focused) and message_of(event).get("type") in focused.focus_messages
        if takes and focused.focus_exclusive:
            return focused.name  # a person is answering: everything the citizen sends is for them
        said = typed_text(event)
        found = domains.keyword(said) if said is not None else None
        if found:
            return found[0]
        if takes:
            return focused.name
    for domain in domains.DOMAINS:
        if isinstance(kind, str) and kind in domain.event_types:
            return domain.name
    return domains.FALLBACK


def takes_focus(event: dict, focus: str | None = None) -> str | None:
    """The domain this event hands the chat's focus to: a postback (or typed keyword) that opens a draft
    (e.g. "report a problem") or asks for a person, so what the citizen sends next reaches that domain,
    in order. Nothing moves an exclusive focus but the domain holding it."""
    held = domains.BY_NAME.get(focus or "")
    if held and held.focus_exclusive:
        return None
    if event.get("type") == "postback":
        try:
            data = postback.decode(postback_data(event) or "")
        except postback.PostbackError:
            return None
        return data.domain if data.action in domains.get(data.domain).focus_actions else None
    said = typed_text(event) if event.get("type") == "message" else None
    found = domains.keyword(said) if said is not None else None
    if found and found[1] in domains.get(found[0]).focus_actions:
        return found[0]
    return None
