"""What the bill desk says, within LINE's limits, in Thai with the Buddhist year and amounts as ฿1,234.50."""

import json
from datetime import date
from decimal import Decimal as D

from civic.bills import cards
from civic.postback import decode


def _view(**changes) -> cards.BillView:
    values = dict(agency="การประปาเทศบาลตัวอย่าง", account="1100000001", name="บ้าน", address="12/3 ถ.ราษฎร์บำรุง",
                  period="2026-12", usage=D(19), unit="ลบ.ม.", change=D(-1), amount=D("1234.5"), due=date(2026, 12, 20),
                  pay_url="https://pay.example.go.th/water?account=1100000001",
                  qr_url="https://api.example/bills/qr/demo/ab.png", leak_average=None)
    return cards.BillView(**{**values, **changes})


def test_the_bill_card_shows_what_a_paper_bill_does():
    """GIVEN a December bill WHEN its card is built THEN the account with the citizen's name for it, the address,
    ธ.ค. 2569, the usage and its change, ฿1,234.50, อา. 20 ธ.ค. 2569, the QR picture, a pay button and "my bills";
    the bubble is under LINE's 30 KB."""
    (card,) = cards.bill("th", _view())
    text = json.dumps(card, ensure_ascii=False)
    for expected in ("1100000001 (บ้าน)", "12/3 ถ.ราษฎร์บำรุง", "ธ.ค. 2569", "19 ลบ.ม.", "น้อยกว่าเดือนก่อน 1 ลบ.ม.",
                     "฿1,234.50", "อา. 20 ธ.ค. 2569", "ชำระเงิน"):
        assert expected in text, expected
    assert card["contents"]["hero"]["url"].endswith(".png")
    assert len(json.dumps(card["contents"], ensure_ascii=False, separators=(",", ":")).encode()) < 30_000
    assert card["altText"] == "ใบแจ้งค่าบริการ ธ.ค. 2569 ยอด ฿1,234.50 ครบกำหนด อา. 20 ธ.ค. 2569"


def test_a_leak_adds_its_warning_and_a_bill_without_qr_or_pay_page_still_reads_well():
    """GIVEN a bill whose usage jumped, from an agency without QR or payment page WHEN built THEN the card has no
    picture and no pay button, and a second message says "อาจมีน้ำรั่ว" with the usual average."""
    card, warning = cards.bill("th", _view(qr_url=None, pay_url=None, leak_average=D("12.333")))
    assert "hero" not in card["contents"] and "ชำระเงิน" not in json.dumps(card, ensure_ascii=False)
    assert "อาจมีน้ำรั่ว" in warning["text"] and "12.3 ลบ.ม." in warning["text"]


def test_english_cards_use_the_common_era_and_the_same_amount():
    """GIVEN a citizen whose LINE is in English WHEN the card is built THEN Dec 2026, Sun 20 Dec 2026, ฿1,234.50."""
    (card,) = cards.bill("en", _view())
    text = json.dumps(card, ensure_ascii=False)
    assert "Dec 2026" in text and "Sun 20 Dec 2026" in text and "฿1,234.50" in text


def test_my_bills_is_a_carousel_of_accounts_with_buttons_carrying_the_account():
    """GIVEN two linked accounts WHEN "my bills" is built THEN a bubble each and one to link another, with rename
    and unlink buttons naming their account in postback data under 300 characters."""
    held = [(type("L", (), {"account": a, "nickname": None, "address": "x"})(), []) for a in ("1100000001", "1100000002")]
    (carousel,) = cards.mine("th", held)
    bubbles = carousel["contents"]["contents"]
    assert len(bubbles) == 3
    data = [decode(b["action"]["data"]) for b in bubbles[0]["footer"]["contents"]]
    assert [(d.action, d.params) for d in data] == [("rename", {"a": "1100000001"}), ("unlink", {"a": "1100000001"})]
