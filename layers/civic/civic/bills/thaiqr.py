"""The Thai QR bill-payment code (Bank of Thailand's Thai QR Code standard, on EMVCo merchant-presented QR),
as Thai banking apps read it, and its picture.

The payload is EMVCo TLV (two-digit tag, two-digit length, value) with merchant account information in tag 30,
bill payment: AID A000000677010112, the biller id (the agency's 13-digit tax id + a 2-digit suffix), Ref 1
(the account number) and Ref 2 (the billing month), then currency 764 (baht), the amount, country TH and a
CRC-16/CCITT-FALSE over everything before it (tag 63). The PyPI PromptPay libraries build tag 29 (transfers
to a phone or ID) only, so the TLV is written here (it is small) and checked against its own decoder and the
CRC's standard check value; the picture is drawn with segno (pure Python, no dependencies, writes PNG).
"""

import binascii
import io
import re
from decimal import Decimal

BILL_PAYMENT_AID = "A000000677010112"
REF = re.compile(r"^[0-9A-Z]{1,20}$")
BILLER = re.compile(r"^\d{15}$")


class QrError(ValueError):
    """A value Thai QR cannot carry (the biller id, a reference, the amount)."""


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise QrError(f"tag {tag} value is {len(value)} characters, over 99")
    return f"{tag}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo QR requires, in four upper-case hex digits."""
    return f"{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def reference(text: str) -> str:
    """A reference as banks take it: upper-case letters and digits, at most 20."""
    ref = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not REF.fullmatch(ref):
        raise QrError(f"reference {text!r} has no letters or digits, or more than 20")
    return ref


def bill_payment(biller_id: str, ref1: str, ref2: str | None, amount: Decimal, merchant: str | None = None) -> str:
    """The payload of a Thai QR bill payment for one bill (dynamic: it carries the amount)."""
    if not BILLER.fullmatch(biller_id):
        raise QrError("biller id is the 13-digit tax id and a 2-digit suffix: 15 digits")
    if amount <= 0 or amount >= Decimal("10000000000"):
        raise QrError(f"amount {amount} cannot be paid by QR")
    account = _tlv("00", BILL_PAYMENT_AID) + _tlv("01", biller_id) + _tlv("02", reference(ref1))
    if ref2:
        account += _tlv("03", reference(ref2))
    payload = (_tlv("00", "01") + _tlv("01", "12") + _tlv("30", account) + _tlv("53", "764")
               + _tlv("54", f"{amount.quantize(Decimal('0.01'))}") + _tlv("58", "TH"))
    if merchant:
        ascii_name = re.sub(r"[^ -~]", "", merchant).strip()[:25]
        if ascii_name:
            payload += _tlv("59", ascii_name)
    payload += "6304"
    return payload + crc16(payload)


def decode(payload: str) -> dict[str, str | dict]:
    """Tag → value, with tag 30 opened into its sub-tags; raises QrError when the CRC does not match."""
    if len(payload) < 8 or crc16(payload[:-4]) != payload[-4:]:
        raise QrError("CRC does not match")

    def fields(text: str) -> dict:
        out, i = {}, 0
        while i < len(text):
            tag, size = text[i:i + 2], int(text[i + 2:i + 4])
            out[tag] = text[i + 4:i + 4 + size]
            i += 4 + size
        return out

    found = fields(payload)
    found["30"] = fields(found.get("30", ""))
    return found


def png(payload: str, scale: int = 8) -> bytes:
    """The QR picture: error correction M (a phone camera reads it from a screen), a quiet zone of 4."""
    import segno  # only where the picture is drawn

    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
