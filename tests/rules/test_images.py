"""rules/images.py: the type read from the bytes, the limits, a clean re-encoded copy."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from campaign.errors import Invalid, Reason
from campaign.rules.images import KEY_PATTERN, ImageLimits, clean_alt, clean_image, size_text
from tests.images import MAKE, picture

LIMITS = ImageLimits(max_bytes=200_000, max_pixels=1_000_000, max_edge=800)


def reason(raw: bytes, limits: ImageLimits = LIMITS) -> str:
    with pytest.raises(Invalid) as refused:
        clean_image(raw, limits)
    assert refused.value.field == "image"
    return refused.value.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", Reason.IMAGE_MISSING),
        (b"hello, I am a text file named photo.jpg", Reason.NOT_AN_IMAGE),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            Reason.NOT_AN_IMAGE,
        ),
        (b"%PDF-1.7\n", Reason.NOT_AN_IMAGE),
        (picture(format_name="BMP"), Reason.NOT_AN_IMAGE),  # a format we do not accept
        (picture(format_name="PNG")[:60], Reason.NOT_AN_IMAGE),  # cut off mid-way
    ],
    ids=["empty", "text", "svg", "pdf", "bmp", "truncated"],
)
def test_what_is_not_an_image_we_accept_is_refused(raw: bytes, expected: str) -> None:
    assert reason(raw) == expected


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    # A PNG whose file was renamed .jpg is still read (and kept) as what it is.
    clean = clean_image(picture(format_name="PNG", mode="RGBA", colour=(0, 0, 0, 0)), LIMITS)
    assert clean.content_type == "image/png"
    assert Image.open(BytesIO(clean.data)).format == "PNG"


def test_too_large_a_file_is_refused_before_decoding() -> None:
    raw = picture(size=(400, 400), format_name="PNG") + b"\0" * 200_000
    assert reason(raw) == Reason.IMAGE_TOO_LARGE


def test_too_many_pixels_is_refused_from_the_header() -> None:
    # 4000 × 4000 of one colour compresses to a few KB: small file, huge bitmap.
    raw = picture(size=(4000, 4000), format_name="PNG")
    assert len(raw) < LIMITS.max_bytes
    assert reason(raw) == Reason.IMAGE_TOO_MANY_PIXELS


def test_exif_is_stripped_and_the_copy_is_re_encoded() -> None:
    raw = picture(exif=True)
    assert Image.open(BytesIO(raw)).getexif()[MAKE] == "SecretCam"
    clean = clean_image(raw, LIMITS)
    kept = Image.open(BytesIO(clean.data))
    assert kept.format == "JPEG"
    assert dict(kept.getexif()) == {}
    assert b"SecretCam" not in clean.data
    assert (clean.width, clean.height) == (64, 48)


def test_a_phone_photo_is_turned_upright_before_the_flag_is_dropped() -> None:
    image = Image.new("RGB", (60, 20), (200, 10, 10))
    tags = Image.Exif()
    tags[0x0112] = 6  # Orientation: rotate 90° on display
    out = BytesIO()
    image.save(out, format="JPEG", exif=tags.tobytes())
    clean = clean_image(out.getvalue(), LIMITS)
    assert (clean.width, clean.height) == (20, 60)


def test_big_pictures_are_scaled_down_and_opaque_ones_become_jpeg() -> None:
    clean = clean_image(picture(size=(1000, 500), format_name="WEBP"), LIMITS)
    assert (clean.width, clean.height) == (800, 400)
    assert clean.content_type == "image/jpeg"
    assert KEY_PATTERN.fullmatch(clean.key) and clean.key.endswith(".jpg")


def test_the_key_is_the_contents_address() -> None:
    one = clean_image(picture(), LIMITS)
    assert clean_image(picture(), LIMITS).key == one.key
    assert clean_image(picture(colour=(1, 2, 3)), LIMITS).key != one.key


def test_an_animated_gif_keeps_its_first_frame() -> None:
    frames = [Image.new("P", (10, 10), i) for i in range(3)]
    out = BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    clean = clean_image(out.getvalue(), LIMITS)
    assert (clean.width, clean.height) == (10, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, Reason.IMAGE_ALT_MISSING),
        ("   ", Reason.IMAGE_ALT_MISSING),
        ("가" * 201, Reason.TOO_LONG),
    ],
)
def test_alt_text_is_required(text: str | None, expected: str) -> None:
    with pytest.raises(Invalid) as refused:
        clean_alt(text)
    assert refused.value.reason == expected
    assert refused.value.field == "alt"


def test_alt_text_is_one_tidy_line() -> None:
    assert clean_alt("  양구의  숲에\n심은 나무 ") == "양구의 숲에 심은 나무"


def test_sizes_read_as_people_say_them() -> None:
    assert size_text(5 * 1024 * 1024) == "5MB"
    assert size_text(1536 * 1024) == "1.5MB"
    assert size_text(300_000) == "293KB"
