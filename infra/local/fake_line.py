"""A fake LINE platform (api.line.me and api-data.line.me) for the local stack and tests: a WSGI app.

It answers LINE's own paths the way LINE does, and it is strict: anything it accepts, LINE would accept.

- Every body is validated against ../shared/line-openapi/messaging-api.yml. The spec models message,
  action, template and flex types as a base schema with a `type` discriminator and subtypes that
  `allOf` the base; plain JSON Schema would only check the base, so each subtype is flattened into one
  object schema and the base dispatches on `type` (an unknown type fails with the list of known ones).
- The spec never says `additionalProperties: false`, yet a property it does not declare is refused
  ("Invalid property"): the SDK only sends declared ones, and refusing keeps the guarantee above.
- LINE's limits the spec leaves out are added: text 1..5,000 UTF-16 code units, altText 1..1,500
  characters, quick reply items `{"type": "action", "action"}` with labels of at most 20 characters,
  carousels of 1..12 bubbles, bubble JSON 30 KB and carousel 50 KB (compact UTF-8, 1 KB = 1,000 bytes,
  the strict reading), user ids `U` + 32 hex, loading seconds a multiple of 5.
- Reply tokens are single use. One minted by `issue_reply_token` expires after 60 s by `clock`; one it
  never minted is accepted once, because real LINE may have minted it (a webhook replayed from a
  capture) and we cannot know; those replies are recorded under `received(None)` — unless the webhook
  carrying it passed through `learn_webhook` (the local stack's webhook route does that).
- `X-Line-Retry-Key` must be a UUID; an accepted key is remembered 24 h by `clock` and a repeat gets
  409 with `x-line-accepted-request-id` (and, for push, the first answer's `sentMessages`, as LINE
  does). A request that failed, injected faults included, does not consume its key.
- Multicast skips users who blocked the account, as LINE does; broadcast reaches every user the fake
  has seen follow (set_profile, issue_reply_token, a delivery) who has not blocked it.
- Quota consumption counts what push, multicast and broadcast delivered this month (JST), one per
  recipient per request as LINE bills; replies are free.

Not checked (LINE does): media URLs being HTTPS (the local stack serves media over http), words
banned in `sender.name`, `$` placeholders matching `emojis`, Flex values such as colours and sizes.

Faults (`inject`, or `POST /_fake/faults`) make LINE misbehave for some requests:
- `status` alone (429, 5xx, any 4xx) answers it without doing the work, as a refusing LINE does; a 2xx
  `status` does the work and answers that status.
- `latency_ms` (`"latencyMs"`) waits before LINE looks at the request; with `after=True` (`"after": true`)
  LINE does the work first and then waits: the request landed but the answer comes late (a client's
  read time-out). With `after`, the work is always done, and a `status` given too is what the late answer says.
- `body` (`"body"`) replaces the answer's body with this raw text, e.g. `inject(status=200, body="not json")`:
  the work is done, the answer cannot be parsed.

Limits (`limit`, or `POST /_fake/limits`; `DELETE /_fake/limits` lifts them) make LINE push back as it does:
- `ceilings` (`{"push": 100, "multicast": 10}`, requests per second per endpoint name, as LINE counts them
  per channel): a request over the endpoint's ceiling within the last second by `clock` answers 429 "The API
  rate limit has been exceeded", without doing the work and without consuming its retry key.
- `quota` (`"quota": 5000`): the month's message quota; `/v2/bot/message/quota` then answers
  `{"type": "limited", "value": 5000}`, and a push or multicast whose recipients would take the month's
  consumption (JST) over it answers 429 "You have reached your monthly limit." — nothing is delivered.

Control endpoints under /_fake/ (no auth, not recorded, never faulted) mirror the public methods.

Speed (2-core dev machine, median of 5 runs): the validators are built once per spec file (39 ms) and
shared by every FakeLine. A push with one Thai text validates in 0.044 ms, takes 0.25 ms through the
whole WSGI app, and 1.6 ms from the SDK over loopback HTTP to a threaded werkzeug server.
"""

import copy
import functools
import json
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from itertools import count as counter
from pathlib import Path

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

DEFAULT_SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "line-openapi" / "messaging-api.yml"
)

REPLY_TOKEN_TTL_S = 60
RETRY_KEY_TTL_S = 24 * 3600
MAX_QUICK_REPLY_LABEL = 20
MAX_BUBBLE_BYTES = 30_000
MAX_CAROUSEL_BYTES = 50_000
DEFAULT_DISPLAY_NAME = "ผู้ใช้ทดสอบ"
JST = timezone(timedelta(hours=9))

USER_ID = re.compile(r"U[0-9a-f]{32}")
# push may also address a group (C...) or a multi-person chat (R...)
CHAT_ID = re.compile(r"[UCR][0-9a-f]{32}")
RETRY_KEY = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# message types LINE can later quote, so their sent-message entries carry a quoteToken
QUOTABLE_TYPES = {"text", "textV2", "sticker", "image", "video", "audio", "location"}

STATUS_MESSAGES = {
    401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
    404: "Not found",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
}
INVALID_REPLY_TOKEN = "Invalid reply token"
MONTHLY_LIMIT = "You have reached your monthly limit."
RATE_WINDOW_S = 1.0  # LINE's ceilings are requests per second
RETRY_KEY_ACCEPTED = "The retry key is already accepted"

# (schema, property) -> keywords added to the spec's property schema: LINE limits the spec leaves out
LINE_PROPERTY_LIMITS = {
    ("TextMessage", "text"): {"minLength": 1, "x-maxUtf16Units": 5000},
    ("TextMessageV2", "text"): {"minLength": 1, "x-maxUtf16Units": 5000},
    ("TemplateMessage", "altText"): {"minLength": 1, "maxLength": 1500},
    ("FlexMessage", "altText"): {"minLength": 1, "maxLength": 1500},
    ("ImagemapMessage", "altText"): {"minLength": 1, "maxLength": 1500},
    ("QuickReply", "items"): {"minItems": 1},
    ("QuickReplyItem", "type"): {"enum": ["action"]},
    ("FlexCarousel", "contents"): {"minItems": 1, "maxItems": 12},
    ("MulticastRequest", "to"): {"items": {"type": "string", "pattern": f"^{USER_ID.pattern}$"}},
    ("ShowLoadingAnimationRequest", "chatId"): {"pattern": f"^{USER_ID.pattern}$"},
    ("ShowLoadingAnimationRequest", "loadingSeconds"): {"multipleOf": 5},
}
LINE_REQUIRED = {"QuickReplyItem": ["type", "action"]}

REQUEST_SCHEMAS = (
    "ReplyMessageRequest",
    "PushMessageRequest",
    "MulticastRequest",
    "BroadcastRequest",
    "ShowLoadingAnimationRequest",
)

LINE_ROUTES = Map(
    [
        Rule("/v2/bot/message/reply", methods=["POST"], endpoint="reply"),
        Rule("/v2/bot/message/push", methods=["POST"], endpoint="push"),
        Rule("/v2/bot/message/multicast", methods=["POST"], endpoint="multicast"),
        Rule("/v2/bot/message/broadcast", methods=["POST"], endpoint="broadcast"),
        Rule("/v2/bot/chat/loading/start", methods=["POST"], endpoint="loading"),
        Rule("/v2/bot/profile/<user_id>", methods=["GET"], endpoint="profile"),
        Rule("/v2/bot/message/<message_id>/content", methods=["GET"], endpoint="content"),
        Rule("/v2/bot/message/quota", methods=["GET"], endpoint="quota"),
        Rule("/v2/bot/message/quota/consumption", methods=["GET"], endpoint="consumption"),
    ]
)
CONTROL_ROUTES = Map(
    [
        Rule("/_fake/inbox/<user_id>", methods=["GET"], endpoint="inbox"),
        Rule("/_fake/requests", methods=["GET"], endpoint="requests"),
        Rule("/_fake/reply-tokens", methods=["POST"], endpoint="reply_tokens"),
        Rule("/_fake/profiles", methods=["POST"], endpoint="profiles"),
        Rule("/_fake/blocked", methods=["POST"], endpoint="blocked"),
        Rule("/_fake/content/<message_id>", methods=["POST"], endpoint="content"),
        Rule("/_fake/faults", methods=["POST", "DELETE"], endpoint="faults"),
        Rule("/_fake/limits", methods=["POST", "DELETE"], endpoint="limits"),
        Rule("/_fake/reset", methods=["POST"], endpoint="reset"),
    ]
)


class LineError(Exception):
    """An answer LINE gives instead of doing the work: status, LINE's message, optional details."""

    def __init__(self, status: int, message: str, details=None, headers=None, extra=None):
        super().__init__(message)
        self.status, self.message = status, message
        self.details, self.headers, self.extra = details or [], headers or {}, extra or {}

    def response(self) -> Response:
        body = {"message": self.message, **self.extra}
        if self.details:
            body["details"] = self.details
        return json_response(self.status, body, self.headers)


@dataclass
class Fault:
    status: int | None
    remaining: int | None
    until: float | None
    latency_ms: int
    paths: list[str] | None
    after: bool = False  # wait after doing the work, not before
    body: str | None = None  # raw answer body instead of LINE's

    @property
    def refuses(self) -> bool:
        """Answer the status instead of doing the work (a LINE that refused the request)."""
        return bool(self.status) and not self.after and not 200 <= self.status < 300

    def covers(self, path: str) -> bool:
        return self.paths is None or any(
            path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths
        )


@dataclass
class AcceptedRetryKey:
    request_id: str
    at: float
    sent_messages: list[dict]


def json_response(status: int, body, headers=None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, headers=headers, content_type="application/json"
    )


def status_answer(status: int) -> Response:
    return LineError(status, STATUS_MESSAGES.get(status, HTTPStatus(status).phrase)).response()


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ---- the spec, compiled once per file into validators that understand its discriminators ----


def _declared_property(schemas: dict, name: str, prop: str) -> dict:
    schema = schemas[name]
    for part in [schema, *schema.get("allOf", [])]:
        if prop in part.get("properties", {}):
            return part["properties"][prop]
    raise KeyError(f"{name}.{prop} is not in the spec")


def _merged(schemas: dict, schema: dict) -> dict:
    """The schema with its allOf parts folded in (properties and required), discriminator dropped."""
    merged = {k: v for k, v in schema.items() if k not in ("allOf", "discriminator")}
    if "allOf" not in schema:
        return merged
    properties, required = {}, []
    for part in schema["allOf"]:
        part = _merged(schemas, schemas[part["$ref"].rsplit("/", 1)[1]] if "$ref" in part else part)
        properties.update(part.get("properties", {}))
        required += part.get("required", [])
    properties.update(schema.get("properties", {}))
    merged["properties"] = properties
    merged["required"] = list(dict.fromkeys(required + schema.get("required", [])))
    merged.setdefault("type", "object")
    return merged


def _compile(spec: dict) -> dict[str, dict]:
    """components.schemas as a linked graph of plain JSON Schema (draft 4), $refs replaced by the objects."""
    raw = copy.deepcopy(spec["components"]["schemas"])
    for (name, prop), limits in LINE_PROPERTY_LIMITS.items():
        _declared_property(raw, name, prop).update(limits)
    for name, required in LINE_REQUIRED.items():
        raw[name]["required"] = required

    # filled in place afterwards, so references can form cycles (a flex box contains flex components)
    compiled = {name: {} for name in raw}

    def link(schema):
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            return compiled[schema["$ref"].rsplit("/", 1)[1]]
        schema = _merged(raw, schema)
        if "properties" in schema:
            schema["properties"] = {k: link(v) for k, v in schema["properties"].items()}
            schema.setdefault("additionalProperties", False)
        for keyword in ("items", "additionalProperties"):
            if isinstance(schema.get(keyword), dict):
                schema[keyword] = link(schema[keyword])
        return schema

    bases = {name: s["discriminator"] for name, s in raw.items() if "mapping" in s.get("discriminator", {})}
    for name, schema in raw.items():
        if name in bases:
            continue
        compiled[name].update(link(schema))
    for name, discriminator in bases.items():
        prop, mapping = discriminator["propertyName"], discriminator["mapping"]
        subtypes = {value: compiled[ref.rsplit("/", 1)[1]] for value, ref in mapping.items()}
        compiled[name].update(
            {
                "type": "object",
                "required": [prop],
                "properties": {prop: {"type": "string", "enum": list(mapping)}},
                "x-dispatch": (prop, subtypes),
            }
        )
        # a subtype reached directly (carousel contents are bubbles) must still carry its own type
        for value, subtype in subtypes.items():
            subtype["properties"][prop] = {"type": "string", "enum": [value]}
    return compiled


def _dispatch(validator, dispatch, instance, schema):
    prop, subtypes = dispatch
    if isinstance(instance, dict) and isinstance(instance.get(prop), str) and instance[prop] in subtypes:
        yield from validator.descend(instance, subtypes[instance[prop]])


def _required(validator, required, instance, schema):
    if isinstance(instance, dict):
        for prop in required:
            if prop not in instance:
                yield ValidationError("Must be specified", path=[prop])


def _additional_properties(validator, allowed, instance, schema):
    """`false` refuses each undeclared property by name; a schema validates the values of a map."""
    if allowed is False and isinstance(instance, dict):
        for prop in instance:
            if prop not in schema.get("properties", {}):
                yield ValidationError("Invalid property", path=[prop])
    elif isinstance(allowed, dict) and isinstance(instance, dict):
        for prop, value in instance.items():
            yield from validator.descend(value, allowed, path=prop)


def _max_utf16_units(validator, limit, instance, schema):
    if isinstance(instance, str) and utf16_units(instance) > limit:
        yield ValidationError(
            f"Length must be between {schema.get('minLength', 0)} and {limit} (UTF-16 units)"
        )


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("uri")
def _is_uri(value) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", value) is not None


@_FORMATS.checks("uuid")
def _is_uuid(value) -> bool:
    return not isinstance(value, str) or RETRY_KEY.fullmatch(value) is not None


@_FORMATS.checks("int32")
def _is_int32(value) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


@_FORMATS.checks("int64")
def _is_int64(value) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


LineSchemaValidator = jsonschema.validators.extend(
    jsonschema.Draft4Validator,
    {
        "x-dispatch": _dispatch,
        "required": _required,
        "additionalProperties": _additional_properties,
        "x-maxUtf16Units": _max_utf16_units,
    },
)


@functools.lru_cache(maxsize=4)
def _validators(spec_path: str) -> dict:
    with open(spec_path, encoding="utf-8") as spec_file:
        compiled = _compile(yaml.load(spec_file, Loader=yaml.CSafeLoader))
    return {name: LineSchemaValidator(compiled[name], format_checker=_FORMATS) for name in REQUEST_SCHEMAS}


def _property_path(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _detail(error: ValidationError) -> dict:
    value = error.validator_value
    messages = {
        "enum": lambda: "Must be one of the following values: [" + ", ".join(map(str, value)) + "]",
        "type": lambda: f"Must be of type {value}",
        "maxLength": lambda: f"Length must be between {error.schema.get('minLength', 0)} and {value}",
        "minLength": lambda: f"Length must be between {value} and {error.schema.get('maxLength', '∞')}",
        "maxItems": lambda: f"Size must be between {error.schema.get('minItems', 0)} and {value}",
        "minItems": lambda: f"Size must be between {value} and {error.schema.get('maxItems', '∞')}",
        "pattern": lambda: "Invalid format",
        "format": lambda: f"Must be a valid {value}",
    }
    message = messages[error.validator]() if error.validator in messages else error.message
    detail = {"message": message}
    if error.absolute_path:
        detail["property"] = _property_path(error.absolute_path)
    return detail


def _size_limits(messages: list) -> list[dict]:
    """LINE limits that depend on where a value sits: quick reply labels and flex sizes."""
    details = []
    for i, message in enumerate(messages):
        for j, item in enumerate((message.get("quickReply") or {}).get("items", [])):
            if len(item["action"].get("label", "")) > MAX_QUICK_REPLY_LABEL:
                details.append(
                    {
                        "message": f"Length must be between 0 and {MAX_QUICK_REPLY_LABEL}",
                        "property": f"messages[{i}].quickReply.items[{j}].action.label",
                    }
                )
        if message["type"] != "flex":
            continue
        container = message["contents"]
        bubbles = [container] if container["type"] == "bubble" else container["contents"]
        if container["type"] == "carousel" and _json_bytes(container) > MAX_CAROUSEL_BYTES:
            details.append({"message": "Size must be at most 50 KB", "property": f"messages[{i}].contents"})
        for bubble in bubbles:
            if _json_bytes(bubble) > MAX_BUBBLE_BYTES:
                details.append(
                    {"message": "Bubble size must be at most 30 KB", "property": f"messages[{i}].contents"}
                )
    return details


def _json_bytes(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _month(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, JST).strftime("%Y-%m")


class FakeLine:
    def __init__(self, channel_access_token, spec_path=DEFAULT_SPEC_PATH, clock=time.time):
        self._token = channel_access_token if callable(channel_access_token) else lambda: channel_access_token
        self._validators = _validators(str(spec_path))
        self._clock = clock
        self._lock = threading.Lock()
        self._message_ids = counter(500_000_000_000_000_000)
        self.reset()

    # ---- state and control ----

    def reset(self):
        with self._lock:
            self._inbox = defaultdict(list)
            self._requests = []
            self._reply_tokens = {}  # token -> (user id, expires at)
            self._spent_reply_tokens = set()
            self._retry_keys = {}
            self._profiles = {}
            self._friends = set()
            self._blocked = set()
            self._content = {}
            self._faults = []
            self._usage = []  # (at, messages billed)
            self._ceilings = {}  # endpoint → requests per second; over it, 429
            self._recent = defaultdict(deque)  # endpoint → times of its requests within the last second
            self._quota = None  # messages per month (JST), or None: no limit

    def issue_reply_token(self, user_id: str) -> str:
        token = uuid.uuid4().hex
        with self._lock:
            self._reply_tokens[token] = (user_id, self._clock() + REPLY_TOKEN_TTL_S)
            self._friends.add(user_id)
        return token

    def learn_webhook(self, body: bytes) -> None:
        """Real LINE mints the reply tokens of the webhooks it sends; when a webhook reaches the local stack
        we learn whose token each is, so replies land in the right citizen's inbox."""
        try:
            events = json.loads(body).get("events", [])
        except (ValueError, AttributeError):
            return
        with self._lock:
            for event in events if isinstance(events, list) else []:
                token = event.get("replyToken") if isinstance(event, dict) else None
                source = event.get("source") if isinstance(event, dict) else None
                chat = isinstance(source, dict) and (source.get("userId") or source.get("groupId"))
                if isinstance(token, str) and chat and token not in self._spent_reply_tokens:
                    self._reply_tokens.setdefault(token, (chat, self._clock() + REPLY_TOKEN_TTL_S))
                    self._friends.add(chat)

    def set_profile(self, user_id, display_name, language="th", picture_url=None):
        profile = {"displayName": display_name, "userId": user_id, "language": language}
        if picture_url:
            profile["pictureUrl"] = picture_url
        with self._lock:
            self._profiles[user_id] = profile
            self._friends.add(user_id)

    def block(self, user_id):
        with self._lock:
            self._blocked.add(user_id)

    def put_content(self, message_id: str, data: bytes, content_type: str):
        with self._lock:
            self._content[message_id] = (bytes(data), content_type)

    def inject(self, status=None, count=None, seconds=None, latency_ms=0, paths=None, after=False, body=None):
        """The next `count` requests (or those within `seconds`, by clock; or all, until cleared) on
        `paths` (exact, or a prefix; None for every LINE path) answer `status`, wait `latency_ms` (before the
        work, or after it with `after`), and/or answer `body` as raw text (see the module docstring)."""
        if status is None and not latency_ms and body is None:
            raise ValueError("inject needs a status, a latency, a body or some of them")
        if after and not latency_ms:
            raise ValueError("after=True needs a latency_ms to wait after the work")
        until = None if seconds is None else self._clock() + seconds
        with self._lock:
            self._faults.append(Fault(status, count, until, latency_ms, list(paths) if paths else None,
                                      bool(after), body))

    def limit(self, ceilings: dict | None = None, quota: int | None = None):
        """Per-endpoint ceilings in requests per second (`{"push": 100, "multicast": 10}`; names as in
        LINE's paths: reply, push, multicast, broadcast) and the month's message quota; None leaves either as
        it is. `unlimit` lifts both."""
        with self._lock:
            if ceilings is not None:
                self._ceilings = {name: float(rate) for name, rate in ceilings.items()}
            if quota is not None:
                self._quota = int(quota)

    def unlimit(self):
        with self._lock:
            self._ceilings, self._quota = {}, None
            self._recent.clear()

    def _over_ceiling(self, endpoint: str) -> bool:
        """Count this request against its endpoint's ceiling; True when LINE would answer 429. Lock held."""
        ceiling = self._ceilings.get(endpoint)
        if ceiling is None:
            return False
        now, recent = self._clock(), self._recent[endpoint]
        while recent and now - recent[0] >= RATE_WINDOW_S:
            recent.popleft()
        if len(recent) >= ceiling:
            return True
        recent.append(now)
        return False

    def _refuse_over_quota(self, recipients: int):
        """LINE's 429 when delivering to `recipients` would go over the month's quota. Lock held."""
        if self._quota is None or not recipients:
            return
        month = _month(self._clock())
        used = sum(billed for at, billed in self._usage if _month(at) == month)
        if used + recipients > self._quota:
            raise LineError(429, MONTHLY_LIMIT)

    def clear_faults(self):
        with self._lock:
            self._faults = []

    def received(self, user_id) -> list[dict]:
        with self._lock:
            return list(self._inbox.get(user_id, []))

    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    # ---- WSGI ----

    def __call__(self, environ, start_response):
        request = Request(environ)
        request_id = str(uuid.uuid4())
        if request.path.startswith("/_fake/"):
            response = self._control(request)
        else:
            response = self._answer_as_line(request, request_id)
            self._record_request(request, response, request_id)
        response.headers["x-line-request-id"] = request_id
        return response(environ, start_response)

    def _answer_as_line(self, request: Request, request_id: str) -> Response:
        fault = self._take_fault(request.path)
        if fault and fault.latency_ms and not fault.after:
            time.sleep(fault.latency_ms / 1000)
        if fault and fault.refuses:
            response = status_answer(fault.status)
        else:
            response = self._do_as_line(request, request_id)
            if fault and fault.status:
                response.status_code = fault.status
        if fault and fault.body is not None:
            response.set_data(fault.body.encode("utf-8"))
        if fault and fault.latency_ms and fault.after:
            time.sleep(fault.latency_ms / 1000)  # the work is done; only the answer is late
        return response

    def _do_as_line(self, request: Request, request_id: str) -> Response:
        try:
            if request.headers.get("Authorization") != f"Bearer {self._token()}":
                raise LineError(401, STATUS_MESSAGES[401])
            endpoint, args = LINE_ROUTES.bind_to_environ(request.environ).match()
            with self._lock:
                if self._over_ceiling(endpoint):
                    raise LineError(429, STATUS_MESSAGES[429])
            return getattr(self, f"_line_{endpoint}")(request, request_id, **args)
        except LineError as error:
            return error.response()
        except HTTPException as error:
            return status_answer(error.code)

    def _take_fault(self, path: str) -> Fault | None:
        now = self._clock()
        with self._lock:
            self._faults = [
                f for f in self._faults if f.remaining != 0 and (f.until is None or now < f.until)
            ]
            for fault in self._faults:
                if fault.covers(path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
        return None

    def _record_request(self, request: Request, response: Response, request_id: str):
        raw = request.get_data()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = (
            {"x-line-retry-key": request.headers["X-Line-Retry-Key"]}
            if "X-Line-Retry-Key" in request.headers
            else {}
        )
        entry = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "headers": headers,
            "body": body,
            "request_id": request_id,
            "at": self._clock(),
        }
        with self._lock:
            self._requests.append(entry)

    # ---- LINE endpoints ----

    def _valid_body(self, request: Request, schema: str) -> dict:
        try:
            body = json.loads(request.get_data())
        except ValueError as error:
            raise LineError(400, f"The request body could not be parsed as JSON ({error})") from None
        details = [_detail(e) for e in self._validators[schema].iter_errors(body)]
        if not details and "messages" in body:
            details = _size_limits(body["messages"])
        if details:
            raise LineError(400, f"The request body has {len(details)} error(s)", details)
        return body

    def _retry_key(self, request: Request) -> str | None:
        key = request.headers.get("X-Line-Retry-Key")
        if key is not None and not RETRY_KEY.fullmatch(key):
            raise LineError(400, "The value of the X-Line-Retry-Key header is invalid")
        return key

    def _refuse_accepted_retry_key(self, key: str | None, with_sent_messages: bool):
        """Raise LINE's 409 if the key was accepted within 24 h. Call with the lock held."""
        accepted = self._retry_keys.get(key) if key else None
        if accepted and self._clock() - accepted.at < RETRY_KEY_TTL_S:
            extra = {"sentMessages": accepted.sent_messages} if with_sent_messages else {}
            raise LineError(
                409,
                RETRY_KEY_ACCEPTED,
                headers={"x-line-accepted-request-id": accepted.request_id},
                extra=extra,
            )

    def _deliver(self, endpoint: str, recipients, messages: list, request_id: str) -> list[dict]:
        """Record the messages in each recipient's inbox. Call with the lock held."""
        at = self._clock()
        sent = []
        for message in messages:
            entry = {"id": str(next(self._message_ids))}
            if message["type"] in QUOTABLE_TYPES:
                entry["quoteToken"] = uuid.uuid4().hex
            sent.append(entry)
        for recipient in recipients:
            self._inbox[recipient].extend(
                {"endpoint": endpoint, "message": message, "request_id": request_id, "at": at}
                for message in messages
            )
        if endpoint != "reply" and recipients:
            self._usage.append((at, len(recipients)))
            # whoever LINE delivered to follows the account, so later broadcasts reach them too
            self._friends.update(r for r in recipients if USER_ID.fullmatch(r))
        return sent

    def _line_reply(self, request, request_id):
        body = self._valid_body(request, "ReplyMessageRequest")
        token = body["replyToken"]
        with self._lock:
            minted = self._reply_tokens.pop(token, None)
            refused = token in self._spent_reply_tokens or (minted and self._clock() > minted[1])
            # spent even when expired, so a second try is not taken for a token we never minted
            self._spent_reply_tokens.add(token)
            if refused:
                raise LineError(400, INVALID_REPLY_TOKEN)
            sent = self._deliver("reply", [minted[0] if minted else None], body["messages"], request_id)
        return json_response(200, {"sentMessages": sent})

    def _line_push(self, request, request_id):
        key = self._retry_key(request)
        body = self._valid_body(request, "PushMessageRequest")
        if not CHAT_ID.fullmatch(body["to"]):
            raise LineError(400, "The property, 'to', in the request body is invalid (line: -, column: -)")
        with self._lock:
            self._refuse_accepted_retry_key(key, with_sent_messages=True)
            if body["to"] in self._blocked:
                raise LineError(400, "Failed to send messages")
            self._refuse_over_quota(1)
            sent = self._deliver("push", [body["to"]], body["messages"], request_id)
            if key:
                self._retry_keys[key] = AcceptedRetryKey(request_id, self._clock(), sent)
        return json_response(200, {"sentMessages": sent})

    def _line_multicast(self, request, request_id):
        key = self._retry_key(request)
        body = self._valid_body(request, "MulticastRequest")
        with self._lock:
            self._refuse_accepted_retry_key(key, with_sent_messages=False)
            # LINE skips users who blocked the account and sends to the rest
            recipients = [user for user in dict.fromkeys(body["to"]) if user not in self._blocked]
            self._refuse_over_quota(len(recipients))
            sent = self._deliver("multicast", recipients, body["messages"], request_id)
            if key:
                self._retry_keys[key] = AcceptedRetryKey(request_id, self._clock(), sent)
        return json_response(200, {})

    def _line_broadcast(self, request, request_id):
        key = self._retry_key(request)
        body = self._valid_body(request, "BroadcastRequest")
        with self._lock:
            self._refuse_accepted_retry_key(key, with_sent_messages=False)
            recipients = sorted(self._friends - self._blocked)
            sent = self._deliver("broadcast", recipients, body["messages"], request_id)
            if key:
                self._retry_keys[key] = AcceptedRetryKey(request_id, self._clock(), sent)
        return json_response(200, {})

    def _line_loading(self, request, request_id):
        self._valid_body(request, "ShowLoadingAnimationRequest")
        return json_response(202, {})

    def _line_profile(self, request, request_id, user_id):
        with self._lock:
            if not USER_ID.fullmatch(user_id) or user_id in self._blocked:
                raise LineError(404, STATUS_MESSAGES[404])
            profile = self._profiles.get(user_id) or {
                "displayName": DEFAULT_DISPLAY_NAME,
                "userId": user_id,
                "language": "th",
            }
        return json_response(200, profile)

    def _line_content(self, request, request_id, message_id):
        with self._lock:
            content = self._content.get(message_id)
        if content is None:
            raise LineError(404, STATUS_MESSAGES[404])
        data, content_type = content
        return Response(data, status=200, content_type=content_type)

    def _line_quota(self, request, request_id):
        with self._lock:
            quota = self._quota
        return json_response(200, {"type": "none"} if quota is None else {"type": "limited", "value": quota})

    def _line_consumption(self, request, request_id):
        month = _month(self._clock())
        with self._lock:
            total = sum(billed for at, billed in self._usage if _month(at) == month)
        return json_response(200, {"totalUsage": total})

    # ---- control endpoints (/_fake/) ----

    def _control(self, request: Request) -> Response:
        try:
            endpoint, args = CONTROL_ROUTES.bind_to_environ(request.environ).match()
            return getattr(self, f"_control_{endpoint}")(request, **args)
        except HTTPException as error:
            return json_response(error.code, {"message": error.name})
        except (ValueError, KeyError, TypeError) as error:
            return json_response(400, {"message": f"Bad control request: {error!r}"})

    def _control_inbox(self, request, user_id):
        return json_response(200, self.received(user_id))

    def _control_requests(self, request):
        return json_response(200, self.requests())

    def _control_reply_tokens(self, request):
        return json_response(
            200, {"replyToken": self.issue_reply_token(request.get_json(force=True)["userId"])}
        )

    def _control_profiles(self, request):
        body = request.get_json(force=True)
        self.set_profile(
            body["userId"], body["displayName"], body.get("language", "th"), body.get("pictureUrl")
        )
        return json_response(200, body)

    def _control_blocked(self, request):
        user_id = request.get_json(force=True)["userId"]
        self.block(user_id)
        return json_response(200, {"userId": user_id, "blocked": True})

    def _control_content(self, request, message_id):
        data = request.get_data()
        self.put_content(message_id, data, request.content_type or "application/octet-stream")
        return json_response(200, {"messageId": message_id, "size": len(data)})

    def _control_faults(self, request):
        if request.method == "DELETE":
            self.clear_faults()
            return json_response(200, {})
        body = request.get_json(force=True)
        self.inject(
            body.get("status"),
            body.get("count"),
            body.get("seconds"),
            body.get("latencyMs", 0),
            body.get("paths"),
            body.get("after", False),
            body.get("body"),
        )
        return json_response(200, body)

    def _control_limits(self, request):
        if request.method == "DELETE":
            self.unlimit()
            return json_response(200, {})
        body = request.get_json(force=True)
        self.limit(body.get("ceilings"), body.get("quota"))
        return json_response(200, body)

    def _control_reset(self, request):
        self.reset()
        return json_response(200, {})


# ======== rich menus and the simulator's controls (issue 9): all in fake_line_rich_menus.py; only wired here ====
from infra.local import fake_line_rich_menus as _rich_menus  # noqa: E402

LINE_PROPERTY_LIMITS.update(_rich_menus.PROPERTY_LIMITS)
LINE_REQUIRED.update(_rich_menus.REQUIRED)
REQUEST_SCHEMAS += _rich_menus.REQUEST_SCHEMAS
for _rule in _rich_menus.LINE_RULES:
    LINE_ROUTES.add(_rule)
for _rule in _rich_menus.CONTROL_RULES:
    CONTROL_ROUTES.add(_rule)
FakeLine = _rich_menus.with_rich_menus(FakeLine)
