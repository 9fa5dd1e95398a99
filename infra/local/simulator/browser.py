"""Driving the chat simulator in a real browser (Playwright for Python + Debian's Chromium), as a person would:
the browser tests (tests/e2e/browser) and the README's screenshot (`python -m infra.local.simulator.screenshot`)
both use it. Playwright's own browser download does not work here, so it drives /usr/bin/chromium ($CHROMIUM).

Every wait is for an outcome (a message on screen), generous (WAIT_MS), never a deadline on the system.
"""

import os
import re
from pathlib import Path

from civic.i18n import t

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# No sandbox (root in CI) and no traffic of Chromium's own: the machine reaches only package registries.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"]
WAIT_MS = 60_000
REFERENCE = re.compile(r"BK-[0-9A-Z]{5}-[0-9A-Z]{5}")


def launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium "
                           "(apt-get install chromium), or set $CHROMIUM")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def open_simulator(browser, url: str, width: int = 1280, height: int = 900):
    """A fresh page (its own storage: no citizens yet) on the simulator, ready."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{url}/simulator/")
    page.wait_for_selector("body[data-ready=true]")
    return page


class Phone:
    """One simulated citizen's phone on the page."""

    def __init__(self, page, name: str, lang: str):
        self.page, self.name, self.lang = page, name, lang
        self.root = page.locator(f"[data-testid=phone][data-citizen='{name}']")

    @classmethod
    def add(cls, page, name: str, lang: str = "th") -> "Phone":
        page.fill("#citizen-name", name)
        page.select_option("#citizen-language", lang)
        page.click("#add-citizen button[type=submit]")
        phone = cls(page, name, lang)
        phone.root.wait_for()
        return phone

    @property
    def user_id(self) -> str:
        return self.root.get_attribute("id").removeprefix("phone-")

    @property
    def bot(self):
        return self.root.locator(".entry.bot")

    def last(self):
        return self.bot.last

    def wait_for_bot(self, text: str, after: int = 0):
        """The first bot message from the `after`-th on that contains text, once it has arrived."""
        selector = f"#phone-{self.user_id} .entry.bot"
        self.page.wait_for_function(
            "([selector, after, text]) => [...document.querySelectorAll(selector)].slice(after)"
            ".some((item) => item.innerText.includes(text))", arg=[selector, after, text], timeout=WAIT_MS)
        for i in range(after, self.bot.count()):
            if text in self.bot.nth(i).inner_text():
                return self.bot.nth(i)
        raise AssertionError(f"no bot message from #{after} with {text!r}")

    def count(self) -> int:
        return self.bot.count()

    def follow(self):
        before = self.count()
        self.root.get_by_test_id("follow").click()
        return self.wait_for_bot("PDPA", before)

    def tap_button(self, label: str, within=None):
        (within or self.root).get_by_role("button", name=label, exact=True).last.click()

    def tap_rich_menu(self, entry_label: str):
        """The rich-menu area of an entry (its catalogue key), by its spoken label: Thai · English."""
        name = f"{t('th', entry_label)} · {t('en', entry_label)}"
        self.root.locator(".rich-menu-areas").get_by_role("button", name=name, exact=True).click()

    def consent(self):
        before = self.count()
        self.tap_button(t(self.lang, "consent_yes"), self.root.get_by_test_id("quick-replies"))
        return self.wait_for_bot(t(self.lang, "consent_granted")[:12], before)

    def quick_replies(self):
        return self.root.get_by_test_id("quick-replies").get_by_role("button")

    def book_first_slot(self):
        """Through the rich menu: the first service, its first day (a quick reply) and time (a card's button),
        not a priority group when asked, confirm. Returns the confirmation card and the reference on it."""
        before = self.count()
        self.tap_rich_menu("menu_booking")
        services = self.wait_for_bot(t(self.lang, "bk_pick"), before)
        before = self.count()
        services.get_by_role("button", name=t(self.lang, "bk_pick"), exact=True).first.click()
        self.wait_for_bot(t(self.lang, "bk_choose_day", service="").strip().splitlines()[0], before)
        before = self.count()
        self.quick_replies().first.click()
        times = self.wait_for_bot(t(self.lang, "bk_choose_time"), before)
        before = self.count()
        times.get_by_role("button").first.click()
        self.bot.nth(before).wait_for(timeout=WAIT_MS)
        step = self.bot.nth(before)
        if t(self.lang, "bk_confirm") not in step.inner_text():  # priority seats are kept: "not a priority group"
            before = self.count()
            self.tap_button(t(self.lang, "bk_priority_none"), self.root.get_by_test_id("quick-replies"))
            step = self.wait_for_bot(t(self.lang, "bk_confirm"), before)
        before = self.count()
        step.get_by_role("button", name=t(self.lang, "bk_confirm"), exact=True).click()
        card = self.wait_for_bot(t(self.lang, "bk_booked_title").split()[0], before)
        return card, REFERENCE.search(card.inner_text()).group(0)
