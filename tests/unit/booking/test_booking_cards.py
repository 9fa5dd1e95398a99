"""What the booking desk says: Thai dates with the Buddhist year, plain words, every wait with its length, within
LINE's limits — and every card accepted by LINE's own schema (the fake LINE platform's validator)."""

import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from werkzeug.test import Client

from civic import messages
from civic.booking import cards
from civic.postback import decode
from civic.thai import BANGKOK
from infra.local.fake_line import FakeLine
from tests.conftest import ROOT

DAY = date(2026, 11, 26)
STARTS = datetime.combine(DAY, time(9, 30), tzinfo=BANGKOK)


@dataclass
class FakeService:
    service_id: str = "id-card"
    minutes_per_citizen: int = 10
    max_active: int = 1
    documents_th: list = field(default_factory=lambda: ["สำเนาทะเบียนบ้าน", "บัตรประชาชนใบเดิม"])

    def name(self, lang):
        return "ทำบัตรประชาชน" if lang == "th" else "ID card"

    def branch(self, lang):
        return "สำนักงานเขตตัวอย่าง ชั้น 1" if lang == "th" else "Demo district office, floor 1"

    def documents(self, lang):
        return self.documents_th if lang == "th" else ["House registration copy"]

    def map_url(self):
        return "https://www.google.com/maps/search/?api=1&query=13.756331,100.501762"


def a_booking(**overrides):
    values = dict(ref="BK-7F3K9-QXH2M", status="confirmed", starts_at=STARTS.timestamp(), previous_ref=None,
                  queue_number=None, service_id="id-card")
    return SimpleNamespace(**(values | overrides))


def an_entry():
    return SimpleNamespace(entry="1795312320961.ab12cd34", starts_at=STARTS.timestamp(),
                           offer_expires_at=(datetime(2026, 11, 25, 14, 45, tzinfo=BANGKOK)).timestamp())


def every_card(lang: str) -> dict[str, list[dict]]:
    service, booking = FakeService(), a_booking()
    return {
        "services": cards.services(lang, [service, FakeService(service_id="tax")]),
        "no services": cards.services(lang, []),
        "days": cards.days(lang, service, [DAY + timedelta(days=n) for n in range(14)], 14),
        "no days": cards.days(lang, service, [], 14),
        "times": cards.times(lang, service, DAY, [(time(h, m), 3, 1) for h in range(8, 16) for m in (0, 30)]
                             + [(time(16, 0), 0, 1)]),
        "priority": cards.ask_priority(lang, service, DAY, time(9, 30)),
        "confirm": cards.confirm(lang, service, DAY, time(9, 30), "elder", "1a2b3c4d", booking),
        "booked": cards.booked(lang, service, booking),
        "rescheduled": cards.booked(lang, service, a_booking(previous_ref="BK-00000-00000")),
        "full": cards.full(lang, service, DAY, time(9, 30), None),
        "full, moving": cards.full(lang, service, DAY, time(9, 30), None, "BK-7F3K9-QXH2M"),
        "busy": cards.busy(lang, decode("1/bk/ok?s=id-card&d=20261126&t=0930&p=none&r=1a2b3c4d")),
        "limit": cards.limit(lang, service),
        "mine": cards.mine(lang, [(booking, service), (a_booking(status="checked_in", queue_number=7), service)],
                           [(an_entry(), service, 2)]),
        "mine empty": cards.mine(lang, [], []),
        "cancel ask": cards.cancel_ask(lang, service, booking),
        "waitlist": cards.waitlist_joined(lang, service, DAY, time(9, 30), 3, 15),
        "offer": cards.offer(lang, service, an_entry(), 15),
        "reminder": cards.reminder(lang, service, booking, "day"),
        "queue": cards.queue_position(lang, booking, 12, 3, 12, checked_in=True),
        "next": cards.queue_position(lang, booking, 12, 0, 0, checked_in=False),
        "near": cards.turn_near(lang, booking, 12, 2, 8),
        "turn": cards.turn_now(lang, 12),
        "closed": cards.closed(lang, service, STARTS, "น้ำท่วม", booking.ref),
        "invalid": cards.invalid(lang),
    }


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_card_is_a_message_line_accepts(lang):
    """GIVEN every card the booking desk can send, in Thai and English WHEN pushed to the fake LINE platform, which
    validates against LINE's OpenAPI spec and limits THEN each is accepted."""
    line = Client(FakeLine("token"))
    for name, sent in every_card(lang).items():
        answer = line.post("/v2/bot/message/push", json={"to": "U" + "a" * 32, "messages": sent},
                           headers={"Authorization": "Bearer token"})
        assert answer.status_code == 200, (name, answer.get_data(as_text=True))


def test_days_are_offered_in_thai_with_the_buddhist_year_within_the_quick_reply_limit():
    """GIVEN 14 open days WHEN the day picker is built THEN the first is "พฤ. 26 พ.ย. 2569", at most 12 days plus
    "other services" (LINE allows 13), each carrying the service and date."""
    (picker,) = every_card("th")["days"]
    items = picker["quickReply"]["items"]
    assert items[0]["action"]["label"] == "พฤ. 26 พ.ย. 2569"
    assert items[0]["action"]["data"] == "1/bk/day?s=id-card&d=20261126"
    assert len(items) == 13 <= messages.QUICK_REPLY_MAX and items[-1]["action"]["data"] == "1/bk/start"


def test_times_show_the_seats_left_and_mark_seats_kept_for_priority_groups():
    """GIVEN times with free seats and one with only a priority seat WHEN the time picker is built THEN each button
    says the time and how many are free, the priority-only one says "reserved", with a note what that means."""
    (picker,) = every_card("th")["times"]
    labels = [b["action"]["label"] for b in picker["contents"]["footer"]["contents"]]
    assert labels[0] == "08:00 น. · ว่าง 3" and labels[-1] == "16:00 น. · สำรอง 1"
    assert "ผู้สูงอายุ" in str(picker["contents"]["body"])


def test_the_confirmation_card_has_everything_a_citizen_needs():
    """GIVEN a booking WHEN confirmed THEN the card names the service, branch, Thai date and time, reference and
    documents, says when reminders come, and has map, reschedule and cancel buttons."""
    (card,) = every_card("th")["booked"]
    text = str(card)
    for expected in ("ทำบัตรประชาชน", "สำนักงานเขตตัวอย่าง", "พฤ. 26 พ.ย. 2569 09:30 น.", "BK-7F3K9-QXH2M",
                     "สำเนาทะเบียนบ้าน", "ก่อนเวลานัด 1 ชั่วโมง", "maps/search", "1/bk/rs?b=BK-7F3K9-QXH2M",
                     "1/bk/cxl?b=BK-7F3K9-QXH2M"):
        assert expected in text


def test_every_wait_says_how_long():
    """GIVEN the waitlist, the offer, the queue and the turn-near messages WHEN built THEN each says how long."""
    th = every_card("th")
    assert "15 นาที" in th["waitlist"][0]["text"]
    assert "15 นาที" in str(th["offer"]) and "14:45 น." in str(th["offer"])
    assert "อีก 3 คิว ประมาณ 12 นาที" in th["queue"][0]["text"]
    assert "อีก 2 คิว ประมาณ 8 นาที" in th["near"][0]["text"]


def test_the_pure_booking_modules_need_no_aws_and_no_line_sdk():
    """GIVEN the calendar, rules and cards modules WHEN imported alone THEN neither boto3, PynamoDB nor the LINE
    SDK is loaded (domain logic is tested without AWS)."""
    code = ("import sys; import civic.booking.calendar, civic.booking.rules, civic.booking.cards; "
            "print(sorted(m for m in ('boto3', 'botocore', 'pynamodb', 'linebot') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": f"{ROOT / 'layers' / 'civic'}"}).stdout.strip()
    assert loaded == "[]"
