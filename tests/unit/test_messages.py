"""The cards we send read well: white text on a primary button and grey small print keep WCAG's 4.5:1."""

from civic import messages


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_first_button_of_a_card_is_primary_in_a_green_white_text_reads_on():
    """GIVEN a card with two actions WHEN built THEN the first is primary with our colour (≥4.5:1 with white),
    the second secondary without one (LINE's grey, dark text)."""
    actions = [{"type": "message", "label": label, "text": label} for label in ("a", "b")]
    bubble = messages.buttons_bubble("t", ["l"], actions)
    first, second = bubble["footer"]["contents"]
    assert first["style"] == "primary" and _contrast(first["color"], "#ffffff") >= 4.5
    assert second["style"] == "secondary" and "color" not in second


def test_muted_small_print_reads_on_white():
    """GIVEN the grey of small print WHEN measured against a white bubble THEN it keeps 4.5:1."""
    assert _contrast(messages.MUTED, "#ffffff") >= 4.5
