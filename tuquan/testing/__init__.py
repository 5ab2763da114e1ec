"""Test support shared by every app's tests: the journey harness (a browser against the app
served as in production) and the first-load weight of a page."""

from __future__ import annotations

import os
from typing import Any

import pytest

# The personas' password in tests (tuquan/conftest.py makes the personas).
PASSWORD = "mat-khau-thu-nghiem-2025"


def require_all() -> bool:
    return os.environ.get("TUQUAN_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally when a browser or system library is missing; fail in CI (TUQUAN_REQUIRE_ALL=1)."""
    if require_all():
        pytest.fail(f"TUQUAN_REQUIRE_ALL=1 and {reason}")
    pytest.skip(reason)


def postgresql_only(why: str) -> Any:
    """Mark a test that needs PostgreSQL (CI's second run), saying what for."""
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason=f"PostgreSQL only (CI's second run): {why}",
    )
