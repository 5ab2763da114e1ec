"""What the privacy tests look for: a photo with GPS tags, and a dump of every table."""

from __future__ import annotations

import io

from PIL import Image

CAMERA = "MayAnhBiMat-X9"
GPS = {1: "N", 2: (21.0, 20.0, 13.5), 3: "E", 4: (103.0, 54.0, 7.25)}


def gps_jpeg() -> bytes:
    """A JPEG whose EXIF names a camera and carries GPS coordinates."""
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x8825] = GPS  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    raw = out.getvalue()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the test photo must carry GPS tags"
    return raw


def dump() -> str:
    """Every row of every table as text: SQLite's iterdump, PostgreSQL's row_to_json."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    rows: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            rows.extend(r[0] for r in cursor.fetchall())
    return "\n".join(rows)


def gps_traces(text: str) -> list[str]:
    """Ways the photo's metadata could show in a dump or a log."""
    found = []
    for needle in (CAMERA, "103.0, 54.0", "21.0, 20.0", "GPSInfo"):
        if needle in text:
            found.append(needle)
    return found
