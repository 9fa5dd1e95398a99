"""Photos that cross our border: checked, re-encoded and stripped of their metadata before they are kept.

A file that only claims to be an image, or one too large, is refused with a reason; a real photo is
decoded and saved again as JPEG, which drops EXIF (GPS position, phone model) and anything hidden in
the file. Pure (bytes in, bytes out): Pillow only.
"""

import io

MAX_BYTES = 20 * 1024 * 1024   # LINE lets citizens send more; we keep what a case or a chat needs
MAX_SIDE = 2048                # pixels: enough to see a pothole or a bill, small enough for LINE to show
_PIXELS_CAP = 80_000_000       # a decompression bomb is refused before it is decoded


class NotAPhoto(ValueError):
    """The bytes are not a photo we keep: too large, not an image, or an image Pillow cannot read."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "too_large" | "not_an_image"


def clean(data: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """The photo as a fresh JPEG, at most MAX_SIDE on its longest side, without metadata."""
    if len(data) > max_bytes:
        raise NotAPhoto("too_large")
    from PIL import Image, ImageOps  # lazy: only the functions that keep photos pay for Pillow

    Image.MAX_IMAGE_PIXELS = _PIXELS_CAP
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # a truncated or forged file fails here, before decoding
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)  # keep the photo the way the citizen held it
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except NotAPhoto:
        raise
    except Exception as exc:  # Pillow raises many types for a bad file; all of them mean "not a photo"
        raise NotAPhoto("not_an_image") from exc
    return out.getvalue()
