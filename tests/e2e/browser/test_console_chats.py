"""The console's chats and FAQ pages (issue 10) in headless Chromium on the whole local stack: a citizen asks
for a person through signed webhooks, an officer takes the chat, answers (a retried click sends once) and hands
it back, and the fake LINE shows what the citizen received; the other agency never sees the chat, even under
the same chat id; a supervisor writes the FAQ and answers a question the bot could not, an officer reads it;
the inbox polls while shown and stops when left; axe-core on both pages. Waits are for outcomes, never deadlines."""

import io
import json
import random

import pytest
from PIL import Image
from playwright.sync_api import expect

from civic.handover import desk
from civic.tables import chats
from civic.tables import faq as faq_table
from infra.local import webhook_client as wh
from tests.citizen import Citizen, buttons, eventually, words
from tests.e2e.browser.test_console import AGENCY, AXE, OTHER
from tests.e2e.browser.test_console_admin import _api

pytestmark = pytest.mark.e2e
ANSWER = "วันเสาร์ปิดทำการค่ะ เปิดวันจันทร์ 08:30 น."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _asked(dev, name: str = "ชูใจ") -> Citizen:
    """A citizen who consented (so staff see their name) and typed "ติดต่อเจ้าหน้าที่"."""
    citizen = Citizen(dev)
    citizen.follow(name)
    citizen.tap("1/ct/consent?v=1")
    (ack,) = citizen.say("ติดต่อเจ้าหน้าที่")
    assert "1/hd/end" in buttons(ack)
    return citizen


def _send_quietly(dev, citizen: Citizen, make_event) -> None:
    """A message while staff have the chat: the bot answers nothing, so nothing is waited for."""
    assert wh.post(dev.url, dev.channel_secret, [make_event(dev.line.issue_reply_token(citizen.user))])[0] == 200


def _received(dev, citizen: Citizen, text: str) -> list[dict]:
    return [r for r in dev.line.received(citizen.user) if text in words(r["message"])]


def _chat_id(dev, citizen: Citizen) -> str:
    def listed():
        """the citizen's chat is in the agency's inbox"""
        return [c["chat_id"] for c in _api(dev, "officer", "GET", "/agency/chats") if c["chat_id"].startswith(citizen.user)]
    return eventually(listed)[0]


def test_an_officer_takes_answers_and_hands_back_a_chat_and_the_citizen_reads_each_step_once(console, dev):
    """GIVEN a citizen who asked for a person and then sent a question and a photo WHEN an officer opens Chats,
    opens the waiting chat, takes it, answers — the first click's response lost on the way back, so they click
    again — and hands it back THEN the inbox showed the chat waiting with the citizen's name; the chat shows the
    question and the photo (loaded from its link) in order; the citizen is told a person has it, receives the
    answer once, and is told the chat ended with the menu; the chat lists the answer once; both clicks carried
    the same request id."""
    citizen = _asked(dev)
    photo_id = str(random.randrange(10**17, 10**18))
    dev.line.put_content(photo_id, _png(), "image/png")
    _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "ขอทราบเวลาเปิดทำการวันเสาร์ค่ะ", token))
    _send_quietly(dev, citizen, lambda token: wh.event("message", citizen.user, token, message={
        "type": "image", "id": photo_id, "contentProvider": {"type": "line"}}))
    chat_id = _chat_id(dev, citizen)

    page = console()
    page.get_by_role("link", name="แชท", exact=True).click()
    item = page.locator(f"#chat-inbox li[data-chat='{chat_id}']")
    expect(item).to_contain_text("ชูใจ")
    expect(item).to_contain_text("รอเจ้าหน้าที่")
    item.get_by_role("link").click()
    expect(page.locator("#chat-heading")).to_contain_text("ชูใจ")
    messages = page.locator("#chat-messages li")
    expect(messages).to_have_count(2)  # the inbox polls: the photo is kept a moment after the text
    assert [messages.nth(i).get_attribute("data-kind") for i in range(2)] == ["text", "image"]
    expect(messages.nth(0)).to_contain_text("ขอทราบเวลาเปิดทำการวันเสาร์ค่ะ")
    photo = messages.nth(1).locator("img")
    expect(photo).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert photo.evaluate("img => img.naturalWidth") == 40  # through the CSP, from the S3 link
    expect(page.locator("main")).not_to_contain_text("null")

    page.click("#chat-take")
    expect(page.locator("#chat-status")).to_contain_text("รับแชทแล้ว")
    expect(page.locator("#chat-heading")).to_contain_text("กำลังคุย")
    eventually(lambda: _received(dev, citizen, "กำลังดูเรื่องของท่าน"))

    request_ids = []

    def lost_once(route):
        """the API sends and records the answer; the first response never reaches the browser"""
        request_ids.append(json.loads(route.request.post_data)["request_id"])
        response = route.fetch()
        if len(request_ids) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/agency/chats/*/messages", lost_once)
    page.fill("#chat-answer", ANSWER)
    page.click("#chat-send")
    expect(page.locator("#chat-error")).to_contain_text("ระบบจะไม่ส่งซ้ำ")
    page.click("#chat-send")
    expect(page.locator("#chat-status")).to_have_text("ส่งคำตอบแล้ว")
    assert len(request_ids) == 2 and request_ids[0] == request_ids[1]
    expect(page.locator("#chat-messages li[data-sender='staff']")).to_have_count(1)
    expect(page.locator("#chat-messages li[data-sender='staff']")).to_contain_text(ANSWER)
    eventually(lambda: _received(dev, citizen, ANSWER))
    dev.stack.drain()
    assert len(_received(dev, citizen, ANSWER)) == 1
    detail = _api(dev, "officer", "GET", f"/agency/chats/{chat_id}")
    assert [m["text"] for m in detail["messages"] if m["sender"] == "staff"] == [ANSWER]

    page.click("#chat-hand-back")
    expect(page.locator("#chat-status")).to_contain_text("ส่งกลับให้บอทแล้ว")
    expect(page.locator("#chat-ended")).to_be_visible()
    expect(page.locator("#chat-answer")).to_be_hidden()
    (back,) = eventually(lambda: _received(dev, citizen, "ปิดการสนทนาแล้ว"))
    assert "1/bk/start" in buttons(back["message"])
    expect(page.locator(f"#chat-inbox li[data-chat='{chat_id}']")).to_have_count(0)  # the next poll drops it


def test_the_other_agency_never_sees_the_chat_even_under_the_same_chat_id(console, dev):
    """GIVEN a citizen's chat with demo-municipality, and other-city holding a chat with the same citizen opened
    at the same moment (the same chat id) WHEN each agency's officer opens Chats THEN other-city's inbox and
    chat show only its own (no message of demo-municipality's), and demo-municipality's shows its own message;
    before other-city had that chat, its officer opening the id was told there is no such chat."""
    citizen = _asked(dev, "มานี")
    _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "ถนนหน้าบ้านเป็นหลุมค่ะ", token))
    chat_id = _chat_id(dev, citizen)

    other = console(OTHER)
    other.goto(f"{dev.url}/console/#/chats?chat={chat_id}")
    expect(other.locator("#chat-error")).to_have_text("ไม่พบแชทนี้")
    expect(other.locator(f"#chat-inbox li[data-chat='{chat_id}']")).to_have_count(0)
    expect(other.locator("main")).not_to_contain_text("ถนนหน้าบ้าน")

    opened = int(chat_id[-13:])
    twin, _ = desk.open_chat(OTHER, citizen.user, opened)
    try:
        assert twin.sk == chats.chat_sk(opened) and twin.pk != chats.chat_pk(AGENCY, citizen.user)
        other.reload()
        expect(other.locator(f"#chat-inbox li[data-chat='{chat_id}']")).to_have_count(1)
        expect(other.locator("#chat-messages")).to_contain_text("ยังไม่มีข้อความ")
        expect(other.locator("main")).not_to_contain_text("ถนนหน้าบ้าน")

        mine = console()
        mine.goto(f"{dev.url}/console/#/chats?chat={chat_id}")
        expect(mine.locator("#chat-messages li")).to_have_count(1)
        expect(mine.locator("#chat-messages")).to_contain_text("ถนนหน้าบ้านเป็นหลุมค่ะ")
    finally:
        twin.update(actions=[chats.Chat.status.set("closed"), chats.Chat.status_key.remove()])
        _api(dev, "officer", "POST", f"/agency/chats/{chat_id}/close")


def test_the_inbox_polls_while_shown_and_stops_when_the_page_is_left(console, dev):
    """GIVEN an officer on Chats, with the page's clock under the test's control WHEN a citizen asks for a person
    and 4 s pass THEN the chat appears without a reload; once the officer goes to Complaints, no more inbox reads
    however much time passes."""
    page = console()
    page.add_init_script("""{
      const real = window.fetch;
      window.__chatReads = 0;
      window.fetch = (url, options) => {
        if (String(url).startsWith("/agency/chats")) window.__chatReads += 1;
        return real(url, options);
      };
    }""")
    page.clock.install()
    page.reload()
    page.goto(f"{dev.url}/console/#/chats")
    expect(page.locator("#chat-inbox li").first).to_be_visible()
    citizen = _asked(dev, "สมศรี")
    chat_id = _chat_id(dev, citizen)
    item = page.locator(f"#chat-inbox li[data-chat='{chat_id}']")
    expect(item).to_have_count(0)
    page.clock.run_for(4000)
    expect(item).to_contain_text("สมศรี")

    page.get_by_role("link", name="เรื่องร้องเรียน", exact=True).click()
    expect(page.locator("main h2")).to_have_text("เรื่องร้องเรียน")
    reads = page.evaluate("window.__chatReads")
    page.clock.run_for(20000)
    assert page.evaluate("window.__chatReads") == reads
    _api(dev, "officer", "POST", f"/agency/chats/{chat_id}/close")


@pytest.fixture
def faq_entry(dev):
    """An entry id of this test's own, and the entry removed afterwards (the bot answers from the table)."""
    entry_id = f"browser-{random.randrange(10**6):06d}"
    yield entry_id
    found = faq_table.find(AGENCY, entry_id)
    if found is not None:
        found.delete()


def test_a_supervisor_adds_an_entry_and_the_bot_answers_with_it(console, dev, faq_entry):
    """GIVEN a supervisor on the FAQ page WHEN they add an entry (a Thai way of asking, answers in Thai and
    English) THEN it is listed, the API returns it, and a citizen asking that question gets its answer."""
    question, answer = "ที่จอดรถของเทศบาลอยู่ตรงไหน", "จอดได้ที่ลานจอดหลังอาคาร 2 ฟรีในเวลาราชการค่ะ"
    page = console(role="supervisor")
    page.get_by_role("link", name="คำถามที่พบบ่อย", exact=True).click()
    page.fill("#faq-id", faq_entry)
    page.fill("#faq-questions-th", f"{question}\nจอดรถที่ไหน")
    page.fill("#faq-questions-en", "Where can I park?")
    page.fill("#faq-answer-th", answer)
    page.fill("#faq-answer-en", "Park behind building 2, free in office hours.")
    page.click("#faq-save")
    expect(page.locator("#faq-status")).to_have_text("บันทึกแล้ว บอทใช้คำตอบนี้ทันที")
    expect(page.locator(f"#faq-entries li[data-entry='{faq_entry}']")).to_contain_text(answer)
    (saved,) = [e for e in _api(dev, "officer", "GET", "/agency/faq") if e["entry_id"] == faq_entry]
    assert saved["questions_th"] == [question, "จอดรถที่ไหน"] and saved["questions_en"] == ["Where can I park?"]

    citizen = Citizen(dev)
    citizen.follow()
    got, _ask = citizen.send(lambda token: wh.text(citizen.user, question, token), answers=2)
    assert answer in got["text"]


def test_an_officer_reads_the_faq_but_cannot_edit_it(console, dev):
    """GIVEN an officer WHEN they open the FAQ page THEN the entries and the unanswered questions show, with
    no form, no edit, delete, answer or dismiss button, and a note that supervisors edit; the API refuses the
    officer's write (403)."""
    page = console()
    page.goto(f"{dev.url}/console/#/faq")
    expect(page.locator("#faq-entries li[data-entry='water-bill']")).to_be_visible()
    expect(page.locator("#faq-read-only")).to_contain_text("หัวหน้างานหรือผู้ดูแลระบบเท่านั้น")
    expect(page.locator("#faq-form")).to_have_count(0)
    expect(page.locator("main button[data-action]")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("null")
    entry = faq_table.find(AGENCY, "water-bill")
    with pytest.raises(Exception) as refused:
        _api(dev, "officer", "PUT", "/agency/faq/water-bill", {"questions_th": ["ทดลอง"], "answer_th": "x", "answer_en": "x"})
    assert getattr(refused.value, "code", None) == 403
    assert faq_table.find(AGENCY, "water-bill").answer_th == entry.answer_th


def test_a_supervisor_answers_a_question_the_bot_could_not_and_it_leaves_the_list(console, dev, faq_entry):
    """GIVEN a question no entry answers, asked by a citizen WHEN a supervisor opens the FAQ page, picks "add an
    answer" on it (the form is filled with the question), writes the answers and saves THEN the entry is saved
    with the question, the question leaves the unanswered list (on screen and in the API), and the citizen asking
    it again gets the answer."""
    question = "ขอสูตรแกงเขียวหวานหน่อย"  # no entry of the demo municipality's comes near it
    answer = "เทศบาลไม่มีสูตรอาหารค่ะ ลองดูที่ศูนย์พัฒนาอาชีพ ชั้น 2"
    citizen = Citizen(dev)
    citizen.follow()
    (first,) = citizen.say(question)
    assert buttons(first)[0] == "1/bk/start"  # the bot did not understand
    (miss,) = [m for m in _api(dev, "officer", "GET", "/agency/faq/unanswered") if m["example"] == question]

    page = console(role="supervisor")
    page.goto(f"{dev.url}/console/#/faq")
    row = page.locator(f"#faq-unanswered li[data-digest='{miss['digest']}']")
    expect(row).to_contain_text(question)
    row.locator("button[data-action='answer']").click()
    expect(page.locator("#faq-questions-th")).to_have_value(question)
    expect(page.locator("#faq-from")).to_contain_text(question)
    page.fill("#faq-id", faq_entry)
    page.fill("#faq-answer-th", answer)
    page.fill("#faq-answer-en", "The municipality has no recipes: try the career centre, floor 2.")
    page.click("#faq-save")
    expect(page.locator("#faq-status")).to_have_text("บันทึกแล้ว และนำคำถามออกจากรายการที่ค้าง")
    expect(row).to_have_count(0)
    expect(page.locator(f"#faq-entries li[data-entry='{faq_entry}']")).to_contain_text(answer)
    assert miss["digest"] not in [m["digest"] for m in _api(dev, "officer", "GET", "/agency/faq/unanswered")]
    assert faq_table.find(AGENCY, faq_entry).questions_th == [question]

    got, _ask = citizen.send(lambda token: wh.text(citizen.user, question, token), answers=2)
    assert answer in got["text"]


@pytest.mark.parametrize("where", ["chats", "faq"])
def test_axe_finds_no_serious_violation(console, dev, where):
    """GIVEN the chats page with a chat open or the FAQ page (as an admin, every control shown) WHEN axe-core
    checks it THEN no serious or critical violation."""
    hash_ = "faq"
    chat_id = None
    if where == "chats":
        citizen = _asked(dev, "ทดสอบ")
        _send_quietly(dev, citizen, lambda token: wh.text(citizen.user, "สวัสดีค่ะ", token))
        chat_id = _chat_id(dev, citizen)
        hash_ = f"chats?chat={chat_id}"
    page = console(role="admin", bypass_csp=True)
    page.goto(f"{dev.url}/console/#/{hash_}")
    page.wait_for_selector("#chat-messages li" if where == "chats" else "#faq-entries li")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    if chat_id:
        _api(dev, "officer", "POST", f"/agency/chats/{chat_id}/close")
