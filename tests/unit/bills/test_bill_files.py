"""Billing files as agencies send them: encodings found (never guessed wrong), headers, rows and their reasons."""

from datetime import date
from decimal import Decimal

import pytest

from civic.bills import csvrows

HEADER = "account,period,usage,amount,due_date,unit"
THAI_HEADER = "เลขที่ผู้ใช้น้ำ,รอบบิล,หน่วยที่ใช้,จำนวนเงิน,วันครบกำหนด,หน่วยนับ"


def _file(encoding: str, *rows: str, header: str = THAI_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp874", "cp874"),
                                               ("tis-620", "cp874")])
def test_each_encoding_agencies_use_is_recognised_from_the_first_non_ascii_line(encoding, expected):
    """GIVEN the same Thai file saved as UTF-8, UTF-8 with a BOM, cp874 and TIS-620 WHEN its lines are split THEN
    the encoding is named from its bytes and every line decodes to the same text."""
    data = _file(encoding, "1100000001,2026-12,19,234.50,20/12/2569,ลบ.ม.")
    lines, consumed, found = csvrows.lines_of(data, 1, None, final=True)
    assert found == expected and consumed == len(data)
    assert [csvrows.decode_line(raw, found) for _, raw in lines] == [
        THAI_HEADER, "1100000001,2026-12,19,234.50,20/12/2569,ลบ.ม."]


@pytest.mark.parametrize("data,reason", [("a,b\n".encode("utf-16"), "UTF-16"),
                                         ("account,ชื่อ\n".encode("utf-8")[:0] + b"caf\xe9,1\n", "neither")])
def test_encodings_we_do_not_read_are_refused_with_what_to_do(data, reason):
    """GIVEN a UTF-16 file (Excel's "Unicode text") or Latin-1 bytes WHEN read THEN the file is refused with the
    reason and "save as CSV UTF-8" — never read as something it is not."""
    with pytest.raises(csvrows.FileRefused) as refused:
        csvrows.lines_of(data, 1, None, final=True)
    assert reason in str(refused.value) and "CSV UTF-8" in str(refused.value)


def test_a_file_is_cut_between_lines_and_a_piece_ends_before_a_line_it_does_not_hold_whole():
    """GIVEN the first 40 bytes of a file WHEN split (not the end of the file) THEN only whole lines come out,
    numbered from the piece's first line, and `consumed` says where the next piece starts."""
    data = _file("utf-8", "1100000001,2026-12,19,234.50,2026-12-20,", "1100000002,2026-12,31,360.50,2026-12-20,",
                 header=HEADER)
    lines, consumed, _ = csvrows.lines_of(data[:60], 7, None, final=False)
    assert [n for n, _ in lines] == [7] and consumed == len(HEADER) + 1
    rest, _, _ = csvrows.lines_of(data[consumed:], 8, None, final=True)
    assert [n for n, _ in rest] == [8, 9]


def test_a_header_missing_columns_names_every_one_and_thai_headers_are_understood():
    """GIVEN a bills header without amount and due_date, and one written in Thai WHEN read THEN the first is
    refused naming both columns; the second maps to our columns."""
    with pytest.raises(csvrows.FileRefused) as refused:
        csvrows.header("account,period,usage", "bills")
    assert "amount, due_date" in str(refused.value)
    columns = csvrows.header(THAI_HEADER, "bills")
    assert columns == {"account": 0, "period": 1, "usage": 2, "amount": 3, "due_date": 4, "unit": 5}


def test_rows_are_typed_and_every_bad_one_gets_its_line_and_reason():
    """GIVEN rows with a negative amount, an impossible date, a bad month, a missing usage, too many decimals, a
    duplicate, and good ones (a Buddhist-year date, a comma in the amount) WHEN parsed THEN the good ones are
    typed and each bad one is rejected with its line and a reason staff can act on (row 43)."""
    columns = csvrows.header(HEADER, "bills")
    parsed = csvrows.rows("bills", [
        (2, "1100000001,2026-12,19,\"1,234.50\",20/12/2569,ลบ.ม."),
        (3, "1100000002,2026-12,31,-12.00,2026-12-20,"),
        (4, "1100000003,2026-12,48,539.00,31/02/2569,"),
        (5, "1100000004,13/2569,26,308.00,2026-12-20,"),
        (6, "1100000005,2026-12,,192.50,2026-12-20,"),
        (7, "1100000006,2026-12,5,1.005,2026-12-20,"),
        (8, "1100000001,2569-12,19,1234.50,2026-12-20,"),
        (9, ""),
    ], columns)
    (good,) = parsed.rows
    assert (good.account, good.period, good.amount, good.due) == ("1100000001", "2026-12", Decimal("1234.50"),
                                                                  date(2026, 12, 20))
    reasons = dict(parsed.rejects)
    assert "negative" in reasons[3] and "not a date" in reasons[4] and "not a month" in reasons[5]
    assert reasons[6] == "usage is empty" and "two decimals" in reasons[7] and reasons[8] == "duplicate of line 2"


def test_account_rows_keep_a_hash_of_the_id_digits_never_the_digits():
    """GIVEN an accounts row with the ID's last four digits WHEN its check is kept THEN it is a hash that does not
    contain the digits, differs between agencies and accounts, and a non-number is refused."""
    columns = csvrows.header("account,address,district,subdistrict,id_last4", "accounts")
    parsed = csvrows.rows("accounts", [(2, "1100000001,12/3 ถ.ราษฎร์บำรุง,เมือง,ในเมือง,1234"),
                                       (3, "1100000002,45 ซ.วัดกลาง,เมือง,ท่าช้าง,12a4")], columns)
    (row,) = parsed.rows
    check = csvrows.check_hash("demo", row.account, row.id_last4)
    assert "1234" not in check and check != csvrows.check_hash("other", row.account, "1234")
    assert parsed.rejects == [(3, "id_last4 is not four digits")]
