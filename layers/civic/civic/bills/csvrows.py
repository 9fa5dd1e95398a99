"""Billing files as agencies send them: the encoding found (never guessed), the header read, each row checked.

Pure: bytes and strings in, typed rows and reasons out. A file is read line by line (a quoted field may hold
commas and quotes, not line breaks), so it can be cut into pieces anywhere between two lines and each piece
read on its own: the importer streams a file of millions of rows in bounded pieces (docs/bills.md).

Encodings: UTF-8 with a BOM, UTF-8, and TIS-620 (read as cp874, its Windows superset that Thai Excel
writes). The choice is made on the first 64 KB from the first line that is not plain ASCII, and kept for the whole file: a BOM
says UTF-8; bytes that are valid UTF-8 are UTF-8 (TIS-620 Thai text is never valid UTF-8); bytes that are
valid cp874 and hold Thai letters are TIS-620; anything else (UTF-16, Latin-1, binary) is refused with the
reason. A later line that does not decode in the file's encoding is rejected with its line number.
"""

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
THAI = re.compile("[\u0e01-\u0e2e]")  # Thai consonants: Thai text has them; Latin-1 read as cp874 gives marks
KINDS = ("accounts", "bills", "payments")
MAX_LINE_BYTES = 4096
SAMPLE_BYTES = 65536
MAX_AMOUNT = Decimal("10000000")  # ฿10 million: more on one household bill is a typo
MAX_USAGE = Decimal("100000000")
ACCOUNT = re.compile(r"^[0-9A-Za-z-]{4,20}$")
AREA = re.compile(r"^[^\x00-\x1f,]{1,60}$")


class FileRefused(ValueError):
    """The whole file cannot be read: its encoding, its header. The reason is told to staff as it is."""


# ---------------------------------------------------------------- encodings

def encoding_of(head: bytes) -> str | None:
    """The file's encoding from its first bytes, or None while they are plain ASCII (any reading fits).
    Raises FileRefused for encodings we do not read."""
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    if head.startswith(UTF16_BOMS):
        raise FileRefused("the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" and upload again")
    if head.isascii():
        return None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the bytes we were given
            try:
                head[:exc.start].decode("utf-8")
                if not head[:exc.start].isascii():
                    return "utf-8"
            except UnicodeDecodeError:
                pass
    try:
        text = head.decode("cp874")
    except UnicodeDecodeError:
        raise FileRefused("the file is neither UTF-8 nor TIS-620 (cp874); save it as \"CSV UTF-8\"") from None
    if THAI.search(text):
        return "cp874"
    raise FileRefused("the file's text is neither UTF-8 nor Thai in TIS-620; save it as \"CSV UTF-8\"")


def decode_line(raw: bytes, encoding: str | None) -> str:
    """One line in the file's encoding (ASCII until it is known). Raises UnicodeDecodeError."""
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    return raw.decode(encoding or "ascii").lstrip("\ufeff").rstrip("\r\n")


# ---------------------------------------------------------------- columns

COLUMNS = {
    "accounts": {"required": ("account", "address", "district", "subdistrict"), "optional": ("id_last4",)},
    "bills": {"required": ("account", "period", "usage", "amount", "due_date"), "optional": ("unit", "read_date")},
    "payments": {"required": ("account", "period"), "optional": ("paid_date",)},
}
# Thai headers agencies already print (lower-cased, spaces removed) → our column
ALIASES = {
    "เลขที่ผู้ใช้น้ำ": "account", "เลขที่ผู้ใช้ไฟฟ้า": "account", "บัญชี": "account", "เลขที่บัญชี": "account",
    "ที่อยู่": "address", "อำเภอ": "district", "เขต": "district", "ตำบล": "subdistrict", "แขวง": "subdistrict",
    "รอบบิล": "period", "ประจำเดือน": "period", "หน่วยที่ใช้": "usage", "จำนวนหน่วย": "usage",
    "จำนวนเงิน": "amount", "ยอดเงิน": "amount", "วันครบกำหนด": "due_date", "ครบกำหนดชำระ": "due_date",
    "หน่วยนับ": "unit", "วันจดมาตร": "read_date", "วันที่ชำระ": "paid_date",
    "เลขบัตรประชาชน4หลักท้าย": "id_last4",
}


def split(line: str) -> list[str]:
    """The fields of one CSV line (RFC 4180 quoting within the line)."""
    return next(csv.reader([line], strict=True), [])


def header(line: str, kind: str) -> dict[str, int]:
    """Column → position from the header line; FileRefused names every required column missing."""
    if kind not in COLUMNS:
        raise FileRefused(f"unknown file kind {kind!r}: one of {', '.join(KINDS)}")
    try:
        names = [ALIASES.get(n.strip().lower().replace(" ", ""), n.strip().lower()) for n in split(line)]
    except csv.Error as exc:
        raise FileRefused(f"line 1 (the header) is not CSV: {exc}") from None
    missing = [c for c in COLUMNS[kind]["required"] if c not in names]
    if missing:
        raise FileRefused(f"line 1 (the header) lacks the columns: {', '.join(missing)} "
                          f"(a {kind} file has {', '.join(COLUMNS[kind]['required'])})")
    wanted = set(COLUMNS[kind]["required"]) | set(COLUMNS[kind]["optional"])
    return {name: i for i, name in reversed(list(enumerate(names))) if name in wanted}


# ---------------------------------------------------------------- values

class RowError(ValueError):
    """One row cannot be imported; the message is the reason staff read next to its line number."""


def _field(fields: list[str], columns: dict[str, int], name: str, required: bool = True) -> str:
    i = columns.get(name)
    value = fields[i].strip() if i is not None and i < len(fields) else ""
    if required and not value:
        raise RowError(f"{name} is empty")
    return value


def _year(y: int) -> int:
    return y - 543 if y > 2400 else y  # Thai files often write the Buddhist year


def parse_date(text: str, name: str) -> date:
    """2026-12-05, 05/12/2569 or 05/12/2026 (day first, as Thai bills print it)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    try:
        if m:
            return date(_year(int(m[1])), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            return date(_year(int(m[3])), int(m[2]), int(m[1]))
    except ValueError:
        raise RowError(f"{name} {text!r} is not a date") from None
    raise RowError(f"{name} {text!r} is not a date (write 2026-12-05 or 05/12/2569)")


def parse_period(text: str) -> str:
    """The billing month as YYYY-MM: 2026-11, 202611, 11/2569."""
    m = re.fullmatch(r"(\d{4})-?(\d{2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if not m:
        raise RowError(f"period {text!r} is not a month (write 2026-11 or 11/2569)")
    year, month = (int(m[1]), int(m[2])) if len(m[1]) == 4 else (int(m[2]), int(m[1]))
    year = _year(year)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise RowError(f"period {text!r} is not a month")
    return f"{year:04d}-{month:02d}"


def parse_amount(text: str, name: str, cap: Decimal) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("฿", "").strip())
    except InvalidOperation:
        raise RowError(f"{name} {text!r} is not a number") from None
    if not value.is_finite():
        raise RowError(f"{name} {text!r} is not a number")
    if value < 0:
        raise RowError(f"{name} is negative ({text})")
    if value > cap:
        raise RowError(f"{name} {text} is larger than {cap:,}")
    if value != value.quantize(Decimal("0.01")):
        raise RowError(f"{name} {text} has more than two decimals")
    return value.quantize(Decimal("0.01"))


def parse_account(text: str) -> str:
    account = text.replace(" ", "")
    if not ACCOUNT.fullmatch(account):
        raise RowError(f"account {text!r} is not 4–20 letters, digits or dashes")
    return account.upper()


def check_hash(agency: str, account: str, value: str) -> str:
    """What we keep of a check value (the last four digits of an ID): a salted hash, never the digits."""
    return hashlib.sha256(f"{agency}|{account}|{value.strip()}".encode()).hexdigest()


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class AccountRow:
    line: int
    account: str
    address: str
    district: str
    subdistrict: str
    id_last4: str | None = None


@dataclass(frozen=True)
class BillRow:
    line: int
    account: str
    period: str
    usage: Decimal
    amount: Decimal
    due: date
    unit: str = ""
    read_date: date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.account, self.period

    def same_bill(self, amount: Decimal, usage: Decimal, due: date) -> bool:
        return (self.amount, self.usage, self.due) == (amount, usage, due)


@dataclass(frozen=True)
class PaymentRow:
    line: int
    account: str
    period: str
    paid: date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.account, self.period


def _area(text: str, name: str) -> str:
    if not AREA.fullmatch(text):
        raise RowError(f"{name} {text!r} is not a place name")
    return text


def row(kind: str, line: int, text: str, columns: dict[str, int]):
    """One data line as a typed row; raises RowError with the reason."""
    try:
        fields = split(text)
    except csv.Error as exc:
        raise RowError(f"not CSV: {exc}") from None
    if kind == "accounts":
        last4 = _field(fields, columns, "id_last4", required=False)
        if last4 and not re.fullmatch(r"\d{4}", last4):
            raise RowError("id_last4 is not four digits")
        return AccountRow(line, parse_account(_field(fields, columns, "account")),
                          _field(fields, columns, "address")[:200],
                          _area(_field(fields, columns, "district"), "district"),
                          _area(_field(fields, columns, "subdistrict"), "subdistrict"), last4 or None)
    if kind == "bills":
        read = _field(fields, columns, "read_date", required=False)
        return BillRow(line, parse_account(_field(fields, columns, "account")),
                       parse_period(_field(fields, columns, "period")),
                       parse_amount(_field(fields, columns, "usage"), "usage", MAX_USAGE),
                       parse_amount(_field(fields, columns, "amount"), "amount", MAX_AMOUNT),
                       parse_date(_field(fields, columns, "due_date"), "due_date"),
                       _field(fields, columns, "unit", required=False)[:10],
                       parse_date(read, "read_date") if read else None)
    paid = _field(fields, columns, "paid_date", required=False)
    return PaymentRow(line, parse_account(_field(fields, columns, "account")),
                      parse_period(_field(fields, columns, "period")), parse_date(paid, "paid_date") if paid else None)


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def rows(kind: str, lines: list[tuple[int, str]], columns: dict[str, int]) -> Parsed:
    """Typed rows and (line, reason) rejects for a piece of a file; a blank line is skipped, a repeated key
    (the same account, or account and period) is a duplicate of the first line that had it."""
    parsed, first_line = Parsed(), {}
    for line, text in lines:
        if not text.strip():
            continue
        try:
            typed = row(kind, line, text, columns)
        except RowError as exc:
            parsed.rejects.append((line, str(exc)))
            continue
        key = typed.key if kind != "accounts" else typed.account
        if key in first_line:
            parsed.rejects.append((line, f"duplicate of line {first_line[key]}"))
            continue
        first_line[key] = line
        parsed.rows.append(typed)
    return parsed


def lines_of(data: bytes, first_line: int, encoding: str | None, final: bool
             ) -> tuple[list[tuple[int, bytes]], int, str | None]:
    """Split a piece of a file into (line number, raw bytes) of its complete lines; returns them, the bytes
    consumed and the encoding (decided on the first line that is not ASCII). The last line counts as
    complete only when `final` (the end of the file)."""
    out, start, number = [], 0, first_line
    while True:
        end = data.find(b"\n", start)
        if end < 0:
            if final and start < len(data):
                end = len(data)
            else:
                break
        raw = data[start:end]
        if len(raw) > MAX_LINE_BYTES:
            raise FileRefused(f"line {number} is longer than {MAX_LINE_BYTES} bytes: is this a CSV file?")
        if encoding is None and not raw.isascii():
            # judged on up to 64 KB from here, not one line: a short TIS-620 word can pass for UTF-8 by chance
            sample = data[start:start + SAMPLE_BYTES]
            encoding = encoding_of(sample[:sample.rfind(b"\n") + 1 or len(sample)])
        out.append((number, raw))
        number += 1
        start = end + 1
        if end == len(data):
            break
    if not out and len(data) > MAX_LINE_BYTES:
        raise FileRefused(f"line {first_line} is longer than {MAX_LINE_BYTES} bytes: is this a CSV file?")
    return out, min(start, len(data)), encoding
