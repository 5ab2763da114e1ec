"""Photos from residents: images only, size-limited, re-encoded so no metadata survives.

The pixels are copied into a fresh image (after applying the EXIF orientation), so EXIF,
GPS, XMP, ICC profiles and comments of the upload are all left behind, then saved as JPEG.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


def max_upload_bytes() -> int:
    return int(getattr(settings, "TUQUAN_TIP_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def max_side() -> int:
    return int(getattr(settings, "TUQUAN_TIP_PHOTO_MAX_SIDE", 1600))


@dataclass
class CleanPhoto:
    jpeg: bytes
    width: int
    height: int

    @property
    def b64(self) -> str:
        return base64.b64encode(self.jpeg).decode()


def clean(raw: bytes) -> CleanPhoto:
    if len(raw) > max_upload_bytes():
        raise ValidationError(
            {"photos": _("Ảnh quá lớn (tối đa %(n)s MB).") % {"n": max_upload_bytes() // (1024 * 1024)}}
        )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError({"photos": _("Chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF.")})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({"photos": _("Ảnh có kích thước quá lớn.")})
            probe.load()
            image = ImageOps.exif_transpose(probe) or probe
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError({"photos": _("Tệp không phải là ảnh hợp lệ.")}) from exc
    image.thumbnail((max_side(), max_side()))
    # A fresh image holds the pixels and nothing else: no info, no EXIF, no profile.
    fresh = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    fresh.save(out, format="JPEG", quality=82, optimize=True)
    return CleanPhoto(out.getvalue(), fresh.width, fresh.height)
