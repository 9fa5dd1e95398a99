"""Photos (civic.complaints.photos): only real images are kept, re-encoded as JPEG without EXIF (row 31)."""

import io

import pytest
from PIL import Image

from civic.complaints import photos
from tests import images


def test_a_phone_photo_is_re_encoded_without_its_gps_position_or_phone_model():
    """GIVEN a JPEG whose EXIF holds a GPS position and the phone model WHEN kept THEN a JPEG with no EXIF at all."""
    assert images.exif_of(images.jpeg())  # the phone wrote it
    kept = photos.reencode(images.jpeg())
    assert kept[:2] == b"\xff\xd8" and images.exif_of(kept) == {}
    assert b"PhoneCam" not in kept


def test_the_cameras_orientation_is_applied_before_the_metadata_goes():
    """GIVEN a 640×480 photo whose EXIF says "rotate 90°" WHEN kept THEN it is 480×640: upright without EXIF."""
    kept = photos.reencode(images.jpeg(640, 480, orientation=6))
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (480, 640)


def test_a_png_is_kept_as_a_jpeg_and_a_huge_one_is_made_smaller():
    """GIVEN a PNG with transparency, and a 5000×3000 photo WHEN kept THEN JPEGs, the long side at most 2,048."""
    assert photos.reencode(images.png())[:2] == b"\xff\xd8"
    with Image.open(io.BytesIO(photos.reencode(images.jpeg(5000, 3000, exif=False)))) as image:
        assert max(image.size) == photos.MAX_SIDE


@pytest.mark.parametrize("data,reason", [(images.pretender(), "not_image"), (b"", "not_image"),
                                         (images.jpeg()[:200], "not_image"), (images.oversized(), "too_large")])
def test_what_is_not_an_image_or_is_over_20_mb_is_refused(data, reason):
    """GIVEN a script with a JPEG's first bytes, nothing, a truncated JPEG, or 20 MB+ WHEN kept THEN refused with
    the reason the citizen is told."""
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(data)
    assert refused.value.reason == reason


def test_a_decompression_bomb_is_refused_as_too_large():
    """GIVEN a small PNG that decodes to 100 million pixels WHEN kept THEN too_large, without decoding it."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(out.getvalue())
    assert refused.value.reason == "too_large"
