"""The one module that talks to LINE (api.line.me and api-data.line.me), through line-bot-sdk v3.

Requests are built with the SDK's models, which validate our plain-dict messages on the way out.
Every answer is classified once, here, so callers never look at status codes:
  delivered   2xx, or 409 with x-line-accepted-request-id (the retry key was already accepted)
  retryable   429, 5xx, time-outs and connection errors: try again later with the same retry key.
              `unanswered` when the request may have reached LINE (read time-out, connection dropped after
              sending); not when it certainly did not (connect time-out, refused, name not resolved).
  rejected    any other 4xx, and a 429 for the month's quota ("You have reached your monthly limit"): LINE
              will not accept this request (this month); do not retry
A 2xx is delivered whatever its body: send calls read the raw answer (`_preload_content=False`), so a body
the SDK cannot parse never turns a delivery into an error.
`LINE_API_ENDPOINT` replaces both hosts (the local stack's fake LINE, or a tester's server); it must be
https, or plain http to this machine, so the channel token never travels in clear.
`LINE_READ_TIMEOUT_S` (default 10) is how long an answer is awaited once the request is sent.
Rich-menu calls (validate, create, image, default, list, delete) are classified the same way; those that
read an answer carry its JSON in `Answer.body`.
"""

import json
import uuid
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    Message,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
    UserProfileResponse,
)

from civic import channel
from civic.settings import settings

CONNECT_TIMEOUT_S = 3.05
RETRY_KEY_NAMESPACE = uuid.UUID("6f1b7c1e-2f43-4b38-9a5d-0c1e4d3b8a11")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
MONTHLY_LIMIT = "monthly limit"  # in LINE's 429 body when the month's quota is spent (not a rate limit)


class InsecureEndpoint(ValueError):
    """LINE_API_ENDPOINT would carry the channel token in clear over the network."""


@dataclass(frozen=True)
class Answer:
    outcome: str  # "delivered" | "retryable" | "rejected"
    http_status: int | None
    request_id: str | None
    error: str | None = None
    unanswered: bool = False  # sent, perhaps taken by LINE, but no answer came back
    body: dict | None = None  # the JSON answer, for the calls that read one (rich menus)

    @property
    def invalid_reply_token(self) -> bool:
        return self.outcome == "rejected" and "reply token" in (self.error or "").lower()


def retry_key(message_id: str) -> str:
    """The X-Line-Retry-Key of an outbound message: the same for every attempt, a UUID as LINE requires."""
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, message_id))


@cache
def _client(token: str, host: str) -> ApiClient:
    configuration = Configuration(host=host, access_token=token)
    configuration.retries = 0  # retries happen through the queue, with the same retry key
    return ApiClient(configuration)


def safe_endpoint(url: str) -> bool:
    """https anywhere; plain http only to this machine (the local stack's fake LINE)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def _host(data: bool) -> str:
    base = settings().line_api_endpoint
    if not base:
        return "https://api-data.line.me" if data else "https://api.line.me"
    if not safe_endpoint(base):
        raise InsecureEndpoint(f"LINE_API_ENDPOINT must be https:// or http:// to 127.0.0.1/localhost, not {base!r}")
    return base


def _timeout() -> tuple[float, float]:
    return CONNECT_TIMEOUT_S, settings().line_read_timeout_s


def _messaging(data: bool = False):
    host = _host(data)  # before the token is read: it must not go to an endpoint we refuse
    client = _client(channel.access_token(), host)
    return MessagingApiBlob(client) if data else MessagingApi(client)


def _header(headers, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def _classify(exc: Exception) -> Answer:
    if isinstance(exc, ApiException):
        status = exc.status
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body or exc.reason)
        accepted = _header(exc.headers, "x-line-accepted-request-id")
        if status == 409 and accepted:
            return Answer("delivered", status, accepted)
        request_id = _header(exc.headers, "x-line-request-id")
        if not status:
            # The SDK wraps a TLS failure as status 0: the handshake failed before any request, so try again.
            return Answer("retryable", None, request_id, body[:500])
        if status == 429 and MONTHLY_LIMIT in body.lower():
            return Answer("rejected", status, request_id, f"quota: {body[:480]}")
        if status == 429 or status >= 500:
            return Answer("retryable", status, request_id, body[:500])
        return Answer("rejected", status, request_id, body[:500])
    if isinstance(exc, (urllib3.exceptions.HTTPError, OSError, TimeoutError)):
        cause = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason else exc
        # No connection, no request: LINE never saw it. Anything after connecting may have reached LINE.
        never_sent = isinstance(cause, urllib3.exceptions.ConnectTimeoutError)  # also refused, DNS failure
        return Answer("retryable", None, None, f"{type(cause).__name__}: {cause}"[:500], unanswered=not never_sent)
    raise exc


def _call(send, read_body: bool = False) -> Answer:
    try:
        response = send()
    except Exception as exc:  # classified; anything unexpected is re-raised by _classify
        answer = _classify(exc)
        if answer.http_status == 401 and channel.refresh():
            # The access token was rotated: one more try with the fresh one.
            _client.cache_clear()
            return _call(send, read_body)
        return answer
    request_id = _header(response.headers, "x-line-request-id")
    if not read_body:
        return Answer("delivered", response.status_code, request_id)
    try:
        body = json.loads(response.raw_data or b"{}")
    except ValueError:
        return Answer("retryable", response.status_code, request_id, "LINE's answer is not JSON")
    return Answer("delivered", response.status_code, request_id, body=body if isinstance(body, dict) else {})


def _messages(messages: list[dict]) -> list[Message]:
    return [Message.from_dict(m) for m in messages]


# Send calls take the raw answer: non-2xx still raise ApiException, a 2xx body is never parsed.
RAW = {"_preload_content": False}


def reply(reply_token: str, messages: list[dict]) -> Answer:
    request = ReplyMessageRequest(reply_token=reply_token, messages=_messages(messages))
    return _call(lambda: _messaging().reply_message_with_http_info(request, _request_timeout=_timeout(), **RAW))


def push(to: str, messages: list[dict], message_id: str) -> Answer:
    request = PushMessageRequest(to=to, messages=_messages(messages))
    return _call(lambda: _messaging().push_message_with_http_info(
        request, x_line_retry_key=retry_key(message_id), _request_timeout=_timeout(), **RAW))


def multicast(to: list[str], messages: list[dict], message_id: str) -> Answer:
    request = MulticastRequest(to=to, messages=_messages(messages))
    return _call(lambda: _messaging().multicast_with_http_info(
        request, x_line_retry_key=retry_key(message_id), _request_timeout=_timeout(), **RAW))


def show_loading(chat_id: str, seconds: int = 10) -> Answer:
    """The typing dots in a 1:1 chat while a worker takes more than a moment (5..60 s, a multiple of 5)."""
    request = ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=seconds)
    return _call(lambda: _messaging().show_loading_animation_with_http_info(
        request, _request_timeout=_timeout(), **RAW))


def profile(user_id: str) -> dict | None:
    """displayName and language of a user, or None when LINE will not say (blocked, unknown, unreadable)."""
    try:
        response = _messaging().get_profile_with_http_info(user_id, _request_timeout=_timeout(), **RAW)
    except Exception as exc:
        _classify(exc)  # re-raises what is not a LINE or network error
        return None
    try:
        answer = UserProfileResponse.from_json(response.raw_data)
    except ValueError:  # not JSON, or not a profile (pydantic's ValidationError is a ValueError)
        return None
    if answer is None:
        return None
    return {"displayName": answer.display_name, "language": answer.language}


# What a retryable LINE call raises (5xx, 429, time-outs, dropped connections): callers may try again.
TRANSIENT = (ApiException, urllib3.exceptions.HTTPError, OSError, TimeoutError)


class ContentTooLarge(ValueError):
    """The content is bigger than the caller takes."""


def content(message_id: str, max_bytes: int | None = None) -> tuple[bytes, str] | None:
    """The bytes a citizen sent (image, video, audio, file) and their content type, or None if gone;
    ContentTooLarge past max_bytes (LINE's declared length is checked first)."""
    try:
        response = _messaging(data=True).get_message_content_with_http_info(message_id, _request_timeout=_timeout())
    except Exception as exc:
        if _classify(exc).outcome == "retryable":
            raise
        return None
    declared = _header(response.headers, "content-length")
    data = response.raw_data
    if max_bytes is not None and (int(declared or 0) > max_bytes or len(data) > max_bytes):
        raise ContentTooLarge(f"{max(int(declared or 0), len(data))} bytes, over {max_bytes}")
    return data, _header(response.headers, "content-type") or "application/octet-stream"


# ---- rich menus: the tiles under the chat (civic.rich_menu.publisher is the only caller) ----


def validate_rich_menu(menu: dict) -> Answer:
    request = RichMenuRequest.from_dict(menu)
    return _call(lambda: _messaging().validate_rich_menu_object_with_http_info(
        request, _request_timeout=_timeout(), **RAW))


def create_rich_menu(menu: dict) -> Answer:
    """body = {"richMenuId"} when delivered."""
    request = RichMenuRequest.from_dict(menu)
    return _call(lambda: _messaging().create_rich_menu_with_http_info(request, _request_timeout=_timeout(), **RAW),
                 read_body=True)


def upload_rich_menu_image(rich_menu_id: str, image: bytes, content_type: str) -> Answer:
    return _call(lambda: _messaging(data=True).set_rich_menu_image_with_http_info(
        rich_menu_id, image, _headers={"Content-Type": content_type}, _request_timeout=_timeout(), **RAW))


def set_default_rich_menu(rich_menu_id: str) -> Answer:
    return _call(lambda: _messaging().set_default_rich_menu_with_http_info(
        rich_menu_id, _request_timeout=_timeout(), **RAW))


def default_rich_menu() -> Answer:
    """body = {"richMenuId"}; LINE answers 404 (rejected) when no default is set."""
    return _call(lambda: _messaging().get_default_rich_menu_id_with_http_info(_request_timeout=_timeout(), **RAW),
                 read_body=True)


def cancel_default_rich_menu() -> Answer:
    return _call(lambda: _messaging().cancel_default_rich_menu_with_http_info(_request_timeout=_timeout(), **RAW))


def rich_menus() -> Answer:
    """body = {"richmenus": [{"richMenuId", "name", ...}]}: every menu this channel made through the API."""
    return _call(lambda: _messaging().get_rich_menu_list_with_http_info(_request_timeout=_timeout(), **RAW),
                 read_body=True)


def delete_rich_menu(rich_menu_id: str) -> Answer:
    return _call(lambda: _messaging().delete_rich_menu_with_http_info(rich_menu_id, _request_timeout=_timeout(),
                                                                     **RAW))


def _json_answer(read) -> dict:
    """A GET whose answer we need: LINE's JSON, or an exception a caller turns into "try again"."""
    import json

    try:
        response = read()
    except Exception as exc:  # LINE's refusal, the network, or the channel's credentials: all mean "not known"
        try:
            answer = _classify(exc)
            reason = answer.error or f"LINE answered {answer.http_status}"
        except Exception:
            reason = f"{type(exc).__name__}: {exc}"
        raise QuotaUnknown(reason[:300]) from exc
    try:
        return json.loads(response.raw_data)
    except ValueError as exc:
        raise QuotaUnknown("LINE's answer is not JSON") from exc


class QuotaUnknown(RuntimeError):
    """LINE did not tell us the month's quota or consumption: a large send waits rather than guesses."""


def quota() -> int | None:
    """The month's message quota (GET /v2/bot/message/quota): a number, or None when LINE sets no limit."""
    answer = _json_answer(lambda: _messaging().get_message_quota_with_http_info(_request_timeout=_timeout(), **RAW))
    return int(answer["value"]) if answer.get("type") == "limited" else None


def consumption() -> int:
    """Messages counted against the quota this month, as LINE counts them (the Japan month)."""
    answer = _json_answer(lambda: _messaging().get_message_quota_consumption_with_http_info(
        _request_timeout=_timeout(), **RAW))
    return int(answer.get("totalUsage", 0))
