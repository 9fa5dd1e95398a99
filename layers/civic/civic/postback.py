"""Postback data: compact, versioned, validated. `1/<domain>/<action>?k=v&k=v`, at most 300 characters.

The data comes back from the citizen's phone, so nothing in it is trusted: callers check that every id
in it belongs to the signed event's user before acting on it.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from civic import domains

VERSION = "1"
MAX_LENGTH = 300  # LINE's limit on postback data


class PostbackError(ValueError):
    """The data is not one of ours: wrong version, unknown domain, malformed or too long."""


@dataclass(frozen=True)
class Postback:
    domain: str
    action: str
    params: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        data = f"{VERSION}/{domains.get(self.domain).code}/{self.action}"
        if self.params:
            data += "?" + urlencode(self.params)
        if len(data) > MAX_LENGTH:
            raise PostbackError(f"postback data is {len(data)} characters, over LINE's {MAX_LENGTH}")
        return data

    def int_param(self, name: str, *, low: int, high: int) -> int:
        """An integer parameter within [low, high]; anything else is tampering or a bug."""
        raw = self.params.get(name, "")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise PostbackError(f"{name} is not a small whole number")
        value = int(raw)
        if not low <= value <= high:
            raise PostbackError(f"{name}={value} is outside {low}..{high}")
        return value


def decode(data: str) -> Postback:
    if not isinstance(data, str) or not data or len(data) > MAX_LENGTH:
        raise PostbackError("postback data missing or too long")
    path, _, query = data.partition("?")
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != VERSION:
        raise PostbackError("unknown postback version or shape")
    _, code, action = parts
    if code not in domains.BY_CODE or not action.replace("-", "").isascii() or not action.replace("-", "").isalnum():
        raise PostbackError("unknown postback domain or action")
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query), max_num_fields=12))
    except ValueError as exc:
        raise PostbackError("malformed postback parameters") from exc
    return Postback(domains.BY_CODE[code].name, action, params)


def domain_of(data: str) -> str | None:
    """The domain a postback belongs to, or None when it is not ours (routing only; not validation)."""
    try:
        return decode(data).domain
    except PostbackError:
        return None
