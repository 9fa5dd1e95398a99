"""The console's figures and rich-menu pages (issue 10) in headless Chromium on the whole local stack: the
figures follow a complaint filed by a citizen and stay within their agency; an admin reorders and publishes
the rich menu and LINE's default menu changes; an officer sees it read-only; axe-core on both pages."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from civic import domains
from tests.citizen import Citizen
from tests.e2e.browser.test_console import AGENCY, AXE, OTHER

pytestmark = pytest.mark.e2e


def _cases_shown(page, dev, agency: str) -> int:
    page.goto(f"{dev.url}/console/#/figures?days=7")
    page.reload()  # the same hash is not a navigation: read the figures afresh
    expect(page.locator("#fig-cases .figure-value")).not_to_have_text("—")
    return int(page.locator("#fig-cases .figure-value").inner_text().replace(",", ""))


def test_the_figures_count_a_filed_complaint_for_its_agency_only(console, dev):
    """GIVEN the figures pages of demo-municipality and other-city WHEN a citizen files a road complaint with
    demo-municipality THEN its cases figure and today's filed count rise by one, the category table lists
    road, and other-city's figure does not move."""
    mine, other = console(), console(OTHER)
    before, other_before = _cases_shown(mine, dev, AGENCY), _cases_shown(other, dev, OTHER)
    citizen = Citizen(dev)
    citizen.follow()
    citizen.report(category="road", words="ถนนทรุดหน้าตลาด")

    assert _cases_shown(mine, dev, AGENCY) == before + 1
    assert _cases_shown(other, dev, OTHER) == other_before
    by_category = mine.locator("#chart-cases-by-category").locator("xpath=ancestor::figure")
    expect(by_category.locator("tbody th", has_text="road")).to_have_count(1)
    expect(mine.locator("#chart-cases-by-day")).to_be_visible()  # Chart.js drew (the canvas has a size)
    assert mine.locator("#chart-cases-by-day").evaluate("c => c.width > 0 && c.height > 0")


def test_the_figures_show_the_months_quota_and_other_city_is_told_the_channel_is_not_theirs(console, dev):
    """GIVEN the fake LINE with no monthly limit (the stack's default) WHEN an officer opens the figures THEN
    the quota shows as unlimited with this month's use from LINE; other-city's officer (not the channel's
    agency) is told the channel is not theirs, and its complaint and booking figures still show."""
    page = console()
    page.goto(f"{dev.url}/console/#/figures")
    expect(page.locator("#fig-quota-limit .figure-value")).to_have_text("ไม่จำกัด")
    assert page.locator("#fig-quota-used .figure-value").inner_text().replace(",", "").isdigit()
    expect(page.locator("#fig-m").locator("xpath=..")).not_to_contain_text("LINE ไม่ตอบ")

    other = console(OTHER)
    other.goto(f"{dev.url}/console/#/figures")
    expect(other.locator("#fig-m").locator("xpath=..")).to_contain_text("ไม่ได้ใช้ช่อง LINE")
    expect(other.locator("#fig-cases")).to_be_visible()
    expect(other.locator("#fig-no-show")).to_be_visible()


def _api(dev, role: str, method: str, path: str, body: dict | None = None) -> dict:
    with urllib.request.urlopen(f"{dev.url}/_local/token?agency={AGENCY}&role={role}") as answer:
        token = json.loads(answer.read())["token"]
    request = urllib.request.Request(f"{dev.url}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def _domains_on_default_menu(dev) -> list[str]:
    """The services the channel's default menu starts, in area order (each postback names its domain)."""
    found: list[str] = []
    for area in dev.line.default_rich_menu()["areas"]:
        name = domains.BY_CODE[area["action"]["data"].split("/")[1]].name
        if name not in found:
            found.append(name)
    return found


@pytest.fixture
def menu_restored(dev):
    """The menu other browser tests tap (the simulator's), put back as it was, published, after the test."""
    shown = [x["name"] for x in _api(dev, "officer", "GET", "/agency/rich-menu")["services"] if x["enabled"]]
    yield shown
    _api(dev, "admin", "PUT", "/agency/rich-menu", {"services": shown})
    _api(dev, "admin", "POST", "/agency/rich-menu/publish")


def test_an_admin_reorders_and_publishes_the_menu_and_line_shows_it(console, dev, menu_restored):
    """GIVEN the published menu WHEN an admin moves the second service to the top, hides the last one and
    publishes THEN the page says it is published, and LINE's default menu has the services in that order
    without the hidden one."""
    shown = menu_restored
    assert len(shown) >= 3, shown
    page = console(role="admin")
    page.goto(f"{dev.url}/console/#/richmenu")
    second = page.locator("#rm-services li").nth(1)
    second.locator("button[data-move='up']").click()
    page.locator(f"#rm-{shown[-1]}").uncheck()
    page.click("#rm-publish")
    expect(page.locator("#rm-status")).to_contain_text("เผยแพร่แล้ว")

    expected = [shown[1], shown[0], *shown[2:-1]]
    assert _domains_on_default_menu(dev) == expected
    expect(page.locator("#rm-preview li")).to_have_count(len(expected))
    assert [x["name"] for x in _api(dev, "officer", "GET", "/agency/rich-menu")["services"]
            if x["enabled"]] == expected


def test_an_officer_sees_the_menu_but_cannot_change_it(console, dev):
    """GIVEN an officer WHEN they open the rich-menu page THEN the services show in menu order, read-only:
    no move buttons, the boxes and the save and publish buttons disabled."""
    page = console()
    page.goto(f"{dev.url}/console/#/richmenu")
    expect(page.locator("#rm-services li").first).to_be_visible()
    expect(page.locator("#rm-services button[data-move]")).to_have_count(0)
    expect(page.locator("#rm-save")).to_be_disabled()
    expect(page.locator("#rm-publish")).to_be_disabled()
    expect(page.locator("#rm-services input[type=checkbox]").first).to_be_disabled()
    expect(page.locator("main")).to_contain_text("ผู้ดูแลระบบเท่านั้นที่เปลี่ยนเมนูได้")
    expect(page.locator("main")).not_to_contain_text("null")


@pytest.mark.parametrize("where", ["figures", "richmenu"])
def test_axe_finds_no_serious_violation(console, dev, where):
    """GIVEN the figures or the rich-menu page (as an admin, every control shown) WHEN axe-core checks it THEN
    no serious or critical violation."""
    page = console(role="admin", bypass_csp=True)
    page.goto(f"{dev.url}/console/#/{where}")
    page.wait_for_selector("main h3")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("serious", "critical")]
    assert serious == []
