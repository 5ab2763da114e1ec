"""`tuquan backup` and `tuquan restore` on PostgreSQL (pg_dump, pg_restore), against a
database of their own beside the test database: restoring drops and recreates tables, which
no test transaction could hold. The SQLite path is tested on the served try-out
(test_served_tryout.py)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tuquan.core.tests.test_served_tryout import cells

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL only (CI's second run): pg_dump and pg_restore",
)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    import psycopg

    name = f"tuquan_backup_{secrets.token_hex(4)}"
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_postgresql_backup_restored_gives_back_the_records_of_its_time(
    scratch_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": scratch_database,
        "DEBUG": "1",
        "TUQUAN_DEMO": "1",
        "TUQUAN_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(30),
    }

    def tuquan(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tuquan.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            **kwargs,
        )

    tuquan("migrate", "--noinput", "-v", "0")
    tuquan("load-units")
    tuquan("load-demo")
    saved, before, after = tmp_path / "tuquan.dump", tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    tuquan("backup", str(saved))
    tuquan("export", "--area", "04099", "-o", str(before))
    tuquan(
        "shell",
        "-c",
        "from tuquan.registry.models import Person; Person.objects.update(full_name='Sửa nhầm')",
    )

    tuquan("restore", str(saved), "--yes")
    tuquan("export", "--area", "04099", "-o", str(after))

    assert cells(after) == cells(before)
