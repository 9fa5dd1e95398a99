"""The rich menu's image: one tile per entry, the Thai label large and the English one beside it (below), in
Sarabun (the font of Thai government documents, from the `fontpkg-sarabun` package) at LINE's sizes.

Pure: entries and bounds in, image bytes out (Pillow; no AWS, no LINE). Thai needs complex text layout
(marks stacked above and below a consonant, e.g. น้ำ): Pillow's Raqm engine when present (its wheels ship it),
the basic one otherwise. White text on dark tiles, each colour at least 4.5:1 against white (WCAG AA).
LINE takes PNG or JPEG up to 1 MB: PNG (flat colours compress well), JPEG only if a PNG were too big.
"""

import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont, features

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


def font_path(weight: str) -> str:
    import fontpkg_sarabun

    return str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{weight}.ttf")


def layout_engine():
    return ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


@cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(weight), size, layout_engine=layout_engine())


def _fitting(texts: list[str], weight: str, largest: int, width: int) -> ImageFont.FreeTypeFont:
    """The largest size (down to MIN_PX) at which every text fits in width."""
    size = max(largest, MIN_PX)
    while size > MIN_PX and max(font(weight, size).getlength(text) for text in texts) > width:
        size = max(MIN_PX, int(size * 0.94))
    return font(weight, size)


def _lines(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Words into lines no wider than width (English labels; a Thai label is one short phrase)."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


@dataclass(frozen=True)
class Faces:
    """One Thai and one English size for every tile, so the menu reads as one: the largest that fit all."""
    thai: ImageFont.FreeTypeFont
    english: ImageFont.FreeTypeFont
    width: int  # of a label line, inside the narrowest tile


def faces(entries: list[Entry], bounds: list[Bounds]) -> Faces:
    narrowest = min(b.width for b in bounds) - 2 * GAP
    inner = int(narrowest * (1 - 2 * PADDING))
    height = bounds[0].height
    thai = _fitting([e.thai for e in entries], "Bold", min(int(height * THAI_HEIGHT), int(narrowest * 0.22)), inner)
    # English may take two lines; each word must fit one.
    english = _fitting([w for e in entries for w in e.english.split()], "Medium", int(thai.size * ENGLISH_RATIO),
                       inner)
    return Faces(thai, english, inner)


def _tile(draw: ImageDraw.ImageDraw, entry: Entry, bounds: Bounds, colour: str, faces: Faces) -> None:
    box = (bounds.x + GAP, bounds.y + GAP, bounds.x + bounds.width - GAP - 1, bounds.y + bounds.height - GAP - 1)
    draw.rounded_rectangle(box, RADIUS, fill=colour)
    english_lines = _lines(entry.english, faces.english, faces.width)
    # Stack: Thai line, a small gap, the English lines; centred as a block in the tile.
    thai_height, english_height = faces.thai.size * 1.35, faces.english.size * 1.3
    gap = faces.english.size * 0.35
    block = thai_height + gap + english_height * len(english_lines)
    centre_x = bounds.x + bounds.width / 2
    top = bounds.y + (bounds.height - block) / 2
    draw.text((centre_x, top + thai_height / 2), entry.thai, font=faces.thai, fill=TEXT, anchor="mm")
    y = top + thai_height + gap
    for line in english_lines:
        draw.text((centre_x, y + english_height / 2), line, font=faces.english, fill=TEXT, anchor="mm")
        y += english_height


def draw(entries: list[Entry], size: tuple[int, int], bounds: list[Bounds]) -> Image.Image:
    image = Image.new("RGB", size, BACKGROUND)
    canvas = ImageDraw.Draw(image)
    sizes = faces(entries, bounds)
    for i, (entry, box) in enumerate(zip(entries, bounds)):
        _tile(canvas, entry, box, TILES[i % len(TILES)], sizes)
    return image


def encode(image: Image.Image) -> tuple[bytes, str]:
    """(bytes, content type) within LINE's 1 MB."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=9)
    if out.tell() <= MAX_BYTES:
        return out.getvalue(), "image/png"
    for quality in (90, 80, 70):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= MAX_BYTES:
            return out.getvalue(), "image/jpeg"
    raise ValueError("the rich menu image does not fit in LINE's 1 MB")
