"""What an uploaded image must be, and the clean copy of it that we keep.

The type is read from the bytes (Pillow's decoders), never from the file's name or the
browser's word. The pixel count is checked from the header before any pixel is decoded, so a
small file that unpacks into a huge bitmap is refused cheaply. The kept copy is re-encoded from
the decoded pixels: no EXIF (location, camera serial), no comments, no trailing bytes survive,
and a phone's "rotate on display" flag is applied to the pixels first.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from campaign.errors import Invalid, Reason

# Decoders we accept. Pillow recognises many more formats (some with a history of decoder
# bugs); the rest are refused as "not an image".
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ALT_MAX = 200
JPEG_QUALITY = 85
# sha256 hex + the extension of what we wrote: the stored name is its content's address.
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}\.(?:jpg|png)$")


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    max_edge: int  # the kept copy is scaled down to fit a square of this side


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def key(self) -> str:
        extension = "png" if self.content_type == "image/png" else "jpg"
        return f"{hashlib.sha256(self.data).hexdigest()}.{extension}"


def size_text(count: int) -> str:
    """5242880 → "5MB", 1536000 → "1.5MB", 300000 → "293KB" (for the error message)."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + "MB"
    return f"{max(1, round(count / 1024))}KB"


def clean_alt(text: str | None, field: str = "alt") -> str:
    """The image's text alternative: required, one line, at most ALT_MAX characters."""
    alt = " ".join((text or "").split())
    if not alt:
        raise Invalid(field, Reason.IMAGE_ALT_MISSING)
    if len(alt) > ALT_MAX:
        raise Invalid(field, Reason.TOO_LONG, max=ALT_MAX)
    if any(ord(c) < 32 or ord(c) == 127 for c in alt):
        raise Invalid(field, Reason.BAD_CHARACTERS)
    return alt


def clean_image(raw: bytes, limits: ImageLimits, field: str = "image") -> CleanImage:
    """Check an uploaded file and re-encode it: JPEG for opaque pictures, PNG where there is
    transparency (logos). Raises Invalid naming ``field`` for anything else."""
    if not raw:
        raise Invalid(field, Reason.IMAGE_MISSING)
    if len(raw) > limits.max_bytes:
        raise Invalid(field, Reason.IMAGE_TOO_LARGE, max=size_text(limits.max_bytes))
    try:
        with warnings.catch_warnings():
            # Our own pixel limit is lower than Pillow's bomb warning; never let it escape.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(BytesIO(raw), formats=ACCEPTED_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        raise Invalid(field, Reason.NOT_AN_IMAGE) from None
    with picture:
        width, height = picture.size
        if width < 1 or height < 1:
            raise Invalid(field, Reason.NOT_AN_IMAGE)
        if width * height > limits.max_pixels:
            megapixels = f"{limits.max_pixels / 1_000_000:.1f}".removesuffix(".0")
            raise Invalid(field, Reason.IMAGE_TOO_MANY_PIXELS, max=megapixels)
        try:
            picture.seek(0)  # an animated GIF or WebP keeps its first frame
            picture.load()
            upright = ImageOps.exif_transpose(picture)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise Invalid(field, Reason.NOT_AN_IMAGE) from None
    return _encode(upright, limits.max_edge)


def _has_alpha(picture: Image.Image) -> bool:
    if picture.mode in ("RGBA", "LA", "PA"):
        return picture.getextrema()[-1][0] < 255  # type: ignore[index]
    return picture.mode == "P" and "transparency" in picture.info


def _encode(picture: Image.Image, max_edge: int) -> CleanImage:
    transparent = _has_alpha(picture)
    pixels = picture.convert("RGBA" if transparent else "RGB")
    pixels.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    out = BytesIO()
    # No exif=, icc_profile= or pnginfo= argument: the new file carries pixels only.
    if transparent:
        pixels.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        content_type = "image/jpeg"
    return CleanImage(
        data=out.getvalue(),
        content_type=content_type,
        width=pixels.width,
        height=pixels.height,
    )
