"""Driving the staff console in a real browser, for the browser tests: sign in as a demo staff member."""

from infra.local.simulator import browser as driver


def sign_in(chromium, base_url: str, agency: str, role: str, width: int = 1024, height: int = 768,
            bypass_csp: bool = False):
    """A fresh page (its own storage) on /console/, signed in as the demo `role` of `agency` (local mode),
    showing the navigation. A tablet-sized viewport by default."""
    context = chromium.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(driver.WAIT_MS)
    page.goto(f"{base_url}/console/")
    page.click(f"button[data-agency='{agency}'][data-role='{role}']")
    page.wait_for_selector("#nav:not([hidden]) a")
    return page
