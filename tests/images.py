"""Pictures for tests: real JPEG and PNG bytes made with Pillow, one carrying EXIF (a GPS position and a phone
model, as a phone camera writes them), and files that only claim to be images."""

import io

from PIL import Image

GPS_IFD = 0x8825
MODEL, ORIENTATION = 0x0110, 0x0112


def jpeg(width: int = 640, height: int = 480, colour=(200, 80, 40), exif: bool = True, orientation: int = 1) -> bytes:
    """A photo as a phone sends it: JPEG with EXIF (phone model, orientation, GPS 13°45'N 100°30'E)."""
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[MODEL] = "PhoneCam 12"
        data[ORIENTATION] = orientation
        data.get_ifd(GPS_IFD).update({1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)})
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png(width: int = 320, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def pretender() -> bytes:
    """A file named and typed as a JPEG that is not one (a script with a JPEG's first bytes)."""
    return b"\xff\xd8\xff\xe0" + b"<?php system($_GET['c']); ?>" * 20


def oversized() -> bytes:
    """Over 20 MB: a JPEG header followed by padding."""
    return jpeg(exif=False) + b"\0" * (20 * 1024 * 1024)


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())
