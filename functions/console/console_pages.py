"""ConsolePages: the staff console (/console) and the public dashboard (/dashboard) as static files bundled with
this function, and the console's generated config.json. Reads nothing but its own folder."""

import base64
import json
import mimetypes
import os
from pathlib import Path
from urllib.parse import urlparse

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths

logger = Logger(service="console-pages")
STATIC = (Path(__file__).parent / "static").resolve()
SITES = ("console", "dashboard")
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
              ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8",
              ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
              ".map": "application/json; charset=utf-8"}
BINARY_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff"}
# Demo staff of the local stack (infra/local/demo): two agencies, each role; the local IdP signs any of them.
DEMO_AGENCIES = {"demo-municipality": ("เทศบาลตัวอย่าง", "Demo Municipality"), "other-city": ("เมืองอื่น", "Other City")}
DEMO_ROLES = {"officer": "เจ้าหน้าที่", "supervisor": "หัวหน้างาน", "admin": "ผู้ดูแลระบบ"}


def _chat_photo_hosts(region: str) -> list[str]:
    """Where the chat photos' links point (presigned S3 GETs, civic.handover.media): the chat media bucket's hosts
    on AWS, or the local stack's S3 (its moto server). Only those: no other bucket, no other S3 host."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        parsed = urlparse(endpoint)
        return [f"{parsed.scheme}://{parsed.netloc}"] if parsed.scheme in ("http", "https") and parsed.netloc else []
    bucket = os.environ.get("CHAT_MEDIA_BUCKET", "")
    if not bucket:
        return []
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]


def _csp() -> str:
    region = os.environ.get("AWS_REGION", "ap-southeast-1")
    photos = "".join(f" {host}" for host in _chat_photo_hosts(region))
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data: blob: https://*.tile.openstreetmap.org{photos}; "
            f"connect-src 'self' https://cognito-idp.{region}.amazonaws.com; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")


def _headers(content_type: str, cache: str) -> dict:
    return {"content-type": content_type, "cache-control": cache, "content-security-policy": _csp(),
            "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


def _is_local() -> bool:
    host = urlparse(os.environ.get("AWS_ENDPOINT_URL", "")).hostname
    return host in ("127.0.0.1", "localhost")


def config() -> dict:
    """What the console needs to sign staff in: the local IdP's demo staff, or the Cognito pool."""
    if _is_local():
        staff = [{"agency": agency, "role": role, "name": f"{role_th} {names[0]} / {role} {names[1]}",
                  "sub": f"{agency}-{role}"}
                 for agency, names in DEMO_AGENCIES.items() for role, role_th in DEMO_ROLES.items()]
        return {"auth": "local", "token_url": "/_local/token", "staff": staff}
    return {"auth": "cognito", "region": os.environ.get("AWS_REGION", ""),
            "user_pool_id": os.environ.get("CONSOLE_USER_POOL_ID", ""),
            "client_id": os.environ.get("CONSOLE_CLIENT_ID", "")}


def _not_found() -> dict:
    return {"statusCode": 404, "headers": _headers("text/plain; charset=utf-8", "no-cache"), "body": "Not Found"}


def _file(site: str, rest: str) -> Path | None:
    """The bundled file a path names, or None (unknown, hidden, or outside the site's folders)."""
    parts = [part for part in rest.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") or "\\" in part or "\x00" in part for part in parts):
        return None
    base = STATIC / "vendor" if parts[:1] == ["vendor"] else STATIC / site
    parts = parts[1:] if parts[:1] == ["vendor"] else parts
    target = (base.joinpath(*parts) if parts else base).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def serve(path: str) -> dict:
    site, _, rest = path.strip("/").partition("/")
    if site not in SITES:
        return _not_found()
    if path.rstrip("/") == f"/{site}" and not path.endswith("/"):  # relative links need the trailing slash
        return {"statusCode": 301, "headers": {**_headers("text/plain; charset=utf-8", "no-cache"),
                                               "location": f"/{site}/"}, "body": ""}
    if site == "console" and rest == "config.json":
        return {"statusCode": 200, "headers": _headers(TEXT_TYPES[".json"], "no-cache"),
                "body": json.dumps(config(), ensure_ascii=False)}
    target = _file(site, rest)
    if target is None:
        return _not_found()
    suffix = target.suffix.lower()
    cache = "no-cache" if suffix in (".html", ".json") else "public, max-age=300"
    if suffix in BINARY_TYPES:
        return {"statusCode": 200, "headers": _headers(BINARY_TYPES[suffix], cache), "isBase64Encoded": True,
                "body": base64.b64encode(target.read_bytes()).decode()}
    content_type = TEXT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return {"statusCode": 200, "headers": _headers(content_type, cache), "body": target.read_text(encoding="utf-8")}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context) -> dict:
    return serve(event.get("rawPath") or "/")
