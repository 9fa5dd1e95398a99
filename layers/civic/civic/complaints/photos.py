"""Photos citizens and staff send: only real images are kept, re-encoded as JPEG with no metadata.

Pure (Pillow only): bytes in, bytes out. A file over 20 MB, or one Pillow cannot decode as an image
(whatever its name or content type claims), is refused (RELIABILITY row 31). What is kept is decoded and
encoded again: EXIF (GPS position, phone model, time) and every other embedded block are dropped, the
camera's orientation is applied to the pixels first, and the long side is at most 2,048 pixels.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 60_000_000    # a decompression bomb (a tiny file that decodes to gigapixels) is refused
QUALITY = 85
TOO_LARGE, NOT_IMAGE = "too_large", "not_image"


class PhotoRefused(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencode(data: bytes) -> bytes:
    """A clean JPEG of the image in `data`, or PhotoRefused(too_large | not_image)."""
    if len(data) > MAX_BYTES:
        raise PhotoRefused(TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure check without decoding the pixels
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused(TOO_LARGE)
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused(NOT_IMAGE if isinstance(exc, UnidentifiedImageError) else TOO_LARGE) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # truncated or corrupt image data
        raise PhotoRefused(NOT_IMAGE) from exc
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif= given: none is written
    return out.getvalue()
