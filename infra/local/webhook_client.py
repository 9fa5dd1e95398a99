"""Sends LINE-shaped, correctly signed webhook events to the local stack, as LINE's platform would."""

import json
import time
import urllib.error
import urllib.request
import uuid

from civic.signature import sign


def user_id() -> str:
    return "U" + uuid.uuid4().hex


def event(kind: str, user: str, reply_token: str | None = None, **fields) -> dict:
    """A webhook event as LINE sends it (see ../shared/line-openapi/webhook.yml)."""
    body = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        **fields,
    }
    if reply_token:
        body["replyToken"] = reply_token
    return body


def text(user: str, said: str, reply_token: str | None = None) -> dict:
    return event("message", user, reply_token, message={"type": "text", "id": str(uuid.uuid4().int)[:18],
                                                        "quoteToken": uuid.uuid4().hex, "text": said})


def image(user: str, message_id: str, reply_token: str | None = None) -> dict:
    """A photo the citizen sent: LINE keeps its bytes at the content endpoint under message_id."""
    return event("message", user, reply_token, message={"type": "image", "id": message_id,
                                                        "quoteToken": uuid.uuid4().hex, "contentProvider": {"type": "line"}})


def location(user: str, lat: float, lng: float, title: str = "", address: str = "", reply_token: str | None = None) -> dict:
    return event("message", user, reply_token, message={"type": "location", "id": str(uuid.uuid4().int)[:18],
                                                        "title": title, "address": address, "latitude": lat,
                                                        "longitude": lng})


def unsend(user: str, message_id: str) -> dict:
    return event("unsend", user, unsend={"messageId": message_id})


def postback(user: str, data: str, reply_token: str | None = None) -> dict:
    return event("postback", user, reply_token, postback={"data": data})


def post(url: str, channel_secret: str, events: list[dict], signature: str | None = None,
         destination: str = "U" + "0" * 32, raw: bytes | None = None, timeout: float = 10) -> tuple[int, dict]:
    """POST to /line/webhook; returns (status, JSON answer)."""
    body = raw if raw is not None else json.dumps({"destination": destination, "events": events},
                                                  ensure_ascii=False).encode()
    request = urllib.request.Request(f"{url}/line/webhook", data=body, method="POST", headers={
        "content-type": "application/json",
        "x-line-signature": signature if signature is not None else sign(channel_secret, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
