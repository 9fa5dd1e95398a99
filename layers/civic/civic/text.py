"""Text that crosses our borders: cleaned for SQS and DynamoDB, measured and cut the way LINE counts.

LINE counts message text in UTF-16 code units and labels in characters; we never cut inside a
grapheme (Thai stacked marks, emoji with skin tones or joiners stay whole).
"""

import re

# SQS accepts only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF; lone surrogates cannot be encoded at all.
_NOT_ALLOWED = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Replace lone surrogates with U+FFFD and drop control characters SQS would refuse."""
    return _NOT_ALLOWED.sub("", _SURROGATE.sub("\ufffd", text))


def clean_tree(value):
    """clean() every string in a JSON-like value (keys too)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_tree(v) for k, v in value.items()}
    return value


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _graphemes(text: str) -> list[str]:
    """User-perceived characters (Unicode extended grapheme clusters, UAX #29)."""
    import regex  # lazy: 14 ms the intake's cold start never needs (it only cleans text)

    return regex.findall(r"\X", text)


def cut(text: str, max_units: int, *, measure=utf16_units, ellipsis: str = "…") -> str:
    """Shorten to at most max_units (by `measure`), ending on a whole grapheme, with an ellipsis if cut."""
    if measure(text) <= max_units:
        return text
    budget = max_units - measure(ellipsis)
    out, used = [], 0
    for g in _graphemes(text):
        size = measure(g)
        if used + size > budget:
            break
        out.append(g)
        used += size
    return "".join(out) + ellipsis


def cut_label(text: str, max_chars: int = 20) -> str:
    """Action labels are limited in characters, not UTF-16 units."""
    return cut(text, max_chars, measure=len)
