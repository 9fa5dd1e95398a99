"""The rich menu's image: one tile per entry, the Thai label large and the English one beside it (below), in
Sarabun (the font of Thai government documents, from the `fontpkg-sarabun` package) at LINE's sizes.

Pure: entries and bounds in, an image out (Pillow for the canvas, civic.rich_menu.typeset for the text, shaped by
HarfBuzz so Thai marks stack as they should on any machine). White text on dark tiles, each colour at least
4.5:1 against white (WCAG AA). LINE takes PNG or JPEG up to 1 MB: PNG (flat colours compress well), JPEG only if
a PNG were too big.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from civic.rich_menu import typeset
from civic.rich_menu.menu import Bounds, Entry

MAX_BYTES = 1_000_000  # LINE's limit on a rich-menu image
BACKGROUND = "#FFFFFF"
TEXT = "#FFFFFF"
# Dark civic colours; white on each has a contrast ratio of 4.5:1 or more.
TILES = ("#0B5CAD", "#0A7B55", "#9C3D10", "#5E35B1", "#00695C", "#AD1457", "#37474F", "#6D4C41")
GAP = 10          # px of white around every tile (20 between two)
RADIUS = 36
PADDING = 0.08    # of the tile's width, on each side of a label
THAI_HEIGHT = 0.30    # of the tile's height, at most, for the Thai label's size
ENGLISH_RATIO = 0.58  # English label size against the Thai one
MIN_PX = 24
THAI, ENGLISH = "Bold", "Medium"


def _fitting(texts: list[str], weight: str, largest: int, width: int) -> int:
    """The largest size (down to MIN_PX) at which every text fits in width."""
    size = max(largest, MIN_PX)
    while size > MIN_PX and max(typeset.shape(text, weight, size).width for text in texts) > width:
        size = max(MIN_PX, int(size * 0.94))
    return size


def _lines(text: str, weight: str, size: int, width: int) -> list[str]:
    """Words into lines no wider than width (English labels; a Thai label is one short phrase)."""
    lines: list[str] = []
    for word in text.split():
        if lines and typeset.shape(f"{lines[-1]} {word}", weight, size).width <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


@dataclass(frozen=True)
class Sizes:
    """One Thai and one English size for every tile, so the menu reads as one: the largest that fit all."""
    thai: int
    english: int
    width: int  # of a label line, inside the narrowest tile


def sizes(entries: list[Entry], bounds: list[Bounds]) -> Sizes:
    narrowest = min(b.width for b in bounds) - 2 * GAP
    inner = int(narrowest * (1 - 2 * PADDING))
    height = bounds[0].height
    thai = _fitting([e.thai for e in entries], THAI, min(int(height * THAI_HEIGHT), int(narrowest * 0.22)), inner)
    # English may take two lines; each word must fit one.
    english = _fitting([w for e in entries for w in e.english.split()], ENGLISH, int(thai * ENGLISH_RATIO), inner)
    return Sizes(thai, english, inner)


def _line_box(weight: str, size: int) -> tuple[float, float]:
    """(ascent, descent) in pixels of a line of the font at size: what a line takes, marks aside."""
    face = typeset.face(weight)
    return face.ascender * size / face.units, -face.descender * size / face.units


def _put(image: Image.Image, text: str, weight: str, size: int, centre_x: float, baseline: float) -> None:
    shaped = typeset.shape(text, weight, size)
    ink = typeset.ink(shaped)
    origin_x = round(centre_x - shaped.width / 2)
    image.paste(TEXT, (origin_x + ink.left, round(baseline) + ink.top), ink.image)


def _tile(image: Image.Image, draw: ImageDraw.ImageDraw, entry: Entry, bounds: Bounds, colour: str,
          size: Sizes) -> None:
    box = (bounds.x + GAP, bounds.y + GAP, bounds.x + bounds.width - GAP - 1, bounds.y + bounds.height - GAP - 1)
    draw.rounded_rectangle(box, RADIUS, fill=colour)
    english_lines = _lines(entry.english, ENGLISH, size.english, size.width)
    # Stack: the Thai line, a small gap, the English lines; centred as a block in the tile.
    thai_up, thai_down = _line_box(THAI, size.thai)
    english_up, english_down = _line_box(ENGLISH, size.english)
    gap = size.english * 0.2
    block = thai_up + thai_down + gap + (english_up + english_down) * len(english_lines)
    centre_x = bounds.x + bounds.width / 2
    top = bounds.y + (bounds.height - block) / 2
    _put(image, entry.thai, THAI, size.thai, centre_x, top + thai_up)
    y = top + thai_up + thai_down + gap
    for line in english_lines:
        _put(image, line, ENGLISH, size.english, centre_x, y + english_up)
        y += english_up + english_down


def draw(entries: list[Entry], size: tuple[int, int], bounds: list[Bounds]) -> Image.Image:
    image = Image.new("RGB", size, BACKGROUND)
    canvas = ImageDraw.Draw(image)
    chosen = sizes(entries, bounds)
    for i, (entry, box) in enumerate(zip(entries, bounds)):
        _tile(image, canvas, entry, box, TILES[i % len(TILES)], chosen)
    return image


def encode(image: Image.Image) -> tuple[bytes, str]:
    """(bytes, content type) within LINE's 1 MB."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)  # 9 is 3× slower for 1% smaller
    if out.tell() <= MAX_BYTES:
        return out.getvalue(), "image/png"
    for quality in (90, 80, 70):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= MAX_BYTES:
            return out.getvalue(), "image/jpeg"
    raise ValueError("the rich menu image does not fit in LINE's 1 MB")
