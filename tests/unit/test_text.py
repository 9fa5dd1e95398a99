import json

from hypothesis import given
from hypothesis import strategies as st

from civic import text


def test_stacked_thai_marks_and_emoji_count_in_utf16_units():
    """GIVEN Thai with stacked marks and an emoji with a skin tone WHEN measured THEN UTF-16 units are counted."""
    assert text.utf16_units("น้ำ") == 3
    assert text.utf16_units("👍🏽") == 4


def test_cutting_never_splits_a_grapheme():
    """GIVEN text whose limit falls inside a stacked Thai cluster or a ZWJ emoji WHEN cut THEN whole clusters remain."""
    family = "👨‍👩‍👧"
    cut = text.cut("น้ำ" * 3 + family, 8)
    assert cut == "น้ำน้ำ…"
    assert text.cut("ab" + family, 9) == "ab…"


def test_a_label_is_cut_by_characters():
    """GIVEN a 25-character label WHEN cut for LINE's 20-character limit THEN 20 characters with an ellipsis."""
    label = text.cut_label("ก" * 25)
    assert len(label) == 20 and label.endswith("…")


def test_lone_surrogates_and_control_characters_are_cleaned():
    """GIVEN a lone surrogate, NUL and a vertical tab WHEN cleaned THEN replaced/removed, RTL override kept as text."""
    dirty = "a\ud800b\x00c\x0bd\u202ee"
    assert text.clean(dirty) == "a\ufffdbcd\u202ee"


@given(st.text())
def test_cleaned_text_always_encodes_to_utf8(value):
    """GIVEN any string WHEN cleaned THEN it encodes to UTF-8 and JSON round-trips losslessly."""
    cleaned = text.clean(value)
    cleaned.encode("utf-8")
    assert json.loads(json.dumps(cleaned, ensure_ascii=False)) == cleaned
