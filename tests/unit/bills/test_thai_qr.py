"""The Thai QR bill-payment payload (EMVCo tag 30) banking apps read, and its picture."""

from decimal import Decimal

import pytest

from civic.bills import thaiqr


def test_the_crc_is_emvcos_crc16_ccitt_false():
    """GIVEN the CRC's standard check string WHEN computed THEN 29B1, CRC-16/CCITT-FALSE's check value."""
    assert thaiqr.crc16("123456789") == "29B1"


def test_a_bill_payment_carries_the_biller_the_references_the_amount_and_a_valid_crc():
    """GIVEN a biller id, an account (ref 1), a month (ref 2) and ฿1,234.50 WHEN the payload is built THEN it
    opens with format 01 and dynamic method 12, tag 30 holds AID A000000677010112, the biller and both
    references, then currency 764, the amount, TH, and a CRC the decoder accepts."""
    payload = thaiqr.bill_payment("099400016501001", "1100-0000-01", "202612", Decimal("1234.5"))
    assert payload.startswith("000201010212")
    fields = thaiqr.decode(payload)
    assert fields["30"] == {"00": "A000000677010112", "01": "099400016501001", "02": "1100000001", "03": "202612"}
    assert (fields["53"], fields["54"], fields["58"]) == ("764", "1234.50", "TH")
    with pytest.raises(thaiqr.QrError):
        thaiqr.decode(payload[:-1] + ("0" if payload[-1] != "0" else "1"))


@pytest.mark.parametrize("biller,amount", [("12345", Decimal("1")), ("099400016501001", Decimal("0"))])
def test_values_thai_qr_cannot_carry_are_refused(biller, amount):
    """GIVEN a short biller id, or a zero amount WHEN a payload is asked for THEN QrError."""
    with pytest.raises(thaiqr.QrError):
        thaiqr.bill_payment(biller, "1100000001", None, amount)


def test_the_picture_is_a_png():
    """GIVEN a payload WHEN drawn THEN PNG bytes."""
    assert thaiqr.png(thaiqr.bill_payment("099400016501001", "1", None, Decimal("5"))).startswith(b"\x89PNG")
