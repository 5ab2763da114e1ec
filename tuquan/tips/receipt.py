"""Receipt codes: 25 random digits (83 bits), read aloud in five groups of five.

Only a keyed hash (HMAC-SHA256 under TUQUAN_TIP_SECRET) is stored. Without the secret a
database dump does not let anyone test candidate codes offline.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets

from django.conf import settings

DIGITS = 25
GROUP = 5
PREFIX = 5  # digits whose failed lookups are counted together (see services.tip_find)


def secret() -> bytes:
    explicit = getattr(settings, "TUQUAN_TIP_SECRET", "")
    if explicit:
        return explicit.encode()
    # Derived from SECRET_KEY (required in production) with its own label, so the two never
    # coincide; set TUQUAN_TIP_SECRET to keep receipts valid across a SECRET_KEY rotation.
    return hmac.new(settings.SECRET_KEY.encode(), b"tuquan-tip-receipt", hashlib.sha256).digest()


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def normalize(text: str) -> str:
    """What the resident typed, spaces and dashes removed; "" unless 25 digits remain."""
    digits = "".join(ch for ch in (text or "") if ch.isdigit() and ch.isascii())
    return digits if len(digits) == DIGITS else ""


def grouped(code: str) -> str:
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def keyed_hash(code: str) -> str:
    return hmac.new(secret(), b"receipt:" + code.encode(), hashlib.sha256).hexdigest()


def prefix_key(code: str) -> str:
    """A counter key for a code's first digits: a keyed hash, so it reveals no digits."""
    digest = hmac.new(secret(), b"prefix:" + code[:PREFIX].encode(), hashlib.sha256).hexdigest()
    return "lookup:" + digest[:24]


def qr_svg(link: str) -> str:
    """The tracking link as an SVG QR code (a path, no script or style), drawn on the server."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2).save(out)
    return out.getvalue().decode()
