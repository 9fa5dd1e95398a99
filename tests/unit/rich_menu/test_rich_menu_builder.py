"""The rich menu's builder (civic.rich_menu.menu and .drawing): which entries, the grid, the LINE object within
LINE's limits, and an image at LINE's size whose Thai labels are drawn as real glyphs."""

import io

import pytest
from PIL import Image

from civic import domains, postback
from civic.rich_menu import drawing, menu, typeset
from infra.local.fake_line import FakeLine
from infra.local.fake_line_rich_menus import menu_limits

LINE_SIZES = {(2500, 1686), (2500, 843)}


def _entries(count: int) -> list[menu.Entry]:
    """`count` entries made from the registry's (repeated: the grid does not care which)."""
    known = menu.registry_entries()
    return [known[i % len(known)] for i in range(count)]


@pytest.mark.parametrize("count", range(1, 21))
def test_the_grid_covers_the_menu_exactly_at_lines_sizes(count):
    """GIVEN 1..20 entries WHEN laid out THEN the size is one of LINE's, there is one tile per entry, and the tiles
    cover every pixel of the menu once (no gap, no overlap)."""
    size, bounds = menu.grid(count)
    assert size in LINE_SIZES and len(bounds) == count
    assert sum(b.width * b.height for b in bounds) == size[0] * size[1]
    covered = Image.new("L", size, 0)
    for b in bounds:
        assert b.x >= 0 and b.y >= 0 and b.x + b.width <= size[0] and b.y + b.height <= size[1]
        covered.paste(255, (b.x, b.y, b.x + b.width, b.y + b.height))
    assert covered.getextrema() == (255, 255)


@pytest.mark.parametrize("count,size,rows", [(1, (2500, 843), [1]), (3, (2500, 843), [3]), (4, (2500, 1686), [2, 2]),
                                             (5, (2500, 1686), [3, 2]), (6, (2500, 1686), [3, 3]),
                                             (7, (2500, 1686), [3, 2, 2]), (10, (2500, 1686), [4, 3, 3]),
                                             (20, (2500, 1686), [4, 4, 4, 4, 4])])
def test_rows_are_filled_evenly_and_one_row_uses_the_half_size(count, size, rows):
    """GIVEN a number of entries WHEN laid out THEN rows hold as even a share as they can, reading order kept."""
    got_size, bounds = menu.grid(count)
    per_row = [sum(1 for b in bounds if b.y == y) for y in sorted({b.y for b in bounds})]
    assert (got_size, per_row) == (size, rows)


@pytest.mark.parametrize("count", [0, 21])
def test_a_menu_has_one_to_twenty_areas(count):
    """GIVEN no entry, or more than LINE's 20 areas WHEN laid out THEN refused."""
    with pytest.raises(ValueError):
        menu.grid(count)


def test_without_configuration_every_registry_entry_is_shown_in_registry_order():
    """GIVEN no agency configuration WHEN resolved THEN the registry's menu entries, in its order (so a domain's
    entry appears by itself when it lands in civic/domains.py)."""
    assert [e.id for e in menu.resolve()] == [f"{d}.{e.action}" for d, e in domains.menu()]


def test_the_agencys_order_comes_first_hidden_entries_go_and_unplaced_ones_follow():
    """GIVEN an order naming "my data" first, "my bookings" hidden, and an id the registry no longer has WHEN
    resolved THEN my data, then the other entries in registry order, without the hidden one or the unknown."""
    ids = [e.id for e in menu.resolve(order=["citizen.mydata", "gone.away"], hidden=["booking.mine"])]
    others = [e.id for e in menu.registry_entries() if e.id not in ("citizen.mydata", "booking.mine")]
    assert ids == ["citizen.mydata", *others]


def test_every_area_starts_its_domains_action_within_lines_limits():
    """GIVEN the menu object for the registry's entries WHEN read THEN each area is a postback whose data decodes
    to its entry's domain and action, labels ≤ 20 characters, displayText Thai then English ≤ 300, the chat bar
    ≤ 14 characters, and the name (with the fingerprint) ≤ 300."""
    entries = menu.resolve()
    request = menu.named(menu.request(entries), "demo-municipality", "f" * 64)
    assert len(request["chatBarText"]) <= 14 and len(request["name"]) <= 300
    assert request["name"].startswith(menu.name_prefix("demo-municipality"))
    for area, entry in zip(request["areas"], entries, strict=True):
        action = area["action"]
        data = postback.decode(action["data"])
        assert (data.domain, data.action) == (entry.domain, entry.action)
        assert len(action["label"]) <= 20 and len(action["data"]) <= 300
        assert action["displayText"] == f"{entry.thai} · {entry.english}" and len(action["displayText"]) <= 300


def test_the_menu_object_passes_lines_schema_and_rules():
    """GIVEN the menu object for 1, 5 and 20 entries WHEN checked as LINE checks it (the fake LINE's validator
    from LINE's OpenAPI spec and its rich-menu rules) THEN no error."""
    validator = FakeLine("token")._validators["RichMenuRequest"]
    for count in (1, 5, 20):
        request = menu.named(menu.request(_entries(count)), "demo-municipality", "0" * 64)
        assert list(validator.iter_errors(request)) == [] and menu_limits(request) == []


def test_a_long_label_is_cut_to_twenty_characters_on_a_whole_character():
    """GIVEN an entry whose Thai label is longer than LINE's 20 characters WHEN made an area THEN its label is cut
    to 20 with an ellipsis, never inside a character."""
    entry = menu.Entry("booking.start", "booking", "start", "menu_booking")
    long = menu.Entry(entry.id, entry.domain, entry.action, "privacy_notice")
    assert len(menu.action(long)["label"]) == 20 and menu.action(long)["label"].endswith("…")


@pytest.mark.parametrize("count", [3, 5, 20])
def test_the_image_is_a_png_of_the_menus_size_under_one_megabyte(count):
    """GIVEN 3, 5 or 20 entries WHEN drawn and encoded THEN a PNG exactly the menu's size, within LINE's 1 MB."""
    size, bounds = menu.grid(count)
    data, content_type = drawing.encode(drawing.draw(_entries(count), size, bounds))
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, content_type) == ("PNG", size, "image/png")
    assert len(data) <= 1_000_000


def _ink_box(text: str, weight: str = "Bold", size: int = 120) -> tuple[int, int, int, int]:
    """The line's ink box, in pixels from its origin on the baseline: (left, top, right, bottom)."""
    ink = typeset.ink(typeset.shape(text, weight, size))
    left, top, right, bottom = ink.image.getbbox()
    return ink.left + left, ink.top + top, ink.left + right, ink.top + bottom


def test_every_thai_and_english_label_has_real_glyphs_and_leaves_ink():
    """GIVEN every label of the registry's entries WHEN set in the menu's fonts THEN Sarabun has a glyph for each
    character (none would be drawn as the missing-glyph box), and each label leaves ink."""
    for weight, texts in ((drawing.THAI, [e.thai for e in menu.resolve()]),
                          (drawing.ENGLISH, [e.english for e in menu.resolve()])):
        for text in texts:
            assert typeset.missing(text, weight) == [], text
            assert typeset.ink(typeset.shape(text, weight, 80)).image.getbbox() is not None, text


def test_a_character_sarabun_lacks_is_reported_missing():
    """GIVEN a Chinese character (not in Sarabun) WHEN checked THEN reported: the check above can fail."""
    assert typeset.missing("จอง中", drawing.THAI) == ["中"]


@pytest.mark.parametrize("stacked,bare", [("น้ำ", "น"), ("ที่", "ที"), ("เรื่อง", "เรือง")])
def test_thai_tone_marks_stack_above_their_vowels(stacked, bare):
    """GIVEN a tone mark over a consonant and its upper vowel (น้ำ, ที่, เรื่อง) WHEN set THEN its ink reaches
    higher than the same text without the mark: HarfBuzz placed the mark above the vowel, not onto it."""
    assert _ink_box(stacked)[1] < _ink_box(bare)[1]


def test_vowels_below_the_line_are_drawn_whole():
    """GIVEN มู (a vowel below the consonant, deeper than the font's descender says) WHEN set THEN its ink goes
    below the baseline further than the consonant alone: the vowel is not cut off."""
    assert _ink_box("มู")[3] > _ink_box("ม")[3] + 20


def test_the_menu_draws_text_without_pillows_complex_layout_engine():
    """GIVEN the drawing modules WHEN their imports are read THEN neither uses PIL.ImageFont: Pillow's Thai layout
    needs the system's FriBiDi, and where it is missing would drop tone marks."""
    import ast
    import inspect

    for module in (drawing, typeset):
        tree = ast.parse(inspect.getsource(module))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert "ImageFont" not in names, module.__name__


def test_each_tile_carries_ink_of_its_label_inside_its_own_bounds():
    """GIVEN 5 entries WHEN drawn THEN every tile has white label pixels inside it, so no label was pushed out of
    its tile or left undrawn."""
    size, bounds = menu.grid(5)
    image = drawing.draw(_entries(5), size, bounds).convert("L")
    for b in bounds:
        tile = image.crop((b.x + 40, b.y + 40, b.x + b.width - 40, b.y + b.height - 40))
        assert tile.point(lambda v: 255 if v > 240 else 0).getbbox() is not None


def test_the_fingerprint_follows_what_is_drawn():
    """GIVEN the same entries twice, then another order WHEN fingerprinted THEN equal, then different."""
    def print_of(entries):
        size, bounds = menu.grid(len(entries))
        image, _ = drawing.encode(drawing.draw(entries, size, bounds))
        return menu.fingerprint(menu.request(entries), image)

    entries = menu.resolve()
    assert print_of(entries) == print_of(list(entries))
    assert print_of(entries) != print_of(list(reversed(entries)))
