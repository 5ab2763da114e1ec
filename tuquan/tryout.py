"""The try-out's settings file: what `make run` writes so that `tuquan …` works in its checkout.

`make run` writes `var/tryout.env` once (DEBUG, the demo and a generated secret key); the
`tuquan` console script reads it when nothing in the environment says "this is a
deployment". It must never turn DEBUG on for a real server, so:

- it is ignored whenever SECRET_KEY or DATABASE_URL is in the environment (a deployment
  sets both), or DJANGO_SETTINGS_MODULE names other settings;
- `tuquan check --deploy` fails while the file exists (tuquan.E003).

This module imports nothing from Django: the console script reads the file before the
settings are imported, and the Makefile runs it before anything is installed beyond Python.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

FILE_NAME = "tryout.env"
# A deployment names at least one of these; with either present the file is never read.
DEPLOYMENT_MARKERS = ("SECRET_KEY", "DATABASE_URL")


def var_dir() -> Path:
    """The directory of the embedded database, media and keys (the same rule as settings)."""
    default = Path(__file__).resolve().parent.parent / "var"
    return Path(os.environ.get("TUQUAN_VAR_DIR") or default)


def path() -> Path:
    return var_dir() / FILE_NAME


def read(file: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def apply(environ: os._Environ[str] | dict[str, str] = os.environ) -> Path | None:
    """Put the try-out's values into `environ` (without overriding any); the file applied, or None."""
    if any(environ.get(name) for name in DEPLOYMENT_MARKERS):
        return None
    if environ.get("DJANGO_SETTINGS_MODULE", "tuquan.settings") != "tuquan.settings":
        return None
    file = path()
    if not file.is_file():
        return None
    for key, value in read(file).items():
        environ.setdefault(key, value)
    return file


def write() -> Path:
    """Create the file once (a new secret key each checkout); an existing file is kept."""
    file = path()
    if file.exists():
        return file
    file.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Written by `make run`: the local try-out's settings, read by `.venv/bin/tuquan` in this\n"
        "# checkout when SECRET_KEY and DATABASE_URL are not in the environment.\n"
        "# Never on a server: `tuquan check --deploy` fails while this file exists.\n"
        "DEBUG=1\n"
        "TUQUAN_DEMO=1\n"
        f"SECRET_KEY=tryout-{secrets.token_urlsafe(40)}\n"
    )
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return file


if __name__ == "__main__":
    # `python -m tuquan.tryout`: what `make run` calls before its first `tuquan` command.
    sys.stdout.write(f"{write()}\n")
