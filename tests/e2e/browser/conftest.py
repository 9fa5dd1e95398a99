"""Browser tests of the chat simulator: Playwright for Python driving Debian's Chromium headless, on the whole local
stack (started once for this folder, as `make run` starts it). On a failure the page's screenshot and HTML are kept in
the test's output directory (pytest's tmp_path, printed in the report)."""

import pytest
from playwright.sync_api import expect, sync_playwright

from infra.local.devstack import dev_stack
from infra.local.simulator import browser as driver
from tests.e2e.browser.console import sign_in

expect.set_options(timeout=driver.WAIT_MS)


@pytest.fixture(scope="package")
def dev():
    stack = dev_stack()  # the demo agency, and the rich menu published at start-up
    yield stack
    stack.stop()


@pytest.fixture(scope="package")
def chromium():
    with sync_playwright() as playwright:
        browser = driver.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def console(chromium, dev):
    """console(agency, role) → a signed-in console page; JavaScript errors on any of them fail the test."""
    pages, errors = [], []

    def open_as(agency="demo-municipality", role="officer", **kwargs):
        pages.append(sign_in(chromium, dev.url, agency, role, **kwargs))
        pages[-1].on("pageerror", lambda error: errors.append(str(error)))
        return pages[-1]

    yield open_as
    for page in pages:
        page.context.close()
    assert not errors, f"JavaScript errors on the console: {errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(chromium, dev, request, tmp_path):
    """A fresh simulator page; JavaScript errors on it fail the test; a failed test leaves its screenshot."""
    page = driver.open_simulator(chromium, dev.url)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        (tmp_path / "failure.html").write_text(page.content(), encoding="utf-8")
        report.sections.append(("browser", f"screenshot: {shot}\npage: {tmp_path / 'failure.html'}"))
        print(f"browser screenshot kept: {shot}")
    page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
