"""A citizen reaches a person when the bot is not enough, and the FAQ answers around the clock — on the local
stack, through signed webhooks and the agency API, as LINE and staff would (RELIABILITY rows 35, 54)."""

import base64
import io
import json
import time
import urllib.error
import urllib.request

import boto3
import pytest
from PIL import Image

from civic.handover import my_data as handover_data
from civic.handover import staff
from civic.settings import settings
from civic.tables import chats, conversations
from civic.tables import faq as faq_table
from infra.local import webhook_client as wh
from infra.local.devstack import dev_stack
from tests.citizen import Citizen, button, buttons, eventually, words

AGENCY = "demo-municipality"


@pytest.fixture(scope="module")
def dev():
    stack = dev_stack(visibility_scale=0.02)  # seeds the demo municipality's profile and FAQ
    yield stack
    stack.stop()


def _staff(dev, method: str, path: str, body=None, agency: str = AGENCY, role: str = "officer"):
    token = dev.stack.issue_token(agency, role)
    request = urllib.request.Request(f"{dev.url}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _chat_id(dev, citizen: Citizen) -> str:
    def listed():
        """the citizen's chat is in the inbox"""
        status, inbox = _staff(dev, "GET", "/agency/chats")
        return [c["chat_id"] for c in inbox if c["chat_id"].startswith(citizen.user)] if status == 200 else None
    return eventually(listed)[0]


def _asked(dev) -> Citizen:
    citizen = Citizen(dev)
    citizen.follow("ชูใจ")
    citizen.tap("1/ct/consent?v=1")
    (ack,) = citizen.say("ติดต่อเจ้าหน้าที่")
    assert "เจ้าหน้าที่ของเทศบาลตัวอย่าง" in ack["text"] and "1/hd/end" in buttons(ack)
    return citizen


def _send_quietly(dev, citizen: Citizen, make_event) -> None:
    assert wh.post(dev.url, dev.channel_secret, [make_event(dev.line.issue_reply_token(citizen.user))])[0] == 200


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_asking_for_a_person_says_when_staff_answer_and_puts_the_chat_in_the_inbox(dev):
    """GIVEN a citizen WHEN they type "ติดต่อเจ้าหน้าที่" THEN they are told a person of the municipality will answer
    and when (in office hours: within about 15 minutes; outside them: from the next opening), with a way back to
    the menu; the chat waits in the agency's inbox with their consented name."""
    citizen = _asked(dev)
    status, inbox = _staff(dev, "GET", "/agency/chats")
    mine = [c for c in inbox if c["chat_id"].startswith(citizen.user)]
    assert status == 200 and mine[0]["status"] == "waiting" and mine[0]["citizen_name"] == "ชูใจ"
    assert conversations.focus_of(citizen.user) == "handover"


def test_while_staff_have_the_chat_the_bot_is_silent_and_keeps_every_message_in_order(dev):
    """GIVEN a citizen waiting for a person WHEN they send text, a photo, a sticker and even "จองคิว" THEN the bot
    answers none of them, and staff see all four, in order, the photo by a short-lived link (row 54)."""
    citizen = _asked(dev)
    seen = len(dev.line.received(citizen.user))
    photo_id = "700000000000000001"
    dev.line.put_content(photo_id, _png(), "image/png")
    _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "ไฟถนนหน้าบ้านดับมา 3 วันแล้วค่ะ", token))
    _send_quietly(dev, citizen, lambda token: wh.event("message", citizen.user, token,
                                                       message={"type": "image", "id": photo_id,
                                                                "contentProvider": {"type": "line"}}))
    _send_quietly(dev, citizen, lambda token: wh.event("message", citizen.user, token, message={
        "type": "sticker", "id": "700000000000000002", "packageId": "446", "stickerId": "1988",
        "stickerResourceType": "STATIC", "keywords": ["Please"]}))
    _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "จองคิว", token))
    chat_id = _chat_id(dev, citizen)

    def kept():
        """all four messages are kept and counted unread (the message is written before the chat's count)"""
        status, detail = _staff(dev, "GET", f"/agency/chats/{chat_id}")
        return detail if status == 200 and len(detail["messages"]) == 4 and detail["unread"] == 4 else None

    detail = eventually(kept)
    dev.stack.drain()
    assert [m["kind"] for m in detail["messages"]] == ["text", "image", "sticker", "text"]
    assert detail["messages"][0]["text"].startswith("ไฟถนน") and detail["messages"][3]["text"] == "จองคิว"
    with urllib.request.urlopen(detail["messages"][1]["photo_url"], timeout=10) as photo:
        assert Image.open(io.BytesIO(photo.read())).format == "JPEG"  # re-encoded, without its metadata
    assert len(dev.line.received(citizen.user)) == seen  # not a word from the bot


def test_staff_take_answer_and_hand_back_and_the_citizen_reads_each_step(dev):
    """GIVEN a waiting chat WHEN an officer takes it, answers twice with the same request id and then hands it back
    THEN the citizen is told a person has it, receives the answer once (by reply, free, while their message's
    token is fresh), the chat shows it once, and they are told the chat ended with the menu; afterwards the bot
    answers again."""
    citizen = _asked(dev)
    chat_id = _chat_id(dev, citizen)
    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/take")[1]["status"] == "open"
    eventually(lambda: [r for r in dev.line.received(citizen.user) if "กำลังดูเรื่องของท่าน" in words(r["message"])])
    _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "ขอทราบเวลาเปิดทำการวันเสาร์ค่ะ", token))
    eventually(lambda: (c := chats.find(AGENCY, citizen.user, int(chat_id[-13:]))) and c.reply_token)

    answer = {"request_id": "answer-0001", "text": "วันเสาร์ปิดทำการค่ะ เปิดจันทร์ 08:30 น."}
    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/messages", answer)[0] == 200
    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/messages", answer)[0] == 200
    (got,) = eventually(lambda: [r for r in dev.line.received(citizen.user) if "วันเสาร์ปิดทำการ" in words(r["message"])])
    dev.stack.drain()
    assert got["endpoint"] == "reply"
    assert len([r for r in dev.line.received(citizen.user) if "วันเสาร์ปิดทำการ" in words(r["message"])]) == 1
    status, detail = _staff(dev, "GET", f"/agency/chats/{chat_id}")
    assert status == 200
    assert [m["text"] for m in detail["messages"] if m["sender"] == "staff"] == [answer["text"]]  # recorded once

    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/close")[1]["status"] == "closed"
    (back,) = eventually(lambda: [r for r in dev.line.received(citizen.user) if "ปิดการสนทนาแล้ว" in words(r["message"])])
    assert "1/bk/start" in buttons(back["message"])
    eventually(lambda: conversations.focus_of(citizen.user) is None)
    (again,) = citizen.say("เมนู")
    assert "1/bk/start" in buttons(again)


def test_an_answer_names_no_recipient_and_a_closed_chat_takes_no_more(dev):
    """GIVEN a chat WHEN staff send an answer body naming another LINE user THEN 422 and nobody is sent anything
    (the recipient comes only from the chat: row 35); after the chat is handed back an answer gets 409."""
    citizen, other = _asked(dev), wh.user_id()
    chat_id = _chat_id(dev, citizen)
    status, refused = _staff(dev, "POST", f"/agency/chats/{chat_id}/messages",
                             {"request_id": "answer-0002", "text": "hi", "to": other})
    assert status == 422 and "to" in json.dumps(refused)
    _staff(dev, "POST", f"/agency/chats/{chat_id}/close")
    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/messages", {"text": "late"})[0] == 409
    dev.stack.drain()
    assert dev.line.received(other) == []


def test_a_photo_answer_reaches_the_citizen_and_a_fake_photo_is_refused(dev):
    """GIVEN an open chat WHEN staff answer with a photo THEN the citizen receives an image message; a file that only
    claims to be a photo answers 400 with the reason and sends nothing."""
    citizen = _asked(dev)
    chat_id = _chat_id(dev, citizen)
    _staff(dev, "POST", f"/agency/chats/{chat_id}/take")
    photo = {"request_id": "answer-0003", "photo_base64": base64.b64encode(_png()).decode()}
    assert _staff(dev, "POST", f"/agency/chats/{chat_id}/messages", photo)[0] == 200
    eventually(lambda: [r for r in dev.line.received(citizen.user) if r["message"]["type"] == "image"])
    fake = {"request_id": "answer-0004", "photo_base64": base64.b64encode(b"GIF89a not really").decode()}
    status, answer = _staff(dev, "POST", f"/agency/chats/{chat_id}/messages", fake)
    assert status == 400 and "not_an_image" in answer["message"]


def test_an_answered_chat_is_exported_and_erased_with_its_answer_requests(dev):
    """GIVEN a chat an officer answered (the request id kept so a retry records nothing twice) WHEN the citizen's
    chats are exported and then erased THEN the copy holds the chat, the answer and its request record, and
    afterwards the chats table holds nothing under the citizen's key (PDPA: nothing left behind)."""
    citizen = _asked(dev)
    chat_id = _chat_id(dev, citizen)
    _staff(dev, "POST", f"/agency/chats/{chat_id}/take")
    for _ in range(2):
        assert _staff(dev, "POST", f"/agency/chats/{chat_id}/messages",
                      {"request_id": "answer-0005", "text": "รับทราบค่ะ"})[0] == 200
    copy = handover_data.export_citizen(citizen.user)
    kinds = [r["kind"] for r in copy]
    assert kinds.count("chat") == 1 and kinds.count("chat_answer_request") == 1
    assert [r["text"] for r in copy if r.get("sender") == "staff"] == ["รับทราบค่ะ"]
    dev.stack.drain()
    handover_data.erase_citizen(citizen.user)
    left = boto3.client("dynamodb").query(
        TableName=settings().chats_table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": chats.chat_pk(AGENCY, citizen.user)}}, ConsistentRead=True)
    assert left["Items"] == []
    conversations.release(citizen.user, "handover")


def test_two_copies_of_one_answer_at_the_same_moment_record_it_once_and_send_it_once(dev, monkeypatch):
    """GIVEN an open chat and an answer already recorded WHEN a second copy of the same request arrives having
    looked before the first was saved (it did not see the record) THEN the save's condition refuses it, the
    first answer is returned and sent (the sender delivers it once), and the chat lists it once."""
    citizen = _asked(dev)
    chat_id = _chat_id(dev, citizen)
    _staff(dev, "POST", f"/agency/chats/{chat_id}/take")
    chat = chats.find(AGENCY, citizen.user, int(chat_id[-13:]))
    first = staff.answer(chat, "officer-a", "answer-0006", int(time.time() * 1000), text="กำลังตรวจสอบค่ะ")
    looked = chats.answered

    def blind_once(*args):
        """the twin's first look, taken before the first copy was saved: nothing there yet"""
        monkeypatch.setattr(chats, "answered", looked)
        return None

    monkeypatch.setattr(chats, "answered", blind_once)
    twin = staff.answer(chat, "officer-a", "answer-0006", int(time.time() * 1000) + 5, text="กำลังตรวจสอบค่ะ")
    assert twin.sk == first.sk
    eventually(lambda: [r for r in dev.line.received(citizen.user) if "กำลังตรวจสอบค่ะ" in words(r["message"])])
    dev.stack.drain()
    assert len([r for r in dev.line.received(citizen.user) if "กำลังตรวจสอบค่ะ" in words(r["message"])]) == 1
    assert [m.text for m in chats.messages(chat) if m.sender == "staff"] == ["กำลังตรวจสอบค่ะ"]
    _staff(dev, "POST", f"/agency/chats/{chat_id}/close")


def test_an_idle_chat_goes_back_to_the_bot_and_the_citizen_is_told(dev):
    """GIVEN a chat with no message for longer than the agency's idle time WHEN the idle sweep runs THEN it is closed,
    the chat's focus released, and the citizen told how to reach a person again."""
    citizen = _asked(dev)
    chat = chats.current(AGENCY, citizen.user)
    chat.update(actions=[chats.Chat.last_at.set(int((time.time() - 31 * 60) * 1000))])
    dev.stack.fire_schedule("StaffChatFunction", "IdleSweep")
    eventually(lambda: [r for r in dev.line.received(citizen.user) if "ปิดการสนทนากับเจ้าหน้าที่ไว้ก่อน" in words(r["message"])])
    assert chats.current(AGENCY, citizen.user) is None
    eventually(lambda: conversations.focus_of(citizen.user) is None)


def test_the_faq_answers_and_asks_whether_it_helped(dev):
    """GIVEN the demo municipality's FAQ WHEN a citizen asks "จ่ายค่าน้ำประปาได้ที่ไหนครับ" THEN the water-bill answer,
    and "did this help?"; tapping "not really" counts it on the entry and offers a person first."""
    citizen = Citizen(dev)
    citizen.follow()
    answer, ask = citizen.send(lambda token: wh.text(citizen.user, "จ่ายค่าน้ำประปาได้ที่ไหนครับ", token), answers=2)
    assert "ช่อง 2 สำนักงานเทศบาล" in answer["text"]
    (sorry,) = citizen.tap(button(ask, "1/ct/faq?e=water-bill&h=0"))
    assert buttons(sorry)[0] == "1/hd/ask"
    assert faq_table.find(AGENCY, "water-bill").not_helped >= 1


def test_what_nothing_answers_is_counted_for_staff_scrubbed_and_a_person_is_offered_after_two(dev):
    """GIVEN a question no entry answers, asked with a phone number in it WHEN a citizen asks it twice THEN the first
    answer says the bot does not understand (with the menu), the second offers a person first; staff see the
    question once, counted twice, without the phone number."""
    citizen = Citizen(dev)
    citizen.follow()
    (first,) = citizen.say("แมวหายแถวตลาด โทร 081-234-5678")
    (second,) = citizen.say("แมวหายแถวตลาด โทร 081-234-5678")
    assert buttons(first)[0] == "1/bk/start" and buttons(second)[0] == "1/hd/ask"
    status, misses = _staff(dev, "GET", "/agency/faq/unanswered")
    (miss,) = [m for m in misses if "แมวหาย" in m["example"]]
    assert status == 200 and miss["times_asked"] >= 2 and "081" not in miss["example"]
