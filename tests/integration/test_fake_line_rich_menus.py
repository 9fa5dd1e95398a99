"""The fake LINE's rich-menu endpoints and the simulator's controls, through line-bot-sdk v3 over real HTTP where the
SDK can build the request, and raw HTTP where it would refuse to (infra/local/fake_line_rich_menus.py)."""

import io
import json
import threading

import pytest
from linebot.v3.messaging import (ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob,
                                  RichMenuRequest)
from PIL import Image
from werkzeug.serving import make_server
from werkzeug.test import Client

from infra.local.fake_line import FakeLine

TOKEN = "local-channel-access-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _menu(width=2500, height=843, **changes) -> dict:
    menu = {"size": {"width": width, "height": height}, "selected": True, "name": "civic-desk:test:0", "chatBarText":
            "เมนู · Menu", "areas": [{"bounds": {"x": 0, "y": 0, "width": width, "height": height},
                                      "action": {"type": "postback", "label": "จองคิว", "data": "1/bk/start",
                                                 "displayText": "จองคิว · Book a queue"}}]}
    return {**menu, **changes}


def _png(width=2500, height=843, kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#0B5CAD").save(out, kind)
    return out.getvalue()


@pytest.fixture
def line():
    return FakeLine(TOKEN)


@pytest.fixture
def raw(line):
    return Client(line)


@pytest.fixture
def sdk(line):
    server = make_server("127.0.0.1", 0, line, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    with ApiClient(Configuration(host=f"http://127.0.0.1:{server.server_port}", access_token=TOKEN)) as client:
        yield MessagingApi(client), MessagingApiBlob(client)
    server.shutdown()
    thread.join()


def test_a_menu_is_created_given_its_image_set_as_default_and_listed(line, sdk):
    """GIVEN a valid menu WHEN validated, created, given its PNG and set as default through the SDK THEN LINE lists
    it, answers its id as the default, and serves the same image back."""
    api, blob = sdk
    api.validate_rich_menu_object(RichMenuRequest.from_dict(_menu()))
    rich_menu_id = api.create_rich_menu(RichMenuRequest.from_dict(_menu())).rich_menu_id
    blob.set_rich_menu_image(rich_menu_id, _png(), _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(rich_menu_id)

    assert [m.rich_menu_id for m in api.get_rich_menu_list().richmenus] == [rich_menu_id]
    assert api.get_default_rich_menu_id().rich_menu_id == rich_menu_id
    assert bytes(blob.get_rich_menu_image(rich_menu_id)) == _png()
    assert line.default_rich_menu()["chatBarText"] == "เมนู · Menu"


@pytest.mark.parametrize("change,where", [
    ({"chatBarText": "เมนูบริการประชาชนทั้งหมด"}, "chatBarText"),
    ({"name": ""}, "name"),
    ({"areas": []}, "areas"),
    ({"size": {"width": 2500, "height": 1800}}, "size"),
    ({"size": {"width": 700, "height": 250}}, "size.width"),
])
def test_a_menu_line_would_refuse_is_refused_with_the_property(raw, change, where):
    """GIVEN a menu breaking one of LINE's rules (chat bar over 14, empty name, no area, too tall, too narrow)
    WHEN validated THEN 400 naming the property."""
    answer = raw.post("/v2/bot/richmenu/validate", json=_menu(**change), headers=AUTH)
    assert answer.status_code == 400
    assert where in [d.get("property") for d in answer.get_json()["details"]]


@pytest.mark.parametrize("action,where", [
    ({"type": "camera", "label": "ถ่ายรูป"}, "areas[0].action.type"),
    ({"type": "postback", "data": "1/bk/start", "label": "ก" * 21}, "areas[0].action.label"),
    ({"type": "postback", "data": "1/bk/start", "displayText": "ก" * 301}, "areas[0].action.displayText"),
])
def test_an_area_action_line_would_refuse_is_refused(raw, action, where):
    """GIVEN an area with a quick-reply-only action, a label over 20 or a displayText over 300 characters WHEN
    created THEN 400 naming it, and no menu is made."""
    menu = _menu()
    menu["areas"][0]["action"] = action
    answer = raw.post("/v2/bot/richmenu", json=menu, headers=AUTH)
    assert answer.status_code == 400 and where in json.dumps(answer.get_json())
    assert raw.get("/v2/bot/richmenu/list", headers=AUTH).get_json() == {"richmenus": []}


def test_an_area_outside_the_menu_and_a_missing_field_are_refused(raw):
    """GIVEN an area reaching past the menu's edge, and a menu without `selected` WHEN validated THEN 400 each."""
    menu = _menu()
    menu["areas"][0]["bounds"]["width"] = 2501
    assert raw.post("/v2/bot/richmenu/validate", json=menu, headers=AUTH).status_code == 400
    menu = _menu()
    del menu["selected"]
    answer = raw.post("/v2/bot/richmenu/validate", json=menu, headers=AUTH)
    assert answer.status_code == 400 and {"message": "Must be specified", "property": "selected"} in \
        answer.get_json()["details"]


def _created(raw) -> str:
    return raw.post("/v2/bot/richmenu", json=_menu(), headers=AUTH).get_json()["richMenuId"]


def test_an_image_is_taken_once_and_only_at_the_menus_size_as_png_or_jpeg(raw):
    """GIVEN a new menu WHEN sent a PNG of another size, a GIF, bytes that only claim to be a PNG, then the right
    PNG, then another THEN refused, refused, refused, accepted, refused (LINE never replaces an image)."""
    rich_menu_id = _created(raw)
    path = f"/v2/bot/richmenu/{rich_menu_id}/content"

    def upload(data, content_type="image/png"):
        return raw.post(path, data=data, headers={**AUTH, "Content-Type": content_type}).status_code

    assert upload(_png(1200, 405)) == 400
    assert upload(_png(kind="GIF"), "image/gif") == 415
    assert upload(b"\x89PNG not really") == 400
    assert upload(_png()) == 200
    assert upload(_png(kind="JPEG"), "image/jpeg") == 400


def test_the_default_needs_an_image_and_goes_when_its_menu_is_deleted(raw):
    """GIVEN a menu without its image WHEN set as default THEN 400; with it, 200; deleting the menu unsets the
    default (404), and deleting it again is 404."""
    rich_menu_id = _created(raw)
    assert raw.post(f"/v2/bot/user/all/richmenu/{rich_menu_id}", headers=AUTH).status_code == 400
    raw.post(f"/v2/bot/richmenu/{rich_menu_id}/content", data=_png(), headers={**AUTH, "Content-Type": "image/png"})
    assert raw.post(f"/v2/bot/user/all/richmenu/{rich_menu_id}", headers=AUTH).status_code == 200
    assert raw.delete(f"/v2/bot/richmenu/{rich_menu_id}", headers=AUTH).status_code == 200
    assert raw.get("/v2/bot/user/all/richmenu", headers=AUTH).status_code == 404
    assert raw.delete(f"/v2/bot/richmenu/{rich_menu_id}", headers=AUTH).status_code == 404


def test_cancelling_the_default_leaves_the_menu(raw):
    """GIVEN a default menu WHEN the default is cancelled THEN no default, and the menu is still listed."""
    rich_menu_id = _created(raw)
    raw.post(f"/v2/bot/richmenu/{rich_menu_id}/content", data=_png(), headers={**AUTH, "Content-Type": "image/png"})
    raw.post(f"/v2/bot/user/all/richmenu/{rich_menu_id}", headers=AUTH)
    assert raw.delete("/v2/bot/user/all/richmenu", headers=AUTH).status_code == 200
    assert raw.get("/v2/bot/user/all/richmenu", headers=AUTH).status_code == 404
    assert raw.get(f"/v2/bot/richmenu/{rich_menu_id}", headers=AUTH).get_json()["richMenuId"] == rich_menu_id


def test_one_menu_over_the_channels_limit_is_refused(line, raw):
    """GIVEN a channel at its limit of menus WHEN one more is created THEN 400, and none is added."""
    line.rich_menu_limit = 2
    _created(raw), _created(raw)
    answer = raw.post("/v2/bot/richmenu", json=_menu(), headers=AUTH)
    assert answer.status_code == 400 and "limit" in answer.get_json()["message"]
    assert len(line.rich_menus()) == 2


def test_rich_menu_calls_need_the_channel_token(raw):
    """GIVEN no token WHEN the list is read THEN 401, as for every LINE endpoint."""
    assert raw.get("/v2/bot/richmenu/list").status_code == 401


def test_the_request_log_keeps_an_images_type_and_size_not_its_bytes(line, raw):
    """GIVEN an image upload WHEN the fake's request log is read THEN the entry says image/png and its size."""
    rich_menu_id = _created(raw)
    raw.post(f"/v2/bot/richmenu/{rich_menu_id}/content", data=_png(), headers={**AUTH, "Content-Type": "image/png"})
    (upload,) = [r for r in line.requests() if r["path"].endswith("/content")]
    assert upload["body"] == {"contentType": "image/png", "bytes": len(_png())}


def test_the_simulator_controls_show_the_default_menu_and_its_image(raw):
    """GIVEN no default, then a default menu WHEN the controls are read THEN 404, then the menu with its imageUrl,
    and that URL serves the image."""
    assert raw.get("/_fake/rich-menu").status_code == 404
    rich_menu_id = _created(raw)
    raw.post(f"/v2/bot/richmenu/{rich_menu_id}/content", data=_png(), headers={**AUTH, "Content-Type": "image/png"})
    raw.post(f"/v2/bot/user/all/richmenu/{rich_menu_id}", headers=AUTH)
    shown = raw.get("/_fake/rich-menu").get_json()
    assert shown["richMenuId"] == rich_menu_id and shown["areas"][0]["action"]["data"] == "1/bk/start"
    image = raw.get(f"/_fake/{shown['imageUrl']}")
    assert image.status_code == 200 and image.data == _png() and image.mimetype == "image/png"


def test_the_loading_control_tells_until_when_the_animation_shows(raw):
    """GIVEN the bot started the loading animation for 10 s in a chat WHEN the control is read THEN it says when it
    started and that it lasts until 10 s later, by the fake's clock; another chat has none."""
    chat, other = "U" + "1" * 32, "U" + "2" * 32
    assert raw.post("/v2/bot/chat/loading/start", json={"chatId": chat, "loadingSeconds": 10},
                    headers=AUTH).status_code == 202
    shown = raw.get(f"/_fake/loading/{chat}").get_json()
    assert shown["until"] - shown["startedAt"] == 10 and shown["startedAt"] <= shown["now"]
    assert raw.get(f"/_fake/loading/{other}").get_json()["until"] is None


def test_an_unblocked_citizen_can_be_pushed_again(line, raw):
    """GIVEN a citizen who blocked the account WHEN the unblocked control is posted THEN a push reaches them."""
    user = "U" + "3" * 32
    line.block(user)
    push = {"to": user, "messages": [{"type": "text", "text": "สวัสดี"}]}
    assert raw.post("/v2/bot/message/push", json=push, headers=AUTH).status_code == 400
    assert raw.post("/_fake/unblocked", json={"userId": user}).status_code == 200
    assert raw.post("/v2/bot/message/push", json=push, headers=AUTH).status_code == 200


def test_a_reset_forgets_every_menu_and_the_default(line, raw):
    """GIVEN a menu WHEN the fake is reset THEN no menu and no default."""
    _created(raw)
    line.reset()
    assert line.rich_menus() == [] and line.default_rich_menu() is None


def test_the_sdk_reports_a_missing_default_as_404(sdk):
    """GIVEN no default WHEN the SDK reads it THEN ApiException 404 (what civic.line_api reads as "none")."""
    api, _ = sdk
    with pytest.raises(ApiException) as refused:
        api.get_default_rich_menu_id()
    assert refused.value.status == 404
