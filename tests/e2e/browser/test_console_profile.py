"""The console's agency-profile page (issue 10) in headless Chromium on the whole local stack: an admin changes
the office hours and the answer and idle minutes and they are saved (read back through the API); officers and
supervisors do not get the page; axe-core on it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.test_console import AGENCY, AXE
from tests.e2e.browser.test_console_admin import _api

pytestmark = pytest.mark.e2e


@pytest.fixture
def profile_restored(dev):
    """The demo municipality's profile put back as it was after the test (the chat tests read its hours)."""
    before = _api(dev, "officer", "GET", "/agency/profile")
    yield before
    _api(dev, "admin", "PUT", "/agency/profile", {k: v for k, v in before.items() if k != "agency_id"})


def test_an_admin_changes_the_office_hours_and_they_are_saved(console, dev, profile_restored):
    """GIVEN the demo municipality's profile WHEN an admin opens the profile page, makes Monday close at 15:00,
    adds a Saturday morning, sets the answer time to 20 minutes and the idle time to 45 and saves THEN the page
    says it is saved, and the API returns those hours and minutes (the other days unchanged)."""
    before = profile_restored
    page = console(role="admin")
    page.get_by_role("link", name="ข้อมูลหน่วยงาน", exact=True).click()
    expect(page.locator("#profile-name-th")).to_have_value(before["name_th"])
    expect(page.locator("main")).not_to_contain_text("null")
    monday = page.locator("fieldset[data-day='mon']")
    expect(monday.locator("input[type=time]").first).to_have_value(before["office_hours"]["mon"][0]["opens"])
    last = len(before["office_hours"]["mon"]) - 1
    page.fill(f"#hours-mon-{last}-closes", "15:00")
    saturday = page.locator("fieldset[data-day='sat']")
    for _ in before["office_hours"].get("sat", []):
        saturday.get_by_role("button", name="ลบช่วงเวลา: เสาร์ ช่วงที่ 1").click()
    expect(saturday).to_contain_text("ปิดทำการ")
    saturday.locator("button[data-add='sat']").click()
    page.fill("#hours-sat-0-opens", "09:00")
    page.fill("#hours-sat-0-closes", "12:00")
    page.fill("#profile-answer-minutes", "20")
    page.fill("#profile-idle-minutes", "45")
    page.click("#profile-save")
    expect(page.locator("#profile-status")).to_have_text("บันทึกแล้ว ประชาชนเห็นเวลาใหม่ทันที")

    saved = _api(dev, "officer", "GET", "/agency/profile")
    assert saved["office_hours"]["mon"][:-1] == before["office_hours"]["mon"][:-1]
    assert saved["office_hours"]["mon"][-1] == {"opens": before["office_hours"]["mon"][-1]["opens"], "closes": "15:00"}
    assert saved["office_hours"]["sat"] == [{"opens": "09:00", "closes": "12:00"}]
    assert saved["office_hours"]["tue"] == before["office_hours"]["tue"]
    assert saved["answer_minutes"] == 20 and saved["chat_idle_minutes"] == 45
    assert saved["name_th"] == before["name_th"] and saved["name_en"] == before["name_en"]


def test_an_admin_is_told_when_a_range_closes_before_it_opens_and_nothing_is_saved(console, dev, profile_restored):
    """GIVEN the profile page WHEN an admin makes Tuesday close before it opens and saves THEN the page names
    the day and the problem, and the API still has the hours as they were."""
    page = console(role="admin")
    page.goto(f"{dev.url}/console/#/profile")
    page.fill("#hours-tue-0-opens", "16:00")
    page.fill("#hours-tue-0-closes", "09:00")
    page.click("#profile-save")
    expect(page.locator("#profile-error")).to_have_text("อังคาร: เวลาเปิดต้องก่อนเวลาปิด")
    assert _api(dev, "officer", "GET", "/agency/profile") == profile_restored


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_staff_below_admin_do_not_get_the_page(console, dev, role):
    """GIVEN an officer or a supervisor WHEN they look at the navigation and open #/profile anyway THEN no link
    to it, and the page says their role cannot use it (no form); the API refuses their change (403)."""
    page = console(role=role)
    expect(page.locator("#nav-list a", has_text="แชท")).to_have_count(1)
    expect(page.locator("#nav-list a", has_text="ข้อมูลหน่วยงาน")).to_have_count(0)
    page.goto(f"{dev.url}/console/#/profile")
    expect(page.locator("main [role=alert]")).to_contain_text("บทบาทของคุณใช้หน้านี้ไม่ได้")
    expect(page.locator("#profile-save")).to_have_count(0)
    before = _api(dev, "officer", "GET", "/agency/profile")
    with pytest.raises(Exception) as refused:
        _api(dev, role, "PUT", "/agency/profile", {k: v for k, v in before.items() if k != "agency_id"})
    assert getattr(refused.value, "code", None) == 403


def test_axe_finds_no_serious_violation(console, dev):
    """GIVEN the profile page (as an admin) WHEN axe-core checks it THEN no serious or critical violation."""
    page = console(role="admin", bypass_csp=True)
    page.goto(f"{dev.url}/console/#/profile")
    page.wait_for_selector("#profile-week fieldset")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert AGENCY in page.locator("main").inner_text()
