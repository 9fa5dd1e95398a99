"""The fake LINE's rich menus, and what the chat simulator reads of a chat: mixed into FakeLine by the block at
the end of fake_line.py (kept apart so changes to sending and to menus do not meet in one file).

LINE's endpoints, as strict as the rest of the fake (anything it accepts, LINE would accept):
- `POST /v2/bot/richmenu/validate`, `POST /v2/bot/richmenu`: the body is checked against the spec's
  RichMenuRequest, with what LINE requires and the spec leaves out: size, selected, name, chatBarText and
  areas all present; name 1..300 and chatBarText 1..14 characters; 1..20 areas; width 800..2500, height
  ≥ 250 and width ÷ height ≥ 1.45; every area inside the menu; action labels ≤ 20 and displayText ≤ 300
  characters; no camera, camera roll or location action (quick replies only). At most RICH_MENU_LIMIT
  (1,000) menus a channel: one more is refused.
- `POST /v2/bot/richmenu/{id}/content` (api-data): PNG or JPEG, at most 1 MB, of the menu's own size,
  once per menu (LINE never replaces a menu's image). `GET` the same path downloads it.
- `GET /v2/bot/richmenu/{id}`, `GET /v2/bot/richmenu/list`, `DELETE /v2/bot/richmenu/{id}` (the default is
  unset when its menu is deleted).
- `POST /v2/bot/user/all/richmenu/{id}` sets the default (refused until the menu has its image);
  `GET /v2/bot/user/all/richmenu` reads it (404 when none); `DELETE` cancels it.
Not emulated: per-user menus (link/unlink, bulk, batch) and aliases; nothing here calls them.

Controls (under /_fake/, like the others): `GET rich-menu` (the default menu as a phone shows it, with its
`imageUrl`), `GET rich-menu/{id}/image`, `GET loading/{userId}` (the chat's loading animation: started, until,
the fake's now), `POST unblocked {"userId"}` (the citizen unblocked the account).
"""

import io
import re
import uuid

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

RICH_MENU_LIMIT = 1000
MAX_IMAGE_BYTES = 1_000_000
MAX_AREAS = 20
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
QUICK_REPLY_ONLY_ACTIONS = {"camera", "cameraRoll", "location"}
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
NO_DEFAULT = "no default richmenu"
IMAGE_ALREADY_UPLOADED = "An image has already been uploaded to the richmenu"
IMAGE_MISSING = "must upload richmenu image before applying it to user"
IMAGE_PATH = re.compile(r"/v2/bot/richmenu/[^/]+/content")

REQUEST_SCHEMAS = ("RichMenuRequest",)
PROPERTY_LIMITS = {
    ("RichMenuRequest", "name"): {"minLength": 1},
    ("RichMenuRequest", "chatBarText"): {"minLength": 1},
    ("RichMenuRequest", "areas"): {"minItems": 1, "maxItems": MAX_AREAS},
}
REQUIRED = {
    "RichMenuRequest": ["size", "selected", "name", "chatBarText", "areas"],
    "RichMenuSize": ["width", "height"],
    "RichMenuArea": ["bounds", "action"],
    "RichMenuBounds": ["x", "y", "width", "height"],
}
LINE_RULES = [
    Rule("/v2/bot/richmenu/validate", methods=["POST"], endpoint="rich_menu_validate"),
    Rule("/v2/bot/richmenu", methods=["POST"], endpoint="rich_menu_create"),
    Rule("/v2/bot/richmenu/list", methods=["GET"], endpoint="rich_menu_list"),
    Rule("/v2/bot/richmenu/<rich_menu_id>", methods=["GET", "DELETE"], endpoint="rich_menu"),
    Rule("/v2/bot/richmenu/<rich_menu_id>/content", methods=["GET", "POST"], endpoint="rich_menu_image"),
    Rule("/v2/bot/user/all/richmenu/<rich_menu_id>", methods=["POST"], endpoint="rich_menu_set_default"),
    Rule("/v2/bot/user/all/richmenu", methods=["GET", "DELETE"], endpoint="rich_menu_default"),
]
CONTROL_RULES = [
    Rule("/_fake/rich-menu", methods=["GET"], endpoint="rich_menu"),
    Rule("/_fake/rich-menu/<rich_menu_id>/image", methods=["GET"], endpoint="rich_menu_image"),
    Rule("/_fake/loading/<user_id>", methods=["GET"], endpoint="loading"),
    Rule("/_fake/unblocked", methods=["POST"], endpoint="unblocked"),
]


def _line():
    # fake_line imports this module at its end; reaching back at call time keeps either import order working.
    from infra.local import fake_line

    return fake_line


def _error(status: int, message: str, details=None):
    return _line().LineError(status, message, details)


def _detail(message: str, prop: str) -> dict:
    return {"message": message, "property": prop}


def menu_limits(body: dict) -> list[dict]:
    """LINE's rules on a rich-menu object that the spec does not state (after the schema has passed)."""
    details = []
    width, height = body["size"]["width"], body["size"]["height"]
    if not 800 <= width <= 2500:
        details.append(_detail("Must be between 800 and 2500", "size.width"))
    if height < 250:
        details.append(_detail("Must be at least 250", "size.height"))
    if height and width / height < 1.45:
        details.append(_detail("The aspect ratio (width / height) must be at least 1.45", "size"))
    for i, area in enumerate(body["areas"]):
        bounds, action = area["bounds"], area["action"]
        if bounds["x"] + bounds["width"] > width or bounds["y"] + bounds["height"] > height:
            details.append(_detail("The area must be inside the rich menu", f"areas[{i}].bounds"))
        if len(action.get("label", "")) > MAX_LABEL:
            details.append(_detail(f"Length must be between 0 and {MAX_LABEL}", f"areas[{i}].action.label"))
        if len(action.get("displayText", "")) > MAX_DISPLAY_TEXT:
            details.append(_detail(f"Length must be between 0 and {MAX_DISPLAY_TEXT}",
                                   f"areas[{i}].action.displayText"))
        if action["type"] in QUICK_REPLY_ONLY_ACTIONS:
            details.append(_detail("This action can be used only in quick reply buttons", f"areas[{i}].action.type"))
    return details


class RichMenus:
    """FakeLine's rich-menu endpoints and simulator controls (see the module docstring)."""

    rich_menu_limit = RICH_MENU_LIMIT

    def reset(self):
        super().reset()
        with self._lock:
            self._rich_menus = {}  # id → {"menu": RichMenuResponse dict, "image": bytes | None, "type": str | None}
            self._default_rich_menu = None
            self._loading = {}  # chat → (started at, until), by clock

    # ---- LINE endpoints ----

    def _valid_rich_menu(self, request: Request) -> dict:
        body = self._valid_body(request, "RichMenuRequest")
        details = menu_limits(body)
        if details:
            raise _error(400, f"The request body has {len(details)} error(s)", details)
        return body

    def _found(self, rich_menu_id: str) -> dict:
        """The menu, with the lock held by the caller; LINE's 404 when there is none."""
        found = self._rich_menus.get(rich_menu_id)
        if found is None:
            raise _error(404, _line().STATUS_MESSAGES[404])
        return found

    def _line_rich_menu_validate(self, request, request_id):
        self._valid_rich_menu(request)
        return _line().json_response(200, {})

    def _line_rich_menu_create(self, request, request_id):
        body = self._valid_rich_menu(request)
        with self._lock:
            if len(self._rich_menus) >= self.rich_menu_limit:
                raise _error(400, f"The number of rich menus exceeds the limit ({self.rich_menu_limit})")
            rich_menu_id = f"richmenu-{uuid.uuid4().hex}"
            self._rich_menus[rich_menu_id] = {"menu": {"richMenuId": rich_menu_id, **body}, "image": None,
                                              "type": None}
        return _line().json_response(200, {"richMenuId": rich_menu_id})

    def _line_rich_menu_list(self, request, request_id):
        with self._lock:
            menus = [dict(found["menu"]) for found in self._rich_menus.values()]
        return _line().json_response(200, {"richmenus": menus})

    def _line_rich_menu(self, request, request_id, rich_menu_id):
        with self._lock:
            found = self._found(rich_menu_id)
            if request.method == "GET":
                return _line().json_response(200, dict(found["menu"]))
            del self._rich_menus[rich_menu_id]
            if self._default_rich_menu == rich_menu_id:
                self._default_rich_menu = None  # as LINE: deleting the default menu unsets it
        return _line().json_response(200, {})

    def _line_rich_menu_image(self, request, request_id, rich_menu_id):
        if request.method == "GET":
            with self._lock:
                found = self._found(rich_menu_id)
            if found["image"] is None:
                raise _error(404, _line().STATUS_MESSAGES[404])
            return Response(found["image"], status=200, content_type=found["type"])
        content_type = (request.mimetype or "").lower()
        if content_type not in IMAGE_TYPES:
            raise _error(415, "The Content-Type must be image/png or image/jpeg")
        data = request.get_data()
        if len(data) > MAX_IMAGE_BYTES:
            raise _error(413, "The image must be at most 1 MB")
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                kind, size = image.format, image.size
        except Exception:  # Pillow raises many kinds for a file that is not an image
            kind, size = None, None
        if kind != IMAGE_TYPES[content_type]:
            raise _error(400, f"The image is not a valid {content_type} file")
        with self._lock:
            found = self._found(rich_menu_id)
            expected = (found["menu"]["size"]["width"], found["menu"]["size"]["height"])
            if size != expected:
                raise _error(400, f"The image is {size[0]}×{size[1]}; the rich menu is {expected[0]}×{expected[1]}")
            if found["image"] is not None:
                raise _error(400, IMAGE_ALREADY_UPLOADED)
            found["image"], found["type"] = data, content_type
        return _line().json_response(200, {})

    def _line_rich_menu_set_default(self, request, request_id, rich_menu_id):
        with self._lock:
            if self._found(rich_menu_id)["image"] is None:
                raise _error(400, IMAGE_MISSING)
            self._default_rich_menu = rich_menu_id
        return _line().json_response(200, {})

    def _line_rich_menu_default(self, request, request_id):
        with self._lock:
            if request.method == "DELETE":
                self._default_rich_menu = None
                return _line().json_response(200, {})
            if self._default_rich_menu is None:
                raise _error(404, NO_DEFAULT)
            return _line().json_response(200, {"richMenuId": self._default_rich_menu})

    def _line_loading(self, request, request_id):
        response = super()._line_loading(request, request_id)
        body = request.get_json(force=True)
        now = self._clock()
        with self._lock:
            self._loading[body["chatId"]] = (now, now + body.get("loadingSeconds", 20))
        return response

    def _record_request(self, request, response, request_id):
        super()._record_request(request, response, request_id)
        if request.method == "POST" and IMAGE_PATH.fullmatch(request.path):
            with self._lock:  # an image is bytes: the log keeps its type and size, not the bytes
                for entry in reversed(self._requests):
                    if entry["request_id"] == request_id:
                        entry["body"] = {"contentType": request.mimetype, "bytes": len(request.get_data())}
                        break

    # ---- what tests and the simulator read ----

    def default_rich_menu(self) -> dict | None:
        """The default menu (as LINE's GET answers it), or None."""
        with self._lock:
            found = self._rich_menus.get(self._default_rich_menu or "")
            return dict(found["menu"]) if found else None

    def rich_menu_image(self, rich_menu_id: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._rich_menus.get(rich_menu_id)
            return (found["image"], found["type"]) if found and found["image"] is not None else None

    def rich_menus(self) -> list[dict]:
        with self._lock:
            return [dict(found["menu"]) for found in self._rich_menus.values()]

    def unblock(self, user_id: str) -> None:
        with self._lock:
            self._blocked.discard(user_id)

    # ---- controls ----

    def _control_rich_menu(self, request):
        menu = self.default_rich_menu()
        if menu is None:
            return _line().json_response(404, {"message": NO_DEFAULT})
        return _line().json_response(200, {**menu, "imageUrl": f"rich-menu/{menu['richMenuId']}/image"})

    def _control_rich_menu_image(self, request, rich_menu_id):
        image = self.rich_menu_image(rich_menu_id)
        if image is None:
            return _line().json_response(404, {"message": "Not found"})
        return Response(image[0], status=200, content_type=image[1], headers={"Cache-Control": "max-age=3600"})

    def _control_loading(self, request, user_id):
        now = self._clock()
        with self._lock:
            started, until = self._loading.get(user_id, (None, None))
        return _line().json_response(200, {"chatId": user_id, "startedAt": started, "until": until, "now": now})

    def _control_unblocked(self, request):
        user_id = request.get_json(force=True)["userId"]
        self.unblock(user_id)
        return _line().json_response(200, {"userId": user_id, "blocked": False})


def with_rich_menus(base: type) -> type:
    """FakeLine with the rich menus mixed in, under the same name and module."""
    return type(base.__name__, (RichMenus, base), {"__module__": base.__module__, "__doc__": base.__doc__,
                                                   "__qualname__": base.__qualname__})
