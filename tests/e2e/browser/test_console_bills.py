"""The console's bills and notices pages in headless Chromium on the whole local stack: a supervisor imports a
UTF-8 and a TIS-620 bills file through the page and the linked citizen's LINE gets each card; a broken file's
rejected rows come back by line, paged; a batch held for the month's quota is notified from the page; an
officer records a payment; a notice for one subdistrict is previewed with its count and reaches only that
area, and one scheduled for a Bangkok time waits for it; another agency's batches and notices (same account ids) are never listed; axe-core on both pages.
Waits are for outcomes (on screen, in the fake LINE's inbox), never deadlines on the system."""

import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from civic import line_api
from civic.thai import BANGKOK
from tests.citizen import Citizen, eventually, words
from tests.e2e.browser.test_console import AGENCY, AXE, OTHER

pytestmark = pytest.mark.e2e
THAI_HEADER = "เลขที่ผู้ใช้น้ำ,รอบบิล,หน่วยที่ใช้,จำนวนเงิน,วันครบกำหนด,หน่วยนับ"


@pytest.fixture
def console(console):
    """The shared console fixture, signing in as a supervisor unless told (imports and notices are theirs)."""
    return lambda agency=AGENCY, role="supervisor", **kwargs: console(agency, role, **kwargs)


def _staff(dev, method: str, path: str, body=None, role: str = "supervisor", agency: str = AGENCY,
           content_type: str = "application/json"):
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(f"{dev.url}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {dev.stack.issue_token(agency, role)}", "content-type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _csv(rows: list[list], encoding: str = "utf-8", header: str = THAI_HEADER) -> bytes:
    return (header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode(encoding)


def _batch_done(dev, batch_id: str, agency: str = AGENCY) -> dict:
    def done():
        """the batch is done or notified"""
        status, found = _staff(dev, "GET", f"/agency/bill/batches/{batch_id}", role="officer", agency=agency)
        return found if status == 200 and found["status"] in ("done", "notified", "failed") else None
    return eventually(done, timeout=120)


def _fresh_accounts(dev, n: int, district: str = "เมือง", subdistrict: str = "ในเมือง") -> list[str]:
    """n accounts of their own, each with October's bill (usage 20, ฿200.00) imported through the API, so a
    citizen can link with the last amount."""
    base = uuid.uuid4().int % 10**8
    numbers = [f"8{base + i:09d}" for i in range(n)]
    for number in numbers:
        status, answer = _staff(dev, "PUT", f"/agency/bill/accounts/{number}", {
            "address": f"บ้านเลขที่ {number[-3:]}", "district": district, "subdistrict": subdistrict})
        assert status == 200, answer
    status, answer = _staff(dev, "POST", "/agency/bill/imports/bills",
                            _csv([[x, "2026-10", 20, "200.00", "2026-10-25", "ลบ.ม."] for x in numbers]),
                            content_type="text/csv")
    assert status == 202, answer
    assert _batch_done(dev, answer["batch_id"])["imported"] == n
    return numbers


def _linked_citizen(dev, account: str, name: str = "สมหญิง") -> Citizen:
    """A citizen who follows, consents and links `account` in the chat (October's ฿200.00 as the check)."""
    citizen = Citizen(dev)
    citizen.follow(name)
    citizen.tap("1/ct/consent?v=1")
    citizen.say("ผูกบัญชี")
    citizen.say(account)
    (answer,) = citizen.say("200.00")
    assert "ผูกบัญชี" in answer["text"] and account in answer["text"], answer
    return citizen


def _cards(dev, citizen: Citizen, *needles: str) -> list[dict]:
    return [r["message"] for r in dev.line.received(citizen.user)
            if r["endpoint"] == "push" and all(n in words(r["message"]) for n in needles)]


def _upload(page, dev, kind: str, name: str, data: bytes) -> str:
    """Import a file through the page; returns the batch id the page then follows."""
    page.goto(f"{dev.url}/console/#/bills")
    expect(page.locator("#bl-batches-h")).to_be_visible()  # the page is drawn: no later render replaces the form
    page.select_option("#bl-kind", kind)
    page.set_input_files("#bl-file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("#bl-send")
    expect(page.locator("#bl-batch-h")).to_be_visible()
    return page.locator("#bl-batch-h").get_attribute("data-batch")


def _figure(page, key: str):
    return page.locator(f"#bl-figures [data-figure='{key}'] dd")


def test_a_supervisor_imports_utf8_and_tis620_files_and_the_linked_citizen_gets_each_card(console, dev):
    """GIVEN two accounts, one linked by a citizen in the chat WHEN a supervisor imports November's bills as a
    UTF-8 file (Thai headers) through the page THEN the page follows the batch to "bills sent" with 2 imported,
    0 rejected, 1 skipped for no linked citizen and 1 sent, shows the file's name, and the citizen's LINE has
    the card for ฿210.00; WHEN December's bills come as a TIS-620 (cp874) file THEN the same, with the card for
    ฿220.00; the batches list shows both; WHEN an officer records December's payment on the page THEN the
    bill is paid in the API."""
    numbers = _fresh_accounts(dev, 2)
    citizen = _linked_citizen(dev, numbers[0])
    page = console()

    november = _csv([[numbers[0], "2026-11", 21, "210.00", "20/11/2569", "ลบ.ม."],
                     [numbers[1], "2026-11", 30, "300.00", "20/11/2569", "ลบ.ม."]])
    first = _upload(page, dev, "bills", "บิล-พ.ย.-utf8.csv", november)
    expect(page.locator("#bl-status")).to_have_attribute("data-status", "notified")
    expect(page.locator("#bl-status")).to_contain_text("บิล-พ.ย.-utf8.csv")
    for key, shown in (("imported", "2"), ("rejected", "0"), ("skipped", "1"), ("notified", "1")):
        expect(_figure(page, key)).to_have_text(shown)
    expect(page.locator("#bl-rejects")).to_contain_text("ไม่มีแถวที่ไม่ผ่าน")
    (card,) = eventually(lambda: _cards(dev, citizen, numbers[0], "฿210.00"))
    assert "พ.ย. 2569" in words(card)

    december = _csv([[numbers[0], "2026-12", 22, "220.00", "20/12/2569", "ลบ.ม."],
                     [numbers[1], "2026-12", 31, "310.00", "20/12/2569", "ลบ.ม."]], encoding="cp874")
    assert december.decode("cp874").startswith("เลขที่ผู้ใช้น้ำ")
    second = _upload(page, dev, "bills", "บิล-ธ.ค.-tis620.csv", december)
    expect(page.locator("#bl-status")).to_have_attribute("data-status", "notified")
    for key, shown in (("imported", "2"), ("rejected", "0"), ("skipped", "1"), ("notified", "1")):
        expect(_figure(page, key)).to_have_text(shown)
    (card,) = eventually(lambda: _cards(dev, citizen, numbers[0], "฿220.00"))
    assert "ธ.ค. 2569" in words(card) and "ลบ.ม." in words(card)
    assert len(_cards(dev, citizen, numbers[0])) == 2  # one card a month, none twice

    page.goto(f"{dev.url}/console/#/bills")
    for batch_id, name in ((first, "บิล-พ.ย.-utf8.csv"), (second, "บิล-ธ.ค.-tis620.csv")):
        expect(page.locator(f"#bl-batch-list tr[data-batch='{batch_id}']")).to_contain_text(name)

    officer = console(role="officer")
    officer.goto(f"{dev.url}/console/#/bills")
    officer.fill("#bl-account", numbers[0])
    officer.click("#bl-find")
    officer.locator("#bl-account-bills tr[data-period='2026-12'] button").click()
    expect(officer.locator("#bl-pay-done")).to_contain_text("2026-12")
    expect(officer.locator("#bl-account-bills tr[data-period='2026-12']")).to_contain_text("ชำระแล้ว")
    status, bills = _staff(dev, "GET", f"/agency/bill/accounts/{numbers[0]}/bills", role="officer")
    assert status == 200 and {b["period"]: b["status"] for b in bills}["2026-12"] == "paid"


def test_a_broken_file_shows_its_rejected_rows_by_line_and_reason_paged(console, dev):
    """GIVEN an account WHEN a file is imported through the page with one good row, a negative amount (line 3),
    an impossible date (line 4), a repeat of line 2 (line 5) and 55 unknown accounts (lines 6–60) THEN the
    batch shows 59 rows, 1 imported, 58 rejected; the report's first page lists lines 3–52 with their reasons,
    the next page lines 53–60, and "previous" comes back to line 3."""
    (number,) = _fresh_accounts(dev, 1)
    rows = [[number, "2026-11", 21, "210.00", "2026-11-20", "ลบ.ม."],
            [number, "2026-09", 21, "-12.00", "2026-09-20", "ลบ.ม."],
            [number, "2026-08", 21, "210.00", "31/02/2569", "ลบ.ม."],
            [number, "2026-11", 21, "210.00", "2026-11-20", "ลบ.ม."]]
    rows += [[f"77{i:08d}", "2026-11", 5, "50.00", "2026-11-20", "ลบ.ม."] for i in range(55)]
    page = console()
    _upload(page, dev, "bills", "broken.csv", _csv(rows))
    expect(page.locator("#bl-status")).to_have_attribute("data-status", "notified")
    for key, shown in (("rows", "59"), ("imported", "1"), ("rejected", "58")):
        expect(_figure(page, key)).to_have_text(shown)

    report = page.locator("#bl-reject-list tbody tr")
    expect(report).to_have_count(50)
    expect(report.first.locator("th")).to_have_text("3")
    expect(report.first).to_contain_text("amount")
    expect(report.nth(1)).to_contain_text("date")
    expect(report.nth(2)).to_contain_text("duplicate of line 2")
    expect(report.nth(3)).to_contain_text("unknown account")
    expect(report.last.locator("th")).to_have_text("52")
    page.focus("#bl-rejects-next")  # by keyboard: the focus stays on the pager
    page.keyboard.press("Enter")
    expect(report).to_have_count(8)
    expect(report.first.locator("th")).to_have_text("53")
    expect(report.last.locator("th")).to_have_text("60")
    expect(page.locator("#bl-rejects-next")).to_be_disabled()
    expect(page.locator("#bl-rejects-prev")).to_be_focused()
    page.keyboard.press("Enter")
    expect(report.first.locator("th")).to_have_text("3")
    expect(page.locator("#bl-rejects-next")).to_be_focused()


@pytest.fixture
def quota_restored(dev):
    yield
    dev.line.unlimit()


def test_a_batch_held_for_the_quota_is_notified_from_the_page(console, dev, quota_restored):
    """GIVEN a linked citizen and LINE's quota with nothing left this month WHEN a bills file is imported
    through the page THEN the batch is held with the numbers and "notify now" offered, and the citizen has no
    card; WHEN the quota is lifted and the supervisor presses "notify now" THEN the batch reaches "bills sent"
    and the citizen gets the card."""
    numbers = _fresh_accounts(dev, 1)
    citizen = _linked_citizen(dev, numbers[0], "สมศรี")
    dev.stack.drain(timeout=120)  # what earlier tests sent is counted before the quota is set
    dev.line.limit(quota=int(line_api.consumption()))
    page = console()
    _upload(page, dev, "bills", "held.csv", _csv([[numbers[0], "2026-11", 23, "230.00", "2026-11-20", "ลบ.ม."]]))
    expect(page.locator("#bl-status")).to_have_attribute("data-status", "held_quota")
    expect(page.locator("#bl-message")).to_contain_text("needs 1 messages")
    assert not _cards(dev, citizen, "฿230.00")

    dev.line.unlimit()
    page.click("#bl-notify")
    expect(page.locator("#bl-status")).to_have_attribute("data-status", "notified")
    eventually(lambda: _cards(dev, citizen, "฿230.00"))
    expect(_figure(page, "notified")).to_have_text("1")
    expect(page.locator("#bl-notify")).to_be_hidden()


def _got(dev, citizen: Citizen, text: str) -> int:
    return sum(text in (r["message"].get("text") or "") for r in dev.line.received(citizen.user))


def test_a_notice_for_one_subdistrict_is_previewed_with_its_count_and_reaches_only_that_area(console, dev):
    """GIVEN a customer in บางใหญ่/เสาธงหิน and one in บางใหญ่/บางแม่นาง (same district) WHEN a supervisor writes a
    water-cut notice in Thai and English for เสาธงหิน only and asks for the preview THEN it counts 1 recipient,
    1 multicast request, 1 message, ฿0.04 at the agency's 4 satang, and nobody has been told; WHEN it is sent
    THEN the page follows it to sent with 1 delivered, the customer in เสาธงหิน gets it once (Thai then English)
    and the one in บางแม่นาง nothing; the notices list shows it."""
    (inside,) = _fresh_accounts(dev, 1, district="บางใหญ่", subdistrict="เสาธงหิน")
    (outside,) = _fresh_accounts(dev, 1, district="บางใหญ่", subdistrict="บางแม่นาง")
    there, next_door = _linked_citizen(dev, inside, "สมใจ"), _linked_citizen(dev, outside, "สมจิต")
    thai = f"พรุ่งนี้ 09:00–15:00 น. น้ำไม่ไหล ต.เสาธงหิน ({uuid.uuid4().hex[:6]})"
    english = "No water tomorrow 09:00–15:00 in Sao Thong Hin"
    page = console()
    page.goto(f"{dev.url}/console/#/notices")
    page.fill("#nt-text-th", thai)
    page.fill("#nt-text-en", english)
    page.select_option("#nt-topic", "water_cut")
    page.locator("input[data-district='บางใหญ่'][data-subdistrict='เสาธงหิน']").check()
    page.click("#nt-preview")
    expect(page.locator("#nt-status")).to_have_attribute("data-status", "ready")
    for key, shown in (("recipients", "1"), ("requests", "1"), ("messages", "1"), ("cost", "฿0.04")):
        expect(page.locator(f"#nt-figures [data-figure='{key}'] dd")).to_have_text(shown)
    expect(page.locator("#nt-seen")).to_contain_text(english)
    assert _got(dev, there, thai) == 0 and _got(dev, next_door, thai) == 0

    page.click("#nt-send")
    expect(page.locator("#nt-status")).to_have_attribute("data-status", "sent")
    expect(page.locator("#nt-delivery [data-figure='sent'] dd")).to_have_text("1")
    dev.stack.drain(timeout=120)
    assert (_got(dev, there, thai), _got(dev, there, english), _got(dev, next_door, thai)) == (1, 1, 0)
    notice_id = page.locator("#nt-notice-h").get_attribute("data-notice")
    page.goto(f"{dev.url}/console/#/notices")
    expect(page.locator(f"#nt-list tr[data-notice='{notice_id}']")).to_contain_text("เสาธงหิน")


def test_a_notice_scheduled_for_a_bangkok_time_waits_for_it(console, dev):
    """GIVEN a counted notice for the whole of เมือง WHEN the supervisor schedules it for tomorrow 09:00 in
    Thailand THEN the page says scheduled for 09:00, the API holds it for 09:00+07:00 that day, and nothing is
    delivered; a time already past is refused on the page."""
    page = console()
    page.goto(f"{dev.url}/console/#/notices")
    page.fill("#nt-text-th", f"งานวัดเมือง พรุ่งนี้ ({uuid.uuid4().hex[:6]})")
    page.select_option("#nt-topic", "events")
    page.locator("input[data-district='เมือง']:not([data-subdistrict])").check()
    expect(page.locator("input[data-district='เมือง'][data-subdistrict='ในเมือง']")).to_be_disabled()
    page.click("#nt-preview")
    expect(page.locator("#nt-status")).to_have_attribute("data-status", "ready")
    notice_id = page.locator("#nt-notice-h").get_attribute("data-notice")

    page.fill("#nt-date", "2020-01-01")
    page.fill("#nt-time", "09:00")
    page.click("#nt-schedule-send")
    expect(page.locator("#nt-error")).to_contain_text("อนาคต")
    tomorrow = (datetime.now(BANGKOK) + timedelta(days=1)).date()
    page.fill("#nt-date", tomorrow.isoformat())
    page.click("#nt-schedule-send")
    expect(page.locator("#nt-status")).to_have_attribute("data-status", "scheduled")
    expect(page.locator("#nt-status")).to_contain_text("09:00")
    status, found = _staff(dev, "GET", f"/agency/bill/notices/{notice_id}", role="officer")
    assert status == 200 and found["status"] == "scheduled"
    assert datetime.fromisoformat(found["send_at"]) == datetime.combine(tomorrow, time(9), BANGKOK)
    assert found["preview"]["queued"] == 0 and found["preview"]["sent"] == 0


def test_another_agencys_batch_and_notice_with_the_same_ids_are_not_listed(console, dev):
    """GIVEN other-city, whose accounts have the same numbers as demo-municipality's, with a batch (a file of
    its own name) and a notice WHEN demo-municipality's officer opens the bills and notices pages THEN neither
    is listed, opening their links says "not in your agency", and the import form is for supervisors only;
    other-city's officer sees both listed."""
    status, answer = _staff(dev, "POST", "/agency/bill/imports/bills?name=other-city-only.csv",
                            _csv([["1100000001", "2026-11", 1, "1.00", "2026-11-20", "ลบ.ม."]], header=THAI_HEADER),
                            agency=OTHER, content_type="text/csv")
    assert status == 202, answer
    theirs = answer["batch_id"]
    _batch_done(dev, theirs, agency=OTHER)
    status, notice = _staff(dev, "POST", "/agency/bill/notices", {
        "text": "ประกาศของเมืองอื่นเท่านั้น", "topic": "events", "areas": [{"district": "เมือง"}]}, agency=OTHER)
    assert status == 200, notice

    mine = console(role="officer")
    mine.goto(f"{dev.url}/console/#/bills")
    expect(mine.locator("#bl-batches")).not_to_contain_text("กำลังโหลด")
    expect(mine.locator(f"tr[data-batch='{theirs}']")).to_have_count(0)
    expect(mine.locator("main")).not_to_contain_text("other-city-only.csv")
    expect(mine.locator("#bl-send")).to_be_disabled()
    expect(mine.locator("main")).to_contain_text("หัวหน้างานขึ้นไปเท่านั้น")
    mine.goto(f"{dev.url}/console/#/bills?batch={theirs}")
    expect(mine.locator("#bl-error")).to_contain_text("ไม่พบชุดนำเข้านี้")
    mine.goto(f"{dev.url}/console/#/notices")
    expect(mine.locator("h3", has_text="ประกาศล่าสุด")).to_be_visible()
    expect(mine.locator(f"tr[data-notice='{notice['notice_id']}']")).to_have_count(0)
    expect(mine.locator("main")).not_to_contain_text("ประกาศของเมืองอื่นเท่านั้น")
    mine.goto(f"{dev.url}/console/#/notices?notice={notice['notice_id']}")
    expect(mine.locator("#nt-error")).to_contain_text("ไม่พบประกาศนี้")

    other = console(OTHER, role="officer")
    other.goto(f"{dev.url}/console/#/bills")
    expect(other.locator(f"tr[data-batch='{theirs}']")).to_contain_text("other-city-only.csv")
    other.goto(f"{dev.url}/console/#/notices")
    expect(other.locator(f"tr[data-notice='{notice['notice_id']}']")).to_be_visible()


def _axe_serious(page) -> list:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("where", ["bills", "notices"])
def test_axe_finds_no_serious_violation(console, dev, where):
    """GIVEN the bills or the notices page (as a supervisor, every control shown) WHEN axe-core checks it THEN
    no serious or critical violation."""
    page = console(bypass_csp=True)
    page.goto(f"{dev.url}/console/#/{where}")
    page.wait_for_selector("main h3")
    expect(page.locator("main")).not_to_contain_text("กำลังโหลด")
    assert _axe_serious(page) == []


def test_axe_finds_no_serious_violation_on_a_batch_and_a_notice(console, dev):
    """GIVEN a batch with rejected rows and a counted notice WHEN axe-core checks their pages (progress,
    figures, the report and its pager; the preview and the send controls) THEN no serious or critical
    violation, in Thai and in English."""
    status, answer = _staff(dev, "POST", "/agency/bill/imports/bills?name=axe.csv",
                            _csv([["9999999999", "2026-11", 1, "-1", "2026-11-20", "ลบ.ม."]]), content_type="text/csv")
    assert status == 202, answer
    status, notice = _staff(dev, "POST", "/agency/bill/notices", {
        "text": "ทดสอบการเข้าถึง", "topic": "health", "areas": [{"district": "เมือง", "subdistrict": "ท่าช้าง"}]})
    assert status == 200, notice
    page = console(bypass_csp=True)
    for lang in ("th", "en"):
        page.goto(f"{dev.url}/console/#/bills?batch={answer['batch_id']}")
        expect(page.locator("#bl-status")).to_have_attribute("data-status", "notified")
        expect(page.locator("#bl-reject-list")).to_be_visible()
        assert _axe_serious(page) == [], lang
        page.goto(f"{dev.url}/console/#/notices?notice={notice['notice_id']}")
        expect(page.locator("#nt-status")).to_have_attribute("data-status", "ready")
        assert _axe_serious(page) == [], lang
        page.click("#lang")
