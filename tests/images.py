"""Small images made on the spot for the upload tests (Pillow draws them; nothing is shipped)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825
MAKE = 0x010F


def picture(
    size: tuple[int, int] = (64, 48),
    format_name: str = "JPEG",
    mode: str = "RGB",
    exif: bool = False,
    colour: tuple[int, ...] = (30, 140, 90),
) -> bytes:
    image = Image.new(mode, size, colour)
    out = BytesIO()
    if exif:
        tags = Image.Exif()
        tags[MAKE] = "SecretCam"
        tags.get_ifd(GPS_IFD)[2] = (37.0, 33.0, 0.0)  # GPSLatitude
        image.save(out, format=format_name, exif=tags.tobytes())
    else:
        image.save(out, format=format_name)
    return out.getvalue()
