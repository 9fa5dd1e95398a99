"""The LINE chat simulator at /simulator on the local stack: static files (static/) and one helper, served by a
small WSGI app that infra/local/devstack.py mounts beside the fake LINE.

The page is the LINE app of one or several citizens: it posts real signed webhooks to the stack's own
`/line/webhook` (the path LINE uses) and reads what the fake LINE received (`/_line/_fake/inbox/<userId>`,
its rich menu, loading and profile controls). It never reaches the workers any other way.

Endpoints (under /simulator):
- `GET /` and the static files: the page (no build step: plain ES modules and CSS).
- `GET /fonts/<file>.ttf`: Sarabun from the `fontpkg-sarabun` package, so Thai reads on a machine without
  Thai fonts (the rich menu is drawn in the same font).
- `GET /config`: the agency and the webhook's destination, for the page's header and events.
- `POST /sign`: the `x-line-signature` of the posted bytes with the channel secret (what LINE computes). Only
  for this machine: the Host must be loopback, a cross-site Origin is refused, and the body must be JSON
  sent as application/json (so another web page cannot make the browser call it without a CORS
  preflight, which this app never answers).
"""

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

from civic.settings import settings
from civic.signature import sign

STATIC = Path(__file__).resolve().parent / "static"
DESTINATION = "U" + "0" * 32  # the bot's user id in webhook bodies (the local channel has no real one)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1_000_000  # what the webhook route accepts, too
FONTS = ("Regular", "Medium", "Bold")

mimetypes.add_type("text/javascript", ".js")  # some systems map .js to text/plain, which browsers refuse as a module

ROUTES = Map([
    Rule("/", methods=["GET"], endpoint="page"),
    Rule("/config", methods=["GET"], endpoint="config"),
    Rule("/sign", methods=["POST"], endpoint="sign"),
    Rule("/fonts/Sarabun-<weight>.ttf", methods=["GET"], endpoint="font"),
    Rule("/<path:path>", methods=["GET"], endpoint="static"),
], strict_slashes=False)


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def _same_machine(request: Request) -> str | None:
    """Why a signing request is refused, or None when it comes from this machine's own page."""
    if urlsplit(f"//{request.host}").hostname not in LOOPBACK:
        return "the simulator signs only for this machine (Host must be 127.0.0.1 or localhost)"
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != f"{request.scheme}://{request.host}":
        return "signing is refused for another site's page"
    if request.mimetype != "application/json":
        return "the body to sign must be sent as application/json"
    return None


class Simulator:
    """The WSGI app. `channel_secret()` is read at each signing (the stack may rotate it)."""

    def __init__(self, channel_secret: Callable[[], str]):
        self.channel_secret = channel_secret

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = MAX_BODY
        if not environ.get("PATH_INFO"):
            return redirect(f"{request.script_root}/")(environ, start_response)  # relative URLs need the slash
        try:
            endpoint, args = ROUTES.bind_to_environ(environ).match()
            response = getattr(self, f"_{endpoint}")(request, **args)
        except HTTPException as error:
            response = _json(error.code or 500, {"message": error.description})
        response.headers["Cache-Control"] = "no-store"  # a tester who pulls new code sees it at once
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response(environ, start_response)

    def _page(self, request):
        return send_from_directory(STATIC, "index.html", request.environ)

    def _static(self, request, path):
        return send_from_directory(STATIC, path, request.environ)

    def _font(self, request, weight):
        if weight not in FONTS:
            raise NotFound()
        import fontpkg_sarabun

        return send_from_directory(fontpkg_sarabun.ROOT / "files", f"Sarabun-{weight}.ttf", request.environ)

    def _config(self, request):
        return _json(200, {"agency": settings().agency_id, "destination": DESTINATION, "webhook": "/line/webhook",
                           "line": "/_line"})

    def _sign(self, request):
        refused = _same_machine(request)
        if refused:
            return _json(403, {"message": refused})
        body = request.get_data()
        try:
            json.loads(body)
        except ValueError:
            return _json(400, {"message": "the body to sign is not JSON"})
        return _json(200, {"signature": sign(self.channel_secret(), body)})


def mounts(channel_secret: Callable[[], str]) -> dict:
    """What the local stack mounts for the simulator: {prefix: WSGI app}."""
    return {"/simulator": Simulator(channel_secret)}
