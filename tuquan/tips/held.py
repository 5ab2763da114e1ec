"""Photos held across a refused post. A browser cannot re-fill a file input, so when a tip
is sent back (the timer, a missing field, one bad photo) the photos that did arrive are
cleaned (images.clean: re-encoded, no metadata) and handed back to the same browser inside
the page, signed, as hidden fields; the next post returns them.

Nothing is stored on the server: there is no URL to fetch, nothing for another session to
find and nothing to purge. The signature keeps a forged "held photo" from skipping the
cleaning, and its age limit makes an old page's photos expire. The answer is `no-store`."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from PIL import Image

from tuquan.tips.images import CleanPhoto

SALT = "tuquan.tips.held-photo"
MAX_AGE = 3600  # seconds: enough to correct a form, short enough that an old page's photos lapse
THUMB_SIDE = 160
# The held photos travel back as ordinary form fields, which Django limits to
# DATA_UPLOAD_MAX_MEMORY_SIZE together; this much is left for the text and the rest.
ROOM_FOR_TEXT = 64 * 1024


def hold(photo: CleanPhoto) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{photo.width}:{photo.height}:{photo.b64}")


def release(token: str) -> CleanPhoto | None:
    """The photo a token holds; None when forged, altered or older than MAX_AGE."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
        width, height, b64 = value.split(":", 2)
        return CleanPhoto(base64.b64decode(b64, validate=True), int(width), int(height))
    except (signing.BadSignature, ValueError):
        return None


def thumbnail(photo: CleanPhoto) -> str:
    """A small preview as a data: URL (the content security policy allows data: images)."""
    with Image.open(io.BytesIO(photo.jpeg)) as image:
        image.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def held_for_page(photos: Iterable[CleanPhoto]) -> tuple[list[dict[str, str]], bool]:
    """(token and preview per photo that fits the post limit, whether any had to be let go)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    budget = float("inf") if limit is None else int(limit) - ROOM_FOR_TEXT
    held, dropped = [], False
    for photo in photos:
        token = hold(photo)
        if len(token) > budget:
            dropped = True
            continue
        budget -= len(token)
        held.append({"token": token, "preview": thumbnail(photo)})
    return held, dropped
