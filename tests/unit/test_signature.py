import base64
import hashlib
import hmac

from civic import signature

SECRET = "a-channel-secret"
BODY = '{"destination":"U1","events":[{"type":"follow"}]}'.encode()


def test_a_signature_made_by_line_verifies():
    """GIVEN a body signed as LINE signs it WHEN verified THEN it is valid."""
    line_sig = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()
    assert signature.is_valid(SECRET, BODY, line_sig)


def test_a_forged_signature_is_refused():
    """GIVEN a signature made with another secret WHEN verified THEN it is invalid."""
    assert not signature.is_valid(SECRET, BODY, signature.sign("another-secret", BODY))


def test_the_hmac_covers_the_raw_bytes_not_the_json():
    """GIVEN a body re-serialised with other spacing and key order WHEN checked against the original signature
    THEN it is refused (row 3)."""
    reserialised = b'{"events": [{"type": "follow"}], "destination": "U1"}'
    assert not signature.is_valid(SECRET, reserialised, signature.sign(SECRET, BODY))


def test_a_missing_or_non_ascii_signature_is_refused_without_error():
    """GIVEN no signature, or junk with non-ASCII characters WHEN verified THEN invalid, no exception."""
    assert not signature.is_valid(SECRET, BODY, None)
    assert not signature.is_valid(SECRET, BODY, "")
    assert not signature.is_valid(SECRET, BODY, "ลายเซ็น==")
