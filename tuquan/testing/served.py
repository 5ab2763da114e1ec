"""The app served the way `make run` serves it, in a temporary directory, for tests that
need real processes: several clients at once, a worker killed mid-job, a backup restored.

`serve_tryout(directory)` prepares a try-out there exactly as `make run` does (migrate,
official units, demo), serves it with `tuquan serve` on a free port, and yields a `Served`
with its URL, a way to run `tuquan` commands against it, and read-only SQL on its file.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Served:
    url: str
    var: Path
    env: dict[str, str]

    def tuquan(
        self, *args: str, check: bool = True, timeout: float = 300, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  (our own interpreter)
            [sys.executable, "-m", "tuquan.cli", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """A `tuquan` process in its own process group (kill it with `killpg`)."""
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tuquan.cli", *args],
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(f"file:{self.var / 'tuquan.sqlite3'}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def serve_tryout(directory: Path, *, worker: bool = False, lease: int = 4) -> Iterator[Served]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "TUQUAN_MASTER_KEY")
    }
    env.update(
        DEBUG="1",
        TUQUAN_DEMO="1",
        TUQUAN_VAR_DIR=str(directory),
        SECRET_KEY=secrets.token_urlsafe(40),
        TUQUAN_JOB_LEASE=str(lease),
        WEB_CONCURRENCY="2",
    )
    port = free_port()
    served = Served(f"http://127.0.0.1:{port}", directory, env)
    for step in (("migrate", "--noinput", "-v", "0"), ("load-units",), ("load-demo",)):
        served.tuquan(*step)
    server = served.start("serve", "--port", str(port), *(() if worker else ("--no-worker",)))
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{served.url}/healthz", timeout=2)  # noqa: S310  (loopback)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("tuquan serve did not answer /healthz") from None
                time.sleep(0.3)
        yield served
    finally:
        stop(server)
