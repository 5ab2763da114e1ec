"""Answers kept until the database changes: `kept(name, parts, make)`.

The key is the database's `data_version()` with the caller's `parts`, so an answer is served
from the process's cache (Django's default, local memory) only while nothing at all has been
written since it was made; the first request after any committed write makes it again.
Whatever `make` read (the asker's grants, the area tree, the figures) is then the same as
when it was kept, so only what is not in the database belongs in `parts`: who asks, what
they asked, the language, the day. Errors are never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")


def data_version() -> str | None:
    """A text that changes whenever any transaction writes to the database, or None where
    there is none to be had (SQLite, or inside a transaction that has written).

    On PostgreSQL it is the current snapshot (`xmin:xmax:in-progress ids`): a transaction
    that writes is given an id, which shows in the snapshot while it runs and moves `xmax`
    or leaves the in-progress list when it ends, so a write committed after this was read
    always changes it. Reads take no id and leave it alone. Inside a transaction that has
    written, its own changes would not show: None, so the caller makes the answer."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NULL")
        snapshot, clean = cursor.fetchone()
    return str(snapshot) if clean else None


def kept(name: str, parts: tuple[object, ...], make: Callable[[], T]) -> T:
    """`make()`, or what it gave for the same `parts` while the database has not changed."""
    version = data_version()
    if version is None:
        return make()
    key = f"{name}:" + hashlib.sha256(repr((version, parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found)
    return found  # type: ignore[no-any-return]
