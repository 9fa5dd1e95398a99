"""Serve the template's HttpApi routes to their handlers as API Gateway HTTP API (payload format 2.0) does."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .auth import InvalidToken, TokenAuthority
from .runtime import FunctionSpec, LambdaRuntime  # or processes.RemoteRuntime: the same interface
from .template import ACCOUNT_ID, Template, TemplateError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
IMPLICIT_API = "ServerlessHttpApi"  # the API SAM creates for HttpApi events without ApiId
DEFAULT_ROUTE = "$default"
# HTTP APIs pass these bodies as text and base64-encode every other content type.
_TEXT_CONTENT = re.compile(r"^(text/.*|application/(.+\+)?json|application/(.+\+)?xml|application/javascript)$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class JwtAuthorizer:
    name: str
    header: str  # lower-case name of the header that carries the token


@dataclass(frozen=True)
class Route:
    method: str  # an HTTP method, or ANY
    path: str  # as in the template, e.g. /agency/bookings/{bookingId}, or $default
    function_id: str
    api_id: str
    authorizer: JwtAuthorizer | None

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"

    def specificity(self) -> tuple[Any, ...]:
        """API Gateway prefers literal segments to {param}, {param} to {proxy+}, a method to ANY; $default last."""
        kinds = tuple(2 if s.endswith("+}") else 1 if s.startswith("{") else 0 for s in self.path.split("/"))
        return (self.path == DEFAULT_ROUTE, kinds, self.method == "ANY")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        if self.path == DEFAULT_ROUTE:
            return {}
        names, pattern = _path_pattern(self.path)
        found = pattern.fullmatch(path)
        return dict(zip(names, found.groups())) if found else None


@lru_cache(maxsize=None)
def _path_pattern(path: str) -> tuple[list[str], re.Pattern[str]]:
    names, parts = [], []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            names.append(segment[1:-2])
            parts.append("(.+)")
        elif segment.startswith("{") and segment.endswith("}"):
            names.append(segment[1:-1])
            parts.append("([^/]+)")
        else:
            parts.append(re.escape(segment))
    return names, re.compile("/".join(parts))


def routes_from_template(template: Template, functions: dict[str, FunctionSpec]) -> list[Route]:
    apis = {IMPLICIT_API: template.resolve(template.global_properties("HttpApi"))}
    for logical_id, resource in template.active_resources("AWS::Serverless::HttpApi").items():
        apis[logical_id] = template.resolve(resource["Properties"])
    authorizers = {api_id: _authorizers(api_id, props) for api_id, props in apis.items()}

    routes: dict[tuple[str, str], Route] = {}
    for spec in functions.values():
        for event_name, event in spec.events.items():
            if event.get("Type") == "Api":
                log.info("%s.%s: REST Api events are not served locally (use HttpApi)", spec.logical_id, event_name)
            if event.get("Type") != "HttpApi":
                continue
            raw = dict(event.get("Properties") or {})
            api_ref = raw.pop("ApiId", None)
            api_id = api_ref["Ref"] if isinstance(api_ref, dict) and "Ref" in api_ref else IMPLICIT_API
            if api_id not in apis:
                raise TemplateError(f"{spec.logical_id}.{event_name}: ApiId {api_ref} is not an HttpApi here")
            props = template.resolve(raw)
            if str(props.get("PayloadFormatVersion", "2.0")) != "2.0":
                raise TemplateError(f"{spec.logical_id}.{event_name}: only payload format 2.0 is served locally")
            path = props.get("Path", DEFAULT_ROUTE)
            method = "ANY" if path == DEFAULT_ROUTE else str(props.get("Method", "ANY")).upper()
            method = "ANY" if method == "X-AMAZON-APIGATEWAY-ANY-METHOD" else method
            declared, default = authorizers[api_id]
            name = (props.get("Auth") or {}).get("Authorizer", default)
            if name is not None and name != "NONE" and name not in declared:
                raise TemplateError(f"{spec.logical_id}.{event_name}: authorizer {name} is not a JWT authorizer "
                                    f"of {api_id} (declared: {sorted(declared)})")
            route = Route(method, path, spec.logical_id, api_id, None if name in (None, "NONE") else declared[name])
            if (method, path) in routes:
                raise TemplateError(f"route {route.route_key} is served by both "
                                    f"{routes[(method, path)].function_id} and {spec.logical_id}")
            routes[(method, path)] = route
    return sorted(routes.values(), key=Route.specificity)


def _authorizers(api_id: str, props: dict[str, Any]) -> tuple[dict[str, JwtAuthorizer], str | None]:
    auth = props.get("Auth") or {}
    declared = {}
    for name, config in (auth.get("Authorizers") or {}).items():
        source = config.get("IdentitySource", "$request.header.Authorization")
        if "JwtConfiguration" not in config or not source.startswith("$request.header."):
            raise TemplateError(f"{api_id}: authorizer {name} must be a JWT authorizer reading a header "
                                "to be emulated locally")
        declared[name] = JwtAuthorizer(name, source.removeprefix("$request.header.").lower())
    return declared, auth.get("DefaultAuthorizer")


class _ApiRequest(Request):
    max_content_length = MAX_BODY_BYTES


class HttpFront:
    """The WSGI app: local helper endpoints under /_local/, then the template's routes."""

    def __init__(
        self,
        routes: list[Route],
        runtime: LambdaRuntime,
        authority: TokenAuthority,
        fire_schedule: Callable[[str, str], Any],
        s3_report: Callable[[str, str, str], None] | None = None,
    ):
        self.routes = routes
        self.runtime = runtime
        self.authority = authority
        self.fire_schedule = fire_schedule
        self.s3_report = s3_report  # moto's S3 in a process of its own reports created objects here

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = _ApiRequest(environ)
        if request.path.startswith("/_local/"):
            response = self._local(request)
        else:
            response = self._route(request)
        return response(environ, start_response)

    # ---- helpers for humans and tests ------------------------------------------------------------------

    def _local(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if parts == ["_local", "health"] and request.method == "GET":
            return _json(200, {"status": "ok"})
        if parts == ["_local", "token"] and request.method == "GET":
            agency, role = request.args.get("agency"), request.args.get("role")
            if not agency or not role:
                return _json(400, {"message": "give ?agency=<agency id>&role=<role>"})
            token = self.authority.issue(agency, role, sub=request.args.get("sub", "local-user"),
                                         expires_in=int(request.args.get("expires_in", 3600)))
            return _json(200, {"token": token, "authorization": f"Bearer {token}"})
        if len(parts) == 4 and parts[:2] == ["_local", "schedules"] and request.method == "POST":
            try:
                result = self.fire_schedule(parts[2], parts[3])
            except KeyError as error:
                return _json(404, {"message": str(error.args[0])})
            return _json(200, {"function": parts[2], "event": parts[3], "result": result})
        if parts == ["_local", "s3-events"] and request.method == "POST" and self.s3_report is not None:
            created = request.get_json(force=True)
            self.s3_report(created["bucket"], created["key"], created["event"])
            return _json(202, {})
        if len(parts) == 3 and parts[:2] == ["_local", "invoke"] and request.method == "POST":
            return self._invoke(parts[2], request)
        return _json(404, {"message": "Not Found"})

    def _invoke(self, function_id: str, request: Request) -> Response:
        """Lambda's Invoke for tools and other processes: RequestResponse answers the result, Event answers 202."""
        if function_id not in self.runtime.functions:
            return _json(404, {"message": f"no function {function_id}"})
        event = json.loads(request.get_data() or b"null")
        if request.headers.get("X-Amz-Invocation-Type") == "Event":
            threading.Thread(target=self._invoke_quietly, args=(function_id, event), daemon=True,
                             name=f"event-{function_id}").start()
            return _json(202, {})
        try:
            return _json(200, self.runtime.invoke(function_id, event))
        except Exception as error:
            log.exception("invoke %s failed", function_id)
            response = _json(200, {"errorType": type(error).__name__, "errorMessage": str(error)})
            response.headers["X-Amz-Function-Error"] = "Unhandled"
            return response

    def _invoke_quietly(self, function_id: str, event: Any) -> None:
        try:
            self.runtime.invoke(function_id, event)
        except Exception:
            log.exception("asynchronous invoke of %s failed", function_id)

    # ---- API Gateway -----------------------------------------------------------------------------------

    def _route(self, request: Request) -> Response:
        began = time.monotonic()
        route, path_parameters = self._match(request.method, request.path)
        if route is None:
            return _json(404, {"message": "Not Found"})
        try:
            body = request.get_data()
        except RequestEntityTooLarge:
            return _json(413, {"message": "Request Entity Too Large"})

        claims = None
        if route.authorizer is not None:
            try:
                claims = self.authority.verify(_bearer(request.headers.get(route.authorizer.header)))
            except InvalidToken as refused:
                log.warning("401 %s %s: %s", request.method, request.path, refused)
                return _json(401, {"message": "Unauthorized"})

        event = _event(request, route, path_parameters, body, claims)
        try:
            response = _response(self.runtime.invoke(route.function_id, event))
        except Exception:
            log.exception("%s %s: %s failed", request.method, request.path, route.function_id)
            response = _json(500, {"message": "Internal Server Error"})
        log.info("%s %s → %s %s (%.0f ms)", request.method, request.path, route.function_id,
                 response.status_code, (time.monotonic() - began) * 1000)
        return response

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            parameters = route.match(method, path)
            if parameters is not None:
                return route, parameters
        if len(path) > 1 and path.endswith("/"):  # API Gateway ignores a trailing slash: /console/ is /console
            return self._match(method, path.rstrip("/"))
        return None, {}


def _bearer(header: str | None) -> str:
    if not header:
        raise InvalidToken("no token")
    # API Gateway accepts the token with or without the Bearer prefix.
    token = header[7:] if header[:7].lower() == "bearer " else header
    if not token.strip():
        raise InvalidToken("no token")
    return token.strip()


def _event(
    request: Request, route: Route, path_parameters: dict[str, str], body: bytes, claims: dict[str, Any] | None
) -> dict[str, Any]:
    environ = request.environ
    raw_path = environ.get("RAW_URI", request.path).split("?", 1)[0]
    raw_query = environ.get("QUERY_STRING", "")
    now = datetime.now(timezone.utc)
    headers = {name.lower(): value for name, value in request.headers.items() if name.lower() != "cookie"}
    headers.setdefault("x-forwarded-for", request.remote_addr or "")
    headers.setdefault("x-forwarded-proto", request.scheme)
    headers.setdefault("x-forwarded-port", str(environ.get("SERVER_PORT", "")))
    domain = request.host

    event: dict[str, Any] = {"version": "2.0", "routeKey": route.route_key, "rawPath": raw_path,
                             "rawQueryString": raw_query}
    cookies = [c.strip() for c in request.headers.get("cookie", "").split(";") if c.strip()]
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    if query:
        event["queryStringParameters"] = query
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": route.api_id,
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "sourceIp": request.remote_addr or "",
            "userAgent": request.headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.route_key,
        "stage": "$default",
        "time": f"{now:%d}/{_MONTHS[now.month - 1]}/{now:%Y:%H:%M:%S} +0000",
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": {k: _claim_string(v) for k, v in claims.items()}, "scopes": None}}
    event["requestContext"] = context
    is_base64 = False
    if body:
        text = _text_body(request.mimetype, body)
        is_base64 = text is None
        event["body"] = base64.b64encode(body).decode() if is_base64 else text
    if path_parameters:
        event["pathParameters"] = path_parameters
    event["isBase64Encoded"] = is_base64
    return event


def _text_body(mimetype: str, body: bytes) -> str | None:
    if not _TEXT_CONTENT.match(mimetype):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _claim_string(value: Any) -> str:
    """API Gateway hands JWT claims to the function as strings; a list becomes "[a b]"."""
    if isinstance(value, list):
        return "[" + " ".join(_claim_string(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _response(result: Any) -> Response:
    """Payload 2.0 response rules: a dict with statusCode is a response; anything else is a 200 JSON body."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(body, status=200, content_type="application/json")
    status = int(result["statusCode"])
    body = result.get("body") or ""
    if not isinstance(body, str):
        raise ValueError(f"the response body must be a string, not {type(body).__name__}")
    payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    headers = Headers({str(name): str(value) for name, value in (result.get("headers") or {}).items()})
    for cookie in result.get("cookies") or []:
        headers.add("Set-Cookie", cookie)
    if "content-type" not in headers:
        headers["Content-Type"] = "application/json"
    return Response(payload, status=status, headers=headers)


def _json(status: int, document: Any) -> Response:
    return Response(json.dumps(document, default=str), status=status, content_type="application/json")


class _QuietRequestHandler(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's signature
        log.log(logging.WARNING if type == "error" else logging.DEBUG, message.rstrip(), *args)


class HttpServer:
    """A threaded werkzeug server bound at construction, so its URL is known before the app is built."""

    def __init__(self, host: str, port: int, app: Callable[..., Iterable[bytes]]):
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True,
                                                   request_handler=_QuietRequestHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="http-front", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=2)
        self._server.server_close()
