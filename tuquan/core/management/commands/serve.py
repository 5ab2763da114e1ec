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
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def gunicorn_command(app: str, bind: str, workers: int, threads: int) -> list[str]:
    """How gunicorn serves a WSGI application here: also the bare app `make bench-web`
    compares the project with (tuquan/bench_web.py), so both are served alike."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(max(1, threads)),
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
        command = gunicorn_command("tuquan.wsgi", bind, workers, options["threads"])
        worker_command = [sys.executable, "-m", "tuquan.cli", "worker", "--interval", "1"]
        worker = None if options["no_worker"] else subprocess.Popen(worker_command)  # noqa: S603
        web = subprocess.Popen(command)  # noqa: S603  (our own interpreter and arguments)
        children = [c for c in (worker, web) if c is not None]
        self.stdout.write(
            f"Tự Quản: http://{bind}/  ({workers} × {options['threads']} luồng; Ctrl+C để dừng)"
        )

        def stop(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        stopping = False

        def stop_flag(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True
            stop(signum, frame)

        signal.signal(signal.SIGTERM, stop_flag)
        signal.signal(signal.SIGINT, stop_flag)
        try:
            while web.poll() is None:
                # A worker that died (killed, out of memory, a database error it did not survive)
                # is started again: queued jobs would otherwise wait for ever.
                if worker is not None and worker.poll() is not None and not stopping:
                    self.stderr.write(f"Tiến trình xử lý nền đã dừng (mã {worker.returncode}); chạy lại.")
                    time.sleep(2)
                    worker = subprocess.Popen(worker_command)  # noqa: S603
                    children[0] = worker
                time.sleep(1)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=35)
                except subprocess.TimeoutExpired:
                    child.kill()
