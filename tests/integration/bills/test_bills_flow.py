"""A citizen links a water account in the chat, staff import the month's bills as a file, and the citizen gets
the bill card; the file's mistakes come back line by line (RELIABILITY row 43)."""

import urllib.request

from civic.tables import bill_links
from tests.citizen import Citizen, button, words

from .conftest import AGENCY, batch, csv_bytes, eventually, fresh_accounts, link, linked_citizen, staff, upload


def _cards(dev, user) -> list[dict]:
    return [r["message"] for r in dev.line.received(user) if r["endpoint"] == "push"]


def test_a_citizen_links_an_account_with_the_last_bills_amount(dev):
    """GIVEN the demo waterworks, which checks the last bill's amount WHEN a citizen types the keyword, the
    account number on the paper bill and November's amount (245.00) THEN the account is linked, with its
    address in the answer, and "my bills" lists its recent bills in Thai with the Buddhist year."""
    citizen = Citizen(dev)
    citizen.follow("สมหญิง")
    (ask,) = citizen.say("ผูกบัญชี")
    assert "เลขที่ผู้ใช้" in ask["text"]
    (check,) = citizen.say("1100000001")
    assert "ยอดเงิน" in check["text"]
    (done,) = citizen.say("245.00")
    assert "ผูกบัญชี 1100000001 แล้ว" in done["text"] and "ถ.ราษฎร์บำรุง" in done["text"]
    assert bill_links.link_of(citizen.user, AGENCY, "1100000001") is not None
    (mine,) = citizen.say("บิลของฉัน")
    assert "1100000001" in words(mine) and "พ.ย. 2569" in words(mine) and "฿245.00" in words(mine)


def test_wrong_checks_say_how_many_tries_remain_and_then_pause(dev):
    """GIVEN a citizen linking with wrong amounts WHEN they answer wrong five times THEN each answer says how
    many tries remain (4, 3, 2, 1), the fifth pauses linking for 15 minutes, and even the right amount is then
    refused until the pause ends; nothing was linked."""
    citizen = Citizen(dev)
    citizen.follow("ทดลอง")
    left = []
    for _ in range(4):
        (answer,) = link(citizen, "1100000002", "1.00")
        left.append(answer["text"])
    assert [int(t.split("อีก ")[1].split(" ")[0]) for t in left] == [4, 3, 2, 1]
    (paused,) = link(citizen, "1100000002", "2.00")
    assert "15 นาที" in paused["text"]
    (still,) = citizen.say("ผูกบัญชี")
    assert "รอ" in still["text"] and "นาที" in still["text"]
    assert bill_links.links(citizen.user, AGENCY) == []


def test_an_imported_bill_reaches_the_linked_citizen_as_a_card(dev):
    """GIVEN a citizen who linked account 1100000004 WHEN staff import the month's file (UTF-8) THEN the batch
    reports 5 imported, 0 rejected, and the citizen gets one push: a card with the account and address, the
    month, the usage and its change, ฿308.00, the due date in Thai with the Buddhist year, a pay button and
    the Thai QR picture, which the stack serves as a PNG."""
    citizen = linked_citizen(dev, "1100000004", "297.50")
    found = batch(dev, upload(dev, "bills-utf8.csv"), "notified")
    assert (found["imported"], found["rejected"]) == (5, 0) and found["linked_pushes_planned"] >= 1
    (card,) = eventually(lambda: _cards(dev, citizen.user))
    text = words(card)
    for expected in ("1100000004", "ถ.กาญจนาภิเษก", "ธ.ค. 2569", "26 ลบ.ม.", "มากกว่าเดือนก่อน 1 ลบ.ม.", "฿308.00",
                     "อา. 20 ธ.ค. 2569", "ชำระเงิน"):
        assert expected in text, expected
    qr = card["contents"]["hero"]["url"]
    with urllib.request.urlopen(qr, timeout=10) as picture:
        assert picture.headers["content-type"] == "image/png" and picture.read().startswith(b"\x89PNG")


def test_a_tis620_file_is_read_and_importing_the_same_bills_again_sends_nothing_twice(dev):
    """GIVEN a linked citizen WHEN the month's bills are imported from a UTF-8 file, then from the same rows in
    TIS-620 (cp874, as Thai Excel saves), then from the UTF-8 file once more THEN the TIS-620 file is read row
    for row (5 unchanged, none rejected, its Thai unit intact) and the citizen has exactly one card."""
    numbers = fresh_accounts(dev, 5)
    citizen = linked_citizen(dev, numbers[0], "200.00")
    rows = [[n, "2026-12", 21, "210.00", "20/12/2569", "ลบ.ม."] for n in numbers]
    first = batch(dev, upload(dev, "", data=csv_bytes(rows)), "notified")
    again = batch(dev, upload(dev, "", data=csv_bytes(rows, "cp874")), "notified")
    once_more = batch(dev, upload(dev, "", data=b"\xef\xbb\xbf" + csv_bytes(rows + [rows[0][:]])), "notified")
    assert (first["imported"], again["imported"], again["unchanged"], again["rejected"]) == (5, 0, 5, 0)
    assert once_more["unchanged"] == 5 and once_more["rejected"] == 1  # the repeated last row: a duplicate
    dev.stack.drain()
    (card,) = _cards(dev, citizen.user)
    assert "21 ลบ.ม." in words(card)


def test_a_broken_file_gets_a_report_of_every_rejected_line_and_its_valid_rows_are_imported(dev):
    """GIVEN the demo's broken file (a negative amount, an impossible date, a duplicate row, an unknown
    account, a missing usage, a bad month) WHEN it is imported THEN the valid row is imported and the report
    names each other line with its reason (row 43)."""
    found = batch(dev, upload(dev, "bills-broken.csv"), "notified")
    status, report = staff(dev, "GET", f"/agency/bill/batches/{found['batch_id']}/rejects", role="officer")
    assert status == 200
    reasons = {r["line"]: r["reason"] for r in report}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "negative" in reasons[3] and "not a date" in reasons[4] and reasons[5] == "duplicate of line 2"
    assert "unknown account 9999999999" in reasons[6] and "usage is empty" in reasons[7]
    assert "not a month" in reasons[8]
    assert found["rows"] == 7 and found["rejected"] == 6 and found["imported"] + found["unchanged"] == 1


def test_a_file_missing_a_column_or_in_an_unreadable_encoding_is_refused_with_the_reason(dev):
    """GIVEN a bills file without due_date, and one saved as UTF-16 WHEN each is imported THEN each batch fails
    with a message naming the missing column, or saying to save as CSV UTF-8; nothing is imported."""
    missing = batch(dev, upload(dev, "bills-missing-column.csv"), "failed")
    assert "due_date" in missing["message"] and missing["imported"] == 0
    utf16 = "account,period,usage,amount,due_date\n1,2026-12,1,1.00,2026-12-20\n".encode("utf-16")
    refused = batch(dev, upload(dev, "", data=utf16), "failed")
    assert "UTF-16" in refused["message"] and "CSV UTF-8" in refused["message"]


def test_a_usage_far_above_the_recent_average_warns_of_a_leak(dev):
    """GIVEN an account that used about 12 m³ a month for three months, linked by a citizen WHEN a bill of
    48 m³ is imported THEN the citizen's push holds the card and the warning "อาจมีน้ำรั่ว" with the average;
    an account whose usage stayed level gets the card alone."""
    history = (("2026-09", 12), ("2026-10", 11), ("2026-11", 13))
    leaking, level = fresh_accounts(dev, 2, months=history)
    warned, calm = linked_citizen(dev, leaking, "130.00"), linked_citizen(dev, level, "130.00")
    rows = [[leaking, "2026-12", 48, "480.00", "2026-12-20", ""], [level, "2026-12", 13, "130.00", "2026-12-20", ""]]
    batch(dev, upload(dev, "", data=csv_bytes(rows)), "notified")
    card, warning = eventually(lambda: _cards(dev, warned.user) if len(_cards(dev, warned.user)) == 2 else None)
    assert card["type"] == "flex" and "อาจมีน้ำรั่ว" in warning["text"] and "12 ลบ.ม." in warning["text"]
    dev.stack.drain()
    (only,) = _cards(dev, calm.user)
    assert only["type"] == "flex" and "รั่ว" not in words(only)


def test_a_citizen_renames_and_unlinks_an_account_and_cannot_touch_anothers(dev):
    """GIVEN a citizen with a linked account WHEN they tap rename and type "ร้านกาแฟ", then tap unlink on another
    citizen's account (tampered data), then unlink their own and confirm THEN the name shows in "my bills", the
    tampered button is refused, and the account is gone from their links (not from the other citizen's)."""
    number, others = fresh_accounts(dev, 2)
    citizen, other = linked_citizen(dev, number, "200.00"), linked_citizen(dev, others, "200.00")
    (ask,) = citizen.tap(f"1/bl/rename?a={number}")
    assert number in ask["text"]
    (renamed,) = citizen.say("ร้านกาแฟ")
    assert "ร้านกาแฟ" in renamed["text"]
    assert "ร้านกาแฟ" in words(citizen.say("บิลของฉัน"))
    (refused,) = citizen.tap(f"1/bl/unlink?a={others}")
    assert "ใช้ไม่ได้" in refused["text"]
    (confirm,) = citizen.tap(f"1/bl/unlink?a={number}")
    (done,) = citizen.tap(button([confirm], "1/bl/unlinkok"))
    assert "ยกเลิกบัญชี" in done["text"]
    assert bill_links.links(citizen.user, AGENCY) == []
    assert bill_links.link_of(other.user, AGENCY, others) is not None


def test_a_file_uploaded_to_the_link_the_api_gives_is_imported(dev):
    """GIVEN staff asking for an upload link WHEN they PUT a bills file to it (straight to the imports bucket)
    THEN the bucket's notification starts its batch, which appears in the list and imports the rows."""
    numbers = fresh_accounts(dev, 2)
    status, link = staff(dev, "POST", "/agency/bill/uploads", {"kind": "bills"})
    assert status == 200 and link["key"].startswith(f"imports/{AGENCY}/bills/")
    rows = [[n, "2027-08", 9, "90.00", "2027-08-20", ""] for n in numbers]
    request = urllib.request.Request(link["upload_url"], data=csv_bytes(rows), method="PUT",
                                     headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200

    def listed():
        """the upload's batch is listed"""
        found = [b for b in staff(dev, "GET", "/agency/bill/batches", role="officer")[1]
                 if b["file"] == link["key"].rsplit("/", 1)[-1]]
        return found[0] if found and found[0]["status"] == "notified" else None

    assert eventually(listed, timeout=90)["imported"] == 2
