"""Lines of Thai and English set as a typesetter would: shaped by HarfBuzz (uharfbuzz), drawn from the font's own
outlines, so a tone mark sits above its vowel (ที่, เรื่อง, น้ำ) on every machine.

Why not Pillow's text drawing: its complex-text engine (Raqm) loads the system's FriBiDi library at run time, and
where that is missing (a minimal image, as Lambda's may be) Pillow falls back to a layout that drops Thai tone
marks onto the vowels beneath them — "ติดต่อเจ้าหน้าที่" would lose a mark. uharfbuzz's wheels (x86-64 and
arm64) carry everything they need, so the menu is drawn the same, byte for byte, everywhere.

Pure: text in, an 8-bit coverage mask out (4× supersampled, then reduced: anti-aliased edges).
"""

import math
from dataclasses import dataclass
from functools import cache

import uharfbuzz as hb
from PIL import Image, ImageChops, ImageDraw

SUPERSAMPLE = 4
CURVE_STEPS = 8  # straight pieces per curve segment, at the supersampled size


def font_path(weight: str) -> str:
    import fontpkg_sarabun

    return str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{weight}.ttf")


@dataclass(frozen=True)
class Face:
    font: hb.Font
    units: int       # units per em
    ascender: int
    descender: int   # negative, below the baseline


@cache
def face(weight: str) -> Face:
    with open(font_path(weight), "rb") as data:
        hb_face = hb.Face(data.read())
    font = hb.Font(hb_face)
    extents = font.get_font_extents("ltr")
    return Face(font, hb_face.upem, extents.ascender, extents.descender)


@dataclass(frozen=True)
class Shaped:
    text: str
    weight: str
    size: int
    glyphs: tuple[tuple[int, int, int], ...]  # glyph id, x and y of its origin, in font units
    advance: int                                # in font units

    @property
    def width(self) -> float:
        """Width in pixels at `size`."""
        return self.advance * self.size / face(self.weight).units


def shape(text: str, weight: str, size: int) -> Shaped:
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(face(weight).font, buffer)
    glyphs, x = [], 0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        glyphs.append((info.codepoint, x + position.x_offset, position.y_offset))
        x += position.x_advance
    return Shaped(text, weight, size, tuple(glyphs), x)


def missing(text: str, weight: str) -> list[str]:
    """The characters of text the font has no glyph for (HarfBuzz gives them glyph 0, drawn as a box)."""
    font = face(weight).font
    return [c for c in dict.fromkeys(text) if not c.isspace() and not font.get_nominal_glyph(ord(c))]


class _Outline:
    """A pen (fontTools' protocol, as uharfbuzz calls it): each closed contour as a list of points."""

    def __init__(self, place):
        self.place, self.contours, self.points = place, [], []

    def moveTo(self, point):
        self._close()
        self.points = [self.place(point)]

    def lineTo(self, point):
        self.points.append(self.place(point))

    def qCurveTo(self, *points):
        self._curve(points, quadratic=True)

    def curveTo(self, *points):
        self._curve(points, quadratic=False)

    def _curve(self, points, quadratic: bool):
        start = self.points[-1]
        placed = [self.place(p) for p in points]
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            if quadratic:
                (cx, cy), (ex, ey) = placed
                x = (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * cx + t * t * ex
                y = (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * cy + t * t * ey
            else:
                (ax, ay), (bx, by), (ex, ey) = placed
                x = (1 - t) ** 3 * start[0] + 3 * (1 - t) ** 2 * t * ax + 3 * (1 - t) * t * t * bx + t ** 3 * ex
                y = (1 - t) ** 3 * start[1] + 3 * (1 - t) ** 2 * t * ay + 3 * (1 - t) * t * t * by + t ** 3 * ey
            self.points.append((x, y))

    def closePath(self):
        self._close()

    endPath = closePath

    def _close(self):
        if len(self.points) > 2:
            self.contours.append(self.points)
        self.points = []


@dataclass(frozen=True)
class Ink:
    """A line's coverage ("L", 0..255) and where it sits: its top-left corner is (left, top) pixels from the
    line's origin on the baseline (top is negative: above the baseline)."""
    image: Image.Image
    left: int
    top: int


def _contours(shaped: Shaped, scale: float) -> list[list[tuple[float, float]]]:
    """Every contour of the line's glyphs, in pixels × SUPERSAMPLE from its origin on the baseline (y down)."""
    f = face(shaped.weight)
    contours = []
    for glyph, gx, gy in shaped.glyphs:
        pen = _Outline(lambda p, gx=gx, gy=gy: ((gx + p[0]) * scale, -(gy + p[1]) * scale))
        f.font.draw_glyph_with_pen(glyph, pen)
        pen.closePath()
        contours += pen.contours
    return contours


def ink(shaped: Shaped) -> Ink:
    """The line drawn: marks above and vowels below included, whatever the font's ascender and descender say.
    Contours are filled even-odd (XOR), which for a font's non-overlapping contours is TrueType's non-zero rule:
    counters stay open."""
    scale = shaped.size / face(shaped.weight).units * SUPERSAMPLE
    contours = _contours(shaped, scale)
    if not contours:
        return Ink(Image.new("L", (1, 1), 0), 0, 0)
    # the canvas: the ink's box, on whole final pixels
    left = math.floor(min(x for c in contours for x, _ in c) / SUPERSAMPLE) * SUPERSAMPLE
    top = math.floor(min(y for c in contours for _, y in c) / SUPERSAMPLE) * SUPERSAMPLE
    right = math.ceil(max(x for c in contours for x, _ in c) / SUPERSAMPLE + 1) * SUPERSAMPLE
    bottom = math.ceil(max(y for c in contours for _, y in c) / SUPERSAMPLE + 1) * SUPERSAMPLE
    width, height = right - left, bottom - top
    coverage = Image.new("1", (width, height), 0)
    for contour in contours:
        points = [(x - left, y - top) for x, y in contour]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)) + 1, math.ceil(max(ys)) + 1)
        piece = Image.new("1", (box[2] - box[0], box[3] - box[1]), 0)
        ImageDraw.Draw(piece).polygon([(x - box[0], y - box[1]) for x, y in points], fill=1)
        coverage.paste(ImageChops.logical_xor(coverage.crop(box), piece), box[:2])
    reduced = coverage.convert("L").resize((width // SUPERSAMPLE, height // SUPERSAMPLE), Image.Resampling.BOX)
    return Ink(reduced, left // SUPERSAMPLE, top // SUPERSAMPLE)
