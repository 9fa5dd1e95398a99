"""The product as a citizen sees it (issue 9, "Done when"): the chat simulator at /simulator in headless Chromium, on
the whole local stack. Every tap is a signed webhook to /line/webhook; every answer is what the fake LINE received.
Waits are for outcomes on screen, never deadlines."""

import json
import re
import urllib.request
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from civic.booking import ledger, rules, staff
from civic.booking.calendar import WEEKDAYS, Calendar, slot_id
from civic.i18n import t
from civic.tables import booking_services, bookings
from civic.thai import BANGKOK
from infra.local.simulator.browser import Phone

pytestmark = pytest.mark.e2e
AGENCY = "demo-municipality"


def test_a_citizen_follows_consents_books_through_the_rich_menu_and_sees_the_confirmation(page):
    """GIVEN the simulator with the rich menu published WHEN a Thai citizen adds the account, consents, taps
    "จองคิว" on the rich menu and then a service, day, time and "ยืนยันการจอง" THEN the welcome points at the menu
    below, every answer is marked reply (free), the confirmation card shows the booking reference, and the
    booking is in the table under that reference."""
    phone = Phone.add(page, "สมศรี", "th")

    phone.follow()
    expect(phone.bot.first).to_contain_text(t("th", "welcome_hint_menu"))
    phone.consent()
    expect(phone.root.get_by_test_id("rich-menu")).to_be_visible()
    card, ref = phone.book_first_slot()

    expect(card).to_contain_text(t("th", "bk_booked_title").split()[0])
    (booked,) = [b for b in bookings.of_citizen(phone.user_id) if b.status == "confirmed"]
    assert booked.ref == ref
    assert set(phone.root.get_by_test_id("billing").all_inner_texts()) == {f"reply · {'ฟรี'}"}


def _booked_tomorrow(user: str, service_id: str) -> bookings.Booking:
    """Arranged as staff and a citizen's earlier booking would leave it: a service of its own, open tomorrow at
    10:00, booked by the citizen (the booking journey itself is the test above)."""
    now = datetime.now(BANGKOK)
    service = staff.save_service(AGENCY, service_id, {"name_th": "ทดสอบจำลอง", "name_en": "Simulator test",
                                                      "branch_th": "ช่อง 9", "branch_en": "Counter 9"})
    staff.set_calendar(service, Calendar(hours={d: [("10:00", "11:00")] for d in WEEKDAYS}, slot_minutes=60, seats=2,
                                         thai_holidays=False, horizon_days=3), now)
    slot = slot_id(AGENCY, service_id, now.date() + timedelta(days=1), time(10))
    outcome = ledger.book(user, booking_services.find(AGENCY, service_id), slot, None,
                          rules.booking_ref(user, slot, "sim00000"), now)
    assert outcome.kind == "booked"
    return outcome.booking


def test_my_data_from_the_rich_menu_shows_the_booking(page):
    """GIVEN a citizen with a booking WHEN they tap "ข้อมูลของฉัน" on the rich menu and then "ขอสำเนาข้อมูล" THEN the
    card counts the records held, and the copy it links to holds the booking's reference."""
    phone = Phone.add(page, "มานี", "th")
    phone.follow()
    ref = _booked_tomorrow(phone.user_id, "sim-my-data").ref

    before = phone.count()
    phone.tap_rich_menu("menu_my_data")
    mine = phone.wait_for_bot(t("th", "my_data_title"), before)
    assert re.search(t("th", "my_data_records", count=r"[1-9]\d*"), mine.inner_text())
    before = phone.count()
    mine.get_by_role("button", name=t("th", "my_data_export"), exact=True).click()
    link = phone.wait_for_bot("http", before).inner_text()
    url = re.search(r"https?://\S+", link).group(0)
    with urllib.request.urlopen(url, timeout=30) as answer:
        copy = json.loads(answer.read())
    assert ref in json.dumps(copy)


def _staff_token(dev) -> str:
    with urllib.request.urlopen(f"{dev.url}/_local/token?agency={AGENCY}&role=supervisor") as answer:
        return json.loads(answer.read())["token"]


def _close_day(dev, service: str, day: str, reason: str) -> dict:
    request = urllib.request.Request(
        f"{dev.url}/agency/booking/services/{service}/days/{day}/close", method="POST",
        data=json.dumps({"reason": reason}).encode(),
        headers={"authorization": f"Bearer {_staff_token(dev)}", "content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def test_a_second_citizen_in_the_same_page_gets_a_push_as_it_arrives(page, dev):
    """GIVEN two citizens side by side, the English one booked WHEN staff close that day over the agency API
    THEN, without a reload, the English citizen's chat shows the closure notice marked push (billed), and the
    Thai citizen, who booked nothing, gets nothing."""
    thai_citizen = Phone.add(page, "สมชาย", "th")
    thai_citizen.follow()
    english = Phone.add(page, "John", "en")
    english.follow()
    booked = _booked_tomorrow(english.user_id, "sim-push")
    day = datetime.fromtimestamp(booked.starts_at, BANGKOK).date().isoformat()
    quiet = thai_citizen.count()
    before = english.count()

    _close_day(dev, booked.service_id, day, "น้ำท่วม / flooding")

    notice = english.wait_for_bot(t("en", "bk_closed_title"), before)
    expect(notice).to_contain_text(booked.ref)
    expect(notice.get_by_test_id("billing")).to_have_text("push · billed")
    assert thai_citizen.count() == quiet
