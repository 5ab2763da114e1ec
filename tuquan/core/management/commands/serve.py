"""`tuquan serve`: the web server (gunicorn) and the background worker together.

The same server for the try-out (`make run`) and for production: what a person tries is
what a province runs. Options, or the environment when an option is not given:

  --bind HOST:PORT   TUQUAN_BIND      (default 127.0.0.1:$PORT, PORT defaults to 8000)
  --workers N        WEB_CONCURRENCY  (processes; default 2 × cores + 1, 2 under DEBUG)
  --threads N        TUQUAN_THREADS   (threads per process; default 4)
  --no-worker                         (no background worker: run `tuquan worker` elsewhere)

Several app nodes behind a proxy each run `tuquan serve --no-worker` and one or more run
`tuquan worker`; the workers share the queue in the database (docs/architecture.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def _default_workers() -> int:
    return 2 if settings.DEBUG else 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) cùng tiến trình xử lý công việc nền."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--bind", default=os.environ.get("TUQUAN_BIND", ""), help="HOST:PORT")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("TUQUAN_THREADS", "4")))
        parser.add_argument("--no-worker", action="store_true", help="Không chạy tiến trình xử lý nền")

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or f"{options['host']}:{options['port']}"
        workers = options["workers"] or _default_workers()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tuquan.wsgi",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(max(1, options["threads"])),
            # A province's export or a large report page may take a while; a worker stuck
            # longer than this is restarted by gunicorn.
            "--timeout",
            "120",
            "--graceful-timeout",
            "30",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            # Its default path is one per user: two servers on one machine would share it.
            "--no-control-socket",
        ]
        children = []
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "tuquan.cli", "worker", "--interval", "1"]
            children.append(subprocess.Popen(worker))  # noqa: S603
        web = subprocess.Popen(command)  # noqa: S603  (our own interpreter and arguments)
        children.append(web)
        self.stdout.write(
            f"Tự Quản: http://{bind}/  ({workers} × {options['threads']} luồng; Ctrl+C để dừng)"
        )

        def stop(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            web.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=35)
                except subprocess.TimeoutExpired:
                    child.kill()
