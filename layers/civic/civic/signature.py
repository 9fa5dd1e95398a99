"""LINE webhook signatures: base64(HMAC-SHA256(channel secret, raw body)), checked in constant time."""

import base64
import hashlib
import hmac


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid(channel_secret: str, body: bytes, signature: str | None) -> bool:
    if not signature or not channel_secret:
        return False
    # compare_digest on bytes: constant time, and no exception on non-ASCII header junk
    return hmac.compare_digest(sign(channel_secret, body).encode("ascii"), signature.encode("utf-8", "replace"))
