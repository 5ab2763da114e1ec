"""Backups that restore: SQLite's online backup, `pg_dump`/`pg_restore` for PostgreSQL.

A backup is the database only. The master key (TUQUAN_MASTER_KEY or its file) is never in
it: it is kept apart, and the backup cannot be read without it (docs/security.md). The
backup's side file (`<file>.json`) names the key by its fingerprint, so a restore under
another key is refused before anything is overwritten.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from tuquan.core import crypto


class BackupError(Exception):
    pass


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"Không tìm thấy {name} (cài gói postgresql-client).")
    return candidates[-1]


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        str(db.get("HOST") or "localhost"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db["USER"]),
    ]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def side_file(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def backup(path: Path) -> dict[str, Any]:
    """Write a consistent copy of the database to `path` while the app keeps running."""
    db = _database()
    if db["ENGINE"].endswith("sqlite3") and path.resolve() == Path(str(db["NAME"])).resolve():
        raise BackupError("Không sao lưu đè lên chính cơ sở dữ liệu đang dùng: chọn tệp khác.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(str(db["NAME"]), timeout=30)
        target = sqlite3.connect(str(path))
        try:
            source.backup(target)  # page by page, consistent, writers keep writing
        finally:
            target.close()
            source.close()
        vendor = "sqlite"
    elif db["ENGINE"].endswith("postgresql"):
        args, env = _pg_args(db)
        run = [_pg_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(path), str(db["NAME"])]
        subprocess.run(run, env=env, check=True, capture_output=True)  # noqa: S603
        vendor = "postgresql"
    else:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu {db['ENGINE']}.")
    os.chmod(path, 0o600)  # personal data, encrypted fields or not
    meta = {
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "master_key_id": crypto.master_key_id(),
        "bytes": path.stat().st_size,
    }
    side_file(path).write_text(json.dumps(meta, indent=2))
    return meta


def restore(path: Path) -> dict[str, Any]:
    """Replace the database's content with the backup at `path` (stop the web server and
    the workers first: their open connections would see the data change under them)."""
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu “{path}”.")
    meta_path = side_file(path)
    try:
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    except (ValueError, OSError) as exc:
        raise BackupError(f"Tệp kèm “{meta_path.name}” hỏng: xoá nó hoặc lấy lại từ nơi sao lưu.") from exc
    if meta.get("master_key_id") and meta["master_key_id"] != crypto.master_key_id():
        raise BackupError(
            "Khoá chính hiện tại không phải khoá lúc sao lưu (mã khoá "
            f"{meta['master_key_id']}): dữ liệu mã hoá sẽ không đọc được. Đặt đúng khoá rồi khôi phục."
        )
    db = _database()
    if db["ENGINE"].endswith("sqlite3"):
        _check_sqlite_backup(path)  # the side file may be lost: the file itself must prove it
    connections.close_all()
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(db["NAME"]), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif db["ENGINE"].endswith("postgresql"):
        args, env = _pg_args(db)
        run = [
            _pg_tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "-d",
            str(db["NAME"]),
            str(path),
        ]
        subprocess.run(run, env=env, check=True, capture_output=True)  # noqa: S603
    else:
        raise BackupError(f"Không khôi phục được cơ sở dữ liệu {db['ENGINE']}.")
    crypto.reset_cache()
    return meta


def _check_sqlite_backup(path: Path) -> None:
    """A Tự Quản database whose data keys open with the current master key, or refused before
    anything is overwritten."""
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError("Tệp này không phải bản sao lưu SQLite.")
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"django_migrations", "core_area", "core_datakey"} <= tables:
                raise BackupError("Tệp này không phải bản sao lưu của Tự Quản.")
            wrapped = [r[0] for r in source.execute("SELECT wrapped_key FROM core_datakey")]
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("Không đọc được tệp sao lưu SQLite.") from exc
    try:
        for key in wrapped:
            crypto.unwrap(key, crypto.master_key())
    except crypto.DecryptionError as exc:
        raise BackupError(
            "Khoá chính hiện tại không mở được khoá dữ liệu trong bản sao lưu: dữ liệu mã hoá sẽ "
            "không đọc được. Đặt đúng khoá lúc sao lưu rồi khôi phục."
        ) from exc
