"""`tuquan worker`: django-tasks-db's worker holding a lease (core/jobs.py)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from tuquan.core import jobs


class Command(DbWorker):
    help = (
        "Tiến trình xử lý công việc nền (nhập tệp, báo cáo…). Giữ một hợp đồng thuê (lease): "
        "việc của tiến trình đã chết được làm lại hoặc báo lỗi trong khoảng 2 phút."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        options["reload"] = False  # a reloader's child would hold a lease the parent renews
        stop = threading.Event()
        jobs.beat(worker_id)
        jobs.reap_quietly()
        thread = threading.Thread(target=self._keep_lease, args=(worker_id, stop), daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            try:
                jobs.leave(worker_id)
            except DatabaseError:
                pass

    @staticmethod
    def _keep_lease(worker_id: str, stop: threading.Event) -> None:
        every = max(1.0, jobs.lease().total_seconds() / 8)
        while not stop.wait(every):
            try:
                jobs.beat(worker_id)
                jobs.reap()
            except DatabaseError:
                pass  # the database busy or away: the next beat tries again
            finally:
                close_old_connections()
