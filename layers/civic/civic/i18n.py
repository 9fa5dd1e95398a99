"""Citizen-facing text: one catalogue per language (catalogue/th.json first, catalogue/en.json beside it)."""

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("th", "en")
_DIR = Path(__file__).parent / "catalogue"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """th.json plus each domain's th.<domain>.json (so domains add text without touching each other's)."""
    merged: dict[str, str] = {}
    for path in [_DIR / f"{lang}.json", *sorted(_DIR.glob(f"{lang}.*.json"))]:
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def language(line_language: str | None) -> str:
    """Thai unless the citizen's LINE is set to another language (then English)."""
    return "th" if not line_language or line_language.lower().startswith("th") else "en"


def t(lang: str, key: str, **values) -> str:
    text = catalogue(lang if lang in LANGUAGES else "th")[key]
    return text.format(**values) if values else text
