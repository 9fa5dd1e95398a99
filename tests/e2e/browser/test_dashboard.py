"""The public dashboard (/dashboard/, no sign-in) in headless Chromium on the whole local stack: a complaint a
citizen filed in LINE shows with its category, area and status and nothing personal; the figures are charts
with their tables; English is a switch that changes the headings and the page's language and is remembered;
another agency's case stays on its own dashboard; axe-core finds no serious violation. There is no internet
here, so the map's tiles fail and the list of cases is what is checked (the tiles are refused outright, so
the page's fallback is exercised the same way on any machine). Waits are for outcomes on screen."""

import base64
import json

import pytest
from playwright.sync_api import expect

from infra.local.simulator import browser as driver
from tests.citizen import Citizen
from tests.e2e.browser.test_console import AGENCY, AXE, CASE_REF, OTHER, _file_with_other_city, _jpeg
from tests.e2e.browser.test_console_admin import _api

pytestmark = pytest.mark.e2e
REPORTER = "ปริญญา แดชบอร์ดทดสอบ"


@pytest.fixture
def dashboard(chromium, dev):
    """Open the dashboard (optionally for a jurisdiction) in a fresh page (its own storage), tiles refused;
    JavaScript errors on any page opened fail the test."""
    contexts, errors = [], []

    def open_at(query: str = "", bypass_csp: bool = False, context=None):
        if context is None:
            context = chromium.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=bypass_csp)
            context.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
            contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(driver.WAIT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{dev.url}/dashboard/{query}")
        return page

    yield open_at
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the dashboard: {errors}"


@pytest.fixture(scope="module")
def filed(dev):
    """A road complaint filed in LINE by a citizen whose LINE profile has a display name, inside the demo
    municipality's north zone: (its reference, the citizen's LINE user id)."""
    citizen = Citizen(dev)
    citizen.follow(name=REPORTER)
    steps = citizen.report(category="road", words="ถนนทรุดหน้าโรงเรียน", at=(13.7563, 100.5018))
    ref = CASE_REF.search(json.dumps(steps[-1], ensure_ascii=False)).group(0)
    return ref, citizen.user


def test_a_filed_case_shows_with_category_area_and_status_and_nothing_personal(dashboard, filed):
    """GIVEN a complaint filed in LINE by a citizen with a display name WHEN the dashboard opens (no internet
    for the map's tiles) THEN the map gives way to the list, the case is listed with its category, area and
    status, and neither the page's text nor its HTML holds the reporter's name or LINE user id."""
    ref, user_id = filed
    page = dashboard()
    case = page.locator(f"#case-list li[data-ref='{ref}']")
    expect(case).to_contain_text("ถนน/ทางเท้าชำรุด")
    expect(case).to_contain_text("เขตเหนือ")
    expect(case).to_contain_text("รับเรื่องแล้ว")
    expect(page.locator("#map-offline")).to_be_visible()
    expect(page.locator("#cases-map")).to_be_hidden()
    expect(page.locator("#agency-name")).to_have_text("เทศบาลตัวอย่าง")
    expect(page.locator("#privacy")).to_contain_text("ไม่มีชื่อผู้แจ้ง")
    shown, html = page.locator("body").inner_text(), page.content()
    for personal in (REPORTER, REPORTER.split()[0], user_id):
        assert personal not in shown and personal not in html, personal


def test_the_figures_are_charts_each_with_its_table_and_count_a_resolution(dashboard, dev, filed):
    """GIVEN the filed road complaint and a street-light complaint an officer resolved at once WHEN the
    dashboard opens THEN the six charts are drawn (their canvases have a size); the tables, opened, list the
    road category with an open case and the north zone, the resolution within a day and within the service
    level; the resolved case is listed as resolved."""
    citizen = Citizen(dev)
    citizen.follow(name=REPORTER)
    steps = citizen.report(category="light", words="ไฟถนนดับหน้าวัด")
    ref = CASE_REF.search(json.dumps(steps[-1], ensure_ascii=False)).group(0)
    _api(dev, "officer", "POST", f"/agency/complaint/cases/{ref}/resolve",
         {"note": "เปลี่ยนหลอดแล้ว", "photo": base64.b64encode(_jpeg()).decode()})

    page = dashboard()
    expect(page.locator(f"#case-list li[data-ref='{ref}']")).to_contain_text("แก้ไขแล้ว")
    for chart in ("chart-by-category", "chart-by-area", "chart-by-status", "chart-time-to-resolve",
                  "chart-within-sla", "chart-satisfaction"):
        expect(page.locator(f"#{chart}")).to_be_visible()
        assert page.locator(f"#{chart}").evaluate("c => c.width > 0 && c.height > 0"), chart

    def row(chart: str, label: str):
        figure = page.locator(f"figure[data-chart='{chart}']")
        if not figure.locator("details").evaluate("d => d.open"):
            figure.locator("summary").click()
        found = figure.locator("tbody tr", has=page.locator("th", has_text=label))
        expect(found).to_have_count(1)
        return [int(cell.replace(",", "")) for cell in found.locator("td").all_inner_texts()]

    assert row("chart-by-category", "ถนน/ทางเท้าชำรุด")[1] >= 1  # total, open
    assert row("chart-by-area", "เขตเหนือ")[0] >= 1
    assert row("chart-time-to-resolve", "ไม่เกิน 1 วัน")[0] >= 1  # other browser tests may resolve cases too
    assert row("chart-within-sla", "ภายในเวลาที่กำหนด")[0] >= 1
    assert row("chart-by-status", "แก้ไขแล้ว")[0] >= 1


def test_the_english_switch_changes_the_headings_and_lang_and_is_remembered(dashboard, filed):
    """GIVEN the dashboard in Thai WHEN the English switch is pressed (by keyboard) THEN the html lang is en,
    the headings and the case's category and status are English; reopened in the same browser it is still
    English; pressed again it is Thai."""
    ref, _ = filed
    page = dashboard()
    expect(page.locator("h1")).to_have_text("แดชบอร์ดเรื่องร้องเรียน")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator(f"#case-list li[data-ref='{ref}']")).to_be_visible()
    page.locator("#lang").focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Complaints dashboard")
    expect(page.locator("#h-overview")).to_have_text("Overview")
    expect(page.locator("#h-charts")).to_have_text("Complaint figures")
    expect(page.locator("#h-map")).to_have_text("Map of cases")
    expect(page.locator("#h-open-data")).to_have_text("Open data")
    case = page.locator(f"#case-list li[data-ref='{ref}']")
    expect(case).to_contain_text("Road or pavement damage")
    expect(case).to_contain_text("North zone")
    expect(case).to_contain_text("Received")

    again = dashboard(context=page.context)
    expect(again.locator("html")).to_have_attribute("lang", "en")
    expect(again.locator("h1")).to_have_text("Complaints dashboard")
    expect(again.locator(f"#case-list li[data-ref='{ref}']")).to_contain_text("Road or pavement damage")
    again.click("#lang")
    expect(again.locator("html")).to_have_attribute("lang", "th")
    expect(again.locator("#h-overview")).to_have_text("ภาพรวม")


def test_another_agency_with_the_same_ids_keeps_its_case_on_its_own_dashboard(dashboard, dev, filed):
    """GIVEN other-city, whose category codes and case references are the demo municipality's own (each agency
    numbers its cases from 1), with a road case in its centre WHEN its dashboard and the demo municipality's
    open THEN each lists only its own agency's cases, under its own area names: the demo's case (north zone)
    is absent from other-city's, other-city's (city centre) from the demo's."""
    demo_ref, _ = filed
    other_ref = _file_with_other_city(dev)

    theirs = dashboard(f"?jurisdiction_id={OTHER}")
    case = theirs.locator(f"#case-list li[data-agency='{OTHER}'][data-ref='{other_ref}']")
    expect(case).to_contain_text("ถนน/ทางเท้าชำรุด")
    expect(case).to_contain_text("เขตกลางเมือง")
    expect(theirs.locator("#agency-name")).to_have_text("เทศบาลเมืองอื่น")
    expect(theirs.locator(f"#case-list li[data-agency='{AGENCY}']")).to_have_count(0)
    expect(theirs.locator("#case-list")).not_to_contain_text("เขตเหนือ")

    ours = dashboard(f"?jurisdiction_id={AGENCY}")
    expect(ours.locator(f"#case-list li[data-agency='{AGENCY}'][data-ref='{demo_ref}']")).to_contain_text("เขตเหนือ")
    expect(ours.locator(f"#case-list li[data-agency='{OTHER}']")).to_have_count(0)
    expect(ours.locator("main")).not_to_contain_text("เขตกลางเมือง")


def test_an_unknown_agency_is_told_plainly(dashboard):
    """GIVEN a jurisdiction_id the stack does not serve WHEN the dashboard opens THEN an alert says there is no
    such agency, with a retry button, and no figures."""
    page = dashboard("?jurisdiction_id=no-such-agency")
    expect(page.get_by_role("alert")).to_contain_text("ไม่พบหน่วยงานนี้")
    expect(page.get_by_role("button", name="ลองอีกครั้ง")).to_be_visible()
    expect(page.locator("#h-overview")).to_have_count(0)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_axe_finds_no_serious_violation(dashboard, filed, lang):
    """GIVEN the dashboard with a case (in Thai, and switched to English) WHEN axe-core checks it THEN no
    serious or critical violation."""
    page = dashboard(bypass_csp=True)
    expect(page.locator("#case-list li").first).to_be_visible()
    if lang == "en":
        page.click("#lang")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#map-offline")).to_be_visible()
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("serious", "critical")]
    assert serious == []
