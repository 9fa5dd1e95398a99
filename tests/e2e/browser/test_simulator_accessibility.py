"""The simulator is usable by keyboard, labelled and readable: axe-core (vendored, run in the page) finds no WCAG 2.1
A/AA violation on a chat with the bot's cards, quick replies and the rich menu; and a citizen reaches the
rich menu and the composer with Tab and acts with Enter."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from civic.i18n import t
from civic.rich_menu import menu
from infra.local.simulator.browser import Phone

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "where": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def test_the_chat_passes_an_accessibility_check(page):
    """GIVEN a citizen's chat with the welcome, the consent quick replies, the services card and the rich menu
    WHEN axe-core checks the page against WCAG 2.1 A and AA (labels, names, contrast, structure) THEN no
    violation."""
    phone = Phone.add(page, "สมหญิง", "th")
    phone.follow()
    phone.consent()
    before = phone.count()
    phone.tap_rich_menu("menu_booking")
    phone.wait_for_bot(t("th", "bk_pick"), before)
    Phone.add(page, "Jane", "en")  # a second phone, not yet a friend

    assert _violations(page) == []


def _tab_to(page, name: str | None = None, testid: str | None = None, limit: int = 80) -> None:
    """Press Tab until the focused element has this accessible name (aria-label or text) or data-testid."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.getAttribute('aria-label') || "
                                "document.activeElement.textContent.trim(), document.activeElement.dataset.testid]")
        if (name is not None and focused[0] == name) or (testid is not None and focused[1] == testid):
            return
    raise AssertionError(f"Tab never reached {name or testid!r}")


def test_a_citizen_uses_the_rich_menu_and_the_composer_by_keyboard(page):
    """GIVEN a friend's chat WHEN they Tab to the rich menu's "คิวของฉัน" and press Enter, then Tab on to the
    message box, type "เมนู" and press Enter THEN "my bookings" answers (none yet), then the help answers; the
    focused menu area shows a visible outline."""
    phone = Phone.add(page, "ใจดี", "th")
    phone.follow()

    before = phone.count()
    _tab_to(page, name=f"{t('th', 'menu_my_bookings')} · {t('en', 'menu_my_bookings')}")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("Enter")
    phone.wait_for_bot(t("th", "bk_mine_none"), before)

    before = phone.count()
    _tab_to(page, testid="say")
    page.keyboard.type("เมนู")
    page.keyboard.press("Enter")
    phone.wait_for_bot(t("th", "help_with_menu"), before)
    assert outline not in ("", "none")
    expect(phone.root.get_by_test_id("say")).to_have_value("")


def test_on_a_phone_sized_screen_the_chat_fills_the_width_and_the_menu_is_easy_to_tap(page):
    """GIVEN a 390×844 screen (a phone) WHEN a citizen adds the account THEN their chat spans the screen's width
    with nothing wider than it, and every rich-menu area is at least 44×44 CSS pixels (a thumb's target)."""
    page.set_viewport_size({"width": 390, "height": 844})
    phone = Phone.add(page, "ยายสม", "th")
    phone.follow()

    assert round(phone.root.bounding_box()["width"]) == 390
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    areas = phone.root.locator(".rich-menu-areas button")
    expect(areas).to_have_count(len(menu.resolve()))
    for box in (a.bounding_box() for a in areas.all()):
        assert box["width"] >= 44 and box["height"] >= 44
