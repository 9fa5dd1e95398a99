"""The staff console (issue 10) in headless Chromium on the whole local stack: an officer works a complaint a
citizen filed in the simulator to resolved, runs the day's queue, sees only their own agency's cases; axe-core
on the sign-in, complaints and queue pages. Waits are for outcomes on screen, never deadlines."""

import io
import json
import re
import urllib.parse
import urllib.request
from datetime import datetime, time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from civic.booking import ledger, rules, staff
from civic.complaints import staff as complaint_staff
from civic.booking.calendar import WEEKDAYS, Calendar, slot_id
from civic.i18n import t
from civic.tables import booking_services, bookings
from civic.thai import BANGKOK
from infra.local.simulator.browser import Phone
from tests.citizen import Citizen, eventually
from tests.e2e.browser.console import sign_in

pytestmark = pytest.mark.e2e
AGENCY, OTHER = "demo-municipality", "other-city"
AXE = Path(__file__).parent / "vendor/axe-core/axe.min.js"
CASE_REF = re.compile(r"[A-Z]{2,4}-[0-9A-Z-]{6,16}")


@pytest.fixture
def officer(chromium, dev):
    pages = []

    errors: list[str] = []

    def open_as(agency=AGENCY, role="officer", **kwargs):
        pages.append(sign_in(chromium, dev.url, agency, role, **kwargs))
        pages[-1].on("pageerror", lambda error: errors.append(str(error)))
        return pages[-1]

    yield open_as
    for page in pages:
        page.context.close()
    assert not errors, f"JavaScript errors on the console: {errors}"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#2e7d32").save(out, "JPEG")
    return out.getvalue()


def test_an_officer_resolves_a_complaint_filed_in_the_simulator_and_the_citizen_sees_each_step(page, officer, dev):
    """GIVEN a citizen who filed a road complaint in the simulator WHEN an officer opens it in the console,
    accepts it and resolves it with an after photo THEN the case shows resolved with its timeline, and the
    citizen's phone shows the acceptance and the resolution with the photo."""
    phone = Phone.add(page, "สมปอง", "th")
    phone.follow()
    phone.consent()
    before = phone.count()
    phone.tap_rich_menu("menu_complaint")
    phone.wait_for_bot(t("th", "cp_choose_category")[:10], before)
    before = phone.count()
    phone.root.get_by_role("button", name=t("th", "cp_pick"), exact=True).first.click()
    phone.wait_for_bot(t("th", "cp_ask_description", category="", hours=24).splitlines()[0].split(":")[0], before)
    before = phone.count()
    phone.root.get_by_test_id("say").fill("ไฟถนนดับทั้งซอย")
    phone.root.get_by_test_id("send").click()
    phone.wait_for_bot(t("th", "cp_ask_photos", most=3).splitlines()[0], before)
    before = phone.count()
    phone.root.get_by_test_id("quick-replies").get_by_role("button", name=t("th", "cp_qr_location")).click()
    page.fill("#place-lat", "13.7563")
    page.fill("#place-lng", "100.5018")
    page.click("#place button[value=ok]")
    review = phone.wait_for_bot(t("th", "cp_review_title"), before)
    before = phone.count()
    review.get_by_role("button", name=t("th", "cp_send"), exact=True).click()
    receipt = phone.wait_for_bot(t("th", "cp_receipt_title"), before)
    ref = re.search(t("th", "cp_line_ref", ref="") + r"(\S+)", receipt.inner_text()).group(1)

    console = officer()
    console.goto(f"{dev.url}/console/#/complaints?case={ref}")
    expect(console.locator("#case-heading")).to_contain_text(ref)
    before = phone.count()
    console.get_by_role("button", name="รับเรื่อง", exact=True).click()
    expect(console.locator("#case-done")).to_contain_text("รับดำเนินการ")
    phone.wait_for_bot(t("th", "cp_step_accept"), before)
    before = phone.count()
    console.fill("#step-note", "เปลี่ยนหลอดไฟแล้ว")
    console.set_input_files("#after-photo", files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    console.get_by_role("button", name="แก้ไขแล้ว", exact=True).click()
    expect(console.locator("#case-heading")).to_contain_text("แก้ไขแล้ว")
    expect(console.locator("#timeline li")).to_have_count(3)
    phone.wait_for_bot(t("th", "cp_fixed"), before)
    expect(phone.root.locator(".entry.bot img.media").last).to_be_visible()


def _booked_today(user: str, service_id: str) -> str:
    """A citizen's booking today, as the booking journey leaves it (the journey itself is test_simulator's)."""
    now = datetime.now(BANGKOK)
    service = staff.save_service(AGENCY, service_id, {"name_th": "คิวทดสอบคอนโซล", "name_en": "Console queue test",
                                                      "branch_th": "ช่อง 7", "branch_en": "Counter 7"})
    staff.set_calendar(service, Calendar(hours={d: [("00:00", "23:00")] for d in WEEKDAYS}, slot_minutes=60, seats=5,
                                         thai_holidays=False, horizon_days=2), now)
    hour = time(min(now.hour + 1, 22))  # today's next slot, or its last one late in the evening
    # Booked as if at 21:00 at the latest, so the evening's last slot is still ahead when it is booked (CI runs at
    # any hour); checking in only asks that the booking is today's.
    booked_at = min(now, datetime.combine(now.date(), time(21), tzinfo=BANGKOK))
    slot = slot_id(AGENCY, service_id, now.date(), hour)
    outcome = ledger.book(user, booking_services.find(AGENCY, service_id), slot, None,
                          rules.booking_ref(user, slot, "console0"), booked_at)
    assert outcome.kind == "booked", outcome
    return outcome.booking.ref


def test_an_officer_checks_in_calls_and_serves_a_booking(officer, dev):
    """GIVEN a citizen booked today WHEN an officer checks them in, calls next and marks them served in the
    queue page THEN the page shows the queue number, the call and 'served', and the booking is served."""
    citizen = Citizen(dev)
    citizen.follow()
    ref = _booked_today(citizen.user, "console-q")
    console = officer()
    console.goto(f"{dev.url}/console/#/queue?service=console-q")
    row = console.locator(f"tr[data-ref='{ref}']")
    expect(row).to_be_visible()
    row.get_by_role("button", name=f"เช็กอิน {ref}").click()
    expect(console.locator("#queue-status")).to_contain_text("คิวหมายเลข")
    console.click("#q-next")
    expect(console.locator("#queue-status")).to_contain_text(ref)
    row.get_by_role("button", name=f"ให้บริการแล้ว {ref}").click()
    expect(row.locator(".status")).to_have_text("served")
    assert eventually(lambda: bookings.find(AGENCY, ref).status == "served")


def test_an_officer_of_other_city_sees_only_its_cases(officer, dev):
    """GIVEN a case filed with each agency WHEN an officer of other-city opens the complaints board THEN it
    lists other-city's case and not the demo municipality's, and opening the other's reference is refused."""
    mine = Citizen(dev)
    mine.follow()
    steps = mine.report(category="road", words="หลุมในเทศบาล")
    demo_ref = CASE_REF.search(json.dumps(steps[-1], ensure_ascii=False)).group(0)
    other = _file_with_other_city(dev)

    console = officer(OTHER)
    console.goto(f"{dev.url}/console/#/complaints")
    expect(console.locator(f"#board [data-ref='{other}']")).to_be_visible()
    expect(console.locator(f"#board [data-ref='{demo_ref}']")).to_have_count(0)
    console.goto(f"{dev.url}/console/#/complaints?case={demo_ref}")
    expect(console.locator("#case-error")).to_contain_text("404")


def _file_with_other_city(dev) -> str:
    """A case of other-city, filed through Open311 with its own key (its citizens' LINE is another account)."""
    key, _ = complaint_staff.new_api_key(OTHER, "browser test", datetime.now(BANGKOK))
    body = urllib.parse.urlencode({"jurisdiction_id": OTHER, "api_key": key, "service_code": "road", "lat": "18.79",
                                   "long": "98.98", "description": "ถนนชำรุดในเมืองอื่น"}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{dev.url}/open311/v2/requests.json", data=body)) as answer:
        return json.loads(answer.read())[0]["service_request_id"]


@pytest.mark.parametrize("where", ["sign-in", "complaints", "queue"])
def test_axe_finds_no_serious_violation(chromium, officer, dev, where):
    """GIVEN a console page WHEN axe-core checks it THEN no serious or critical violation."""
    if where == "sign-in":
        context = chromium.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{dev.url}/console/")
        page.wait_for_selector("button[data-role]")
    else:
        page = officer(bypass_csp=True)
        page.goto(f"{dev.url}/console/#/{where}")
        page.wait_for_selector("main h2")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("serious", "critical")]
    if where == "sign-in":
        page.context.close()
    assert serious == []
