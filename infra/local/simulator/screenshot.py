"""`python -m infra.local.simulator.screenshot [--out docs/simulator.png]`: the README's picture of the simulator,
made the way a person would see it: the local stack, Chromium, two citizens side by side (one Thai, one in
English) booking through the rich menu. Not drawn by hand, so it shows what the code does today."""

import argparse
import logging
from pathlib import Path

from playwright.sync_api import sync_playwright

from civic.i18n import t
from infra.local.devstack import ROOT, dev_stack
from infra.local.simulator import browser as driver

DEFAULT_OUT = ROOT / "docs" / "simulator.png"


def take(out: Path, width: int = 1240, height: int = 900) -> Path:
    dev = dev_stack()
    try:
        with sync_playwright() as playwright:
            chromium = driver.launch(playwright)
            page = driver.open_simulator(chromium, dev.url, width, height)
            thai = driver.Phone.add(page, "สมศรี", "th")
            thai.follow()
            thai.consent()
            english = driver.Phone.add(page, "John", "en")
            english.follow()
            english.consent()
            english.book_first_slot()
            before = thai.count()
            thai.tap_rich_menu("menu_booking")
            thai.wait_for_bot(t("th", "bk_pick"), before)
            page.evaluate("() => document.querySelectorAll('.log').forEach((log) => log.scrollTop = log.scrollHeight)")
            page.mouse.move(0, 0)  # no hover on a tile
            page.wait_for_timeout(500)  # the last image decodes
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            chromium.close()
    finally:
        dev.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(take(args.out))


if __name__ == "__main__":
    main()
