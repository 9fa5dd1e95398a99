"""The phone draws every kind of message LINE can carry and sends every kind of event a citizen can: the bot's side is
pushed through the fake LINE's own Messaging API (validated against LINE's spec, as every send is); the citizen's
side is observed where LINE's platform would deliver it, at the stack's /line/webhook."""

import io
import json
import urllib.request

import pytest
from PIL import Image
from playwright.sync_api import expect

from infra.local.simulator.browser import Phone

pytestmark = pytest.mark.e2e


@pytest.fixture
def webhooks(dev, monkeypatch):
    """Every webhook body that reached /line/webhook (the local stack shows each to its fake LINE)."""
    seen: list[dict] = []
    learn = dev.line.learn_webhook
    monkeypatch.setattr(dev.line, "learn_webhook", lambda body: (seen.append(json.loads(body)), learn(body))[1])
    return seen


def _events(webhooks, kind: str) -> list[dict]:
    return [e for body in webhooks for e in body["events"] if e["type"] == kind]


def _as_bot(dev, path: str, body: dict) -> int:
    """Call the fake LINE's Messaging API as the bot does (bearer channel token)."""
    request = urllib.request.Request(f"{dev.url}/_line{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"authorization": f"Bearer {dev.access_token}",
                                              "content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return answer.status


def _bubble(size: str, image: str) -> dict:
    return {"type": "bubble", "size": size, "hero": {"type": "image", "url": image, "size": "full",
                                                     "aspectRatio": "20:13", "aspectMode": "cover"},
            "body": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": f"บับเบิล {size}", "weight": "bold", "size": "xl"},
                {"type": "separator", "margin": "md"},
                {"type": "text", "wrap": True, "contents": [{"type": "span", "text": "สถานะ: "},
                                                             {"type": "span", "text": "เปิด", "color": "#1d5d33"}]}]}}


def test_every_kind_of_message_is_drawn_and_every_kind_of_event_is_sent(page, dev, webhooks):
    """GIVEN a friend WHEN the bot pushes a confirm and a buttons template, a carousel of a mega and a hecto bubble and
    an image, then shows the loading animation, then pushes a text with quick replies THEN each is drawn (the
    bubbles at LINE's 300 and 241 px, the image loaded, every one marked push), the dots show until the text
    comes, and its quick replies are offered; AND WHEN the citizen picks a date,
    shares a place, sends a photo, blocks and unblocks THEN LINE's events reach /line/webhook: a postback with
    the date, a location, an image whose bytes LINE keeps, an unfollow, and a follow marked unblocked."""
    phone = Phone.add(page, "ทดสอบ", "th")
    phone.follow()
    image = f"{dev.url}/_line/_fake/rich-menu/{dev.line.default_rich_menu()['richMenuId']}/image"
    before = phone.count()
    assert _as_bot(dev, "/v2/bot/message/push", {"to": phone.user_id, "messages": [
        {"type": "template", "altText": "ยืนยัน", "template": {"type": "confirm", "text": "ยืนยันนัดหมาย?", "actions": [
            {"type": "message", "label": "ใช่", "text": "ใช่"}, {"type": "message", "label": "ไม่", "text": "ไม่"}]}},
        {"type": "template", "altText": "นัดหมาย", "template": {"type": "buttons", "title": "นัดหมาย", "text": "เลือกวัน",
            "actions": [{"type": "datetimepicker", "label": "เลือกวันนัด", "data": "1/ct/help", "mode": "date",
                         "initial": "2026-12-25", "min": "2026-12-01", "max": "2027-01-31"}]}},
        {"type": "flex", "altText": "บับเบิล", "contents": {"type": "carousel", "contents": [
            _bubble("mega", image), _bubble("hecto", image)]}},
        {"type": "image", "originalContentUrl": image, "previewImageUrl": image}]}) == 200

    phone.wait_for_bot("บับเบิล hecto", before)
    expect(phone.root.locator(".template .actions.confirm button")).to_have_count(2)
    widths = [round(b.bounding_box()["width"]) for b in phone.root.locator(".flex-carousel > .flex-bubble").all()]
    assert widths == [300, 241]
    expect(phone.root.locator(".flex-carousel").first).to_contain_text("สถานะ: เปิด")
    assert phone.root.locator(".entry.bot img.media").evaluate("(img) => img.complete && img.naturalWidth") == 2500
    assert set(phone.root.get_by_test_id("billing").all_inner_texts()) >= {"push · คิดเงิน"}

    assert _as_bot(dev, "/v2/bot/chat/loading/start", {"chatId": phone.user_id, "loadingSeconds": 20}) == 202
    expect(phone.root.get_by_test_id("loading")).to_be_visible()
    _as_bot(dev, "/v2/bot/message/push", {"to": phone.user_id, "messages": [
        {"type": "text", "text": "ส่งอะไรให้เราดีคะ", "quickReply": {"items": [
            {"type": "action", "action": {"type": "location", "label": "ตำแหน่ง"}},
            {"type": "action", "action": {"type": "cameraRoll", "label": "รูปภาพ"}}]}}]})
    expect(phone.root.get_by_test_id("loading")).to_be_hidden()
    expect(phone.root.get_by_test_id("quick-replies").get_by_role("button")).to_have_text(["ตำแหน่ง", "รูปภาพ"])

    phone.root.get_by_test_id("quick-replies").get_by_role("button", name="ตำแหน่ง").click()
    page.click("#place .presets button[data-title='Yala city pillar shrine']")
    page.click("#place button[value=ok]")
    expect(phone.root.get_by_test_id("quick-replies").get_by_role("button", name="ตำแหน่ง")).to_have_count(0)
    phone.tap_button("เลือกวันนัด")
    page.fill("#picker-input", "2026-12-26")
    page.click("#picker button[value=ok]")
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "#c62828").save(photo, "PNG")
    phone.root.locator(".photo-file").set_input_files(
        files=[{"name": "pothole.png", "mimeType": "image/png", "buffer": photo.getvalue()}])
    expect(phone.root.locator(".entry.me img.media")).to_have_count(1)
    phone.root.get_by_test_id("follow").click()  # block
    expect(phone.root.get_by_test_id("follow")).to_have_text("เลิกบล็อก")
    before = phone.count()
    phone.root.get_by_test_id("follow").click()  # unblock: welcomed again
    phone.wait_for_bot("PDPA", before)

    (picked,) = [e for e in _events(webhooks, "postback") if e["postback"].get("params")]
    assert picked["postback"] == {"data": "1/ct/help", "params": {"date": "2026-12-26"}}
    places = [e["message"] for e in _events(webhooks, "message") if e["message"]["type"] == "location"]
    assert [(p["latitude"], p["title"]) for p in places] == [(6.541147, "Yala city pillar shrine")]
    (photo_event,) = [e["message"] for e in _events(webhooks, "message") if e["message"]["type"] == "image"]
    with urllib.request.urlopen(urllib.request.Request(
            f"{dev.url}/_line/v2/bot/message/{photo_event['id']}/content",
            headers={"authorization": f"Bearer {dev.access_token}"})) as kept:  # as the bot fetches it
        assert (kept.read(), kept.headers["Content-Type"]) == (photo.getvalue(), "image/png")
    assert [e["source"]["userId"] for e in _events(webhooks, "unfollow")] == [phone.user_id]
    assert "replyToken" not in _events(webhooks, "unfollow")[0]
    assert [e["follow"] for e in _events(webhooks, "follow") if e["source"]["userId"] == phone.user_id] == [
        {"isUnblocked": False}, {"isUnblocked": True}]
