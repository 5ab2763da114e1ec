"""Background jobs that outlive their workers.

django-tasks-db marks a task RUNNING when a worker claims it and nothing else: a worker
killed mid-task (`kill -9`, the machine rebooted, out of memory) left its task, and the
import job it ran, "running" for ever. Every `tuquan worker` therefore holds a lease
(`WorkerBeat`), renewed every `LEASE / 8` seconds by a thread beside its loop. A task
RUNNING on a worker whose lease has lapsed is ended as failed here (a bare `db_worker`
holds no lease: its tasks are left alone, so run `tuquan worker`), and the apps that track their own jobs are
told (`on_lost`, registered in their `AppConfig.ready`): the registry retries an import
once, then fails it with a message for the person who uploaded it, and deletes the upload.

`reap()` runs in every worker's lease thread, when a worker starts, and when someone looks
at a job's page, so a job is settled within about the lease (2 minutes by default) even
with no worker left alive. A worker's SQLite write waits at most the busy timeout behind an
import's write transaction, far below the lease, so a live worker is not taken for dead.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

_LOST: list[Callable[[list[str]], None]] = []


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "TUQUAN_JOB_LEASE", 120))


def on_lost(handler: Callable[[list[str]], None]) -> None:
    """`handler(task_ids)` is called with the ids of tasks whose worker died."""
    _LOST.append(handler)


def beat(worker_id: str) -> None:
    from tuquan.core.models import WorkerBeat

    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now(), "host": socket.gethostname()[:255], "pid": os.getpid()},
    )


def leave(worker_id: str) -> None:
    from tuquan.core.models import WorkerBeat

    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def reap() -> list[str]:
    """End the tasks whose worker's lease has lapsed; returns their ids."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from tuquan.core.models import WorkerBeat

    cutoff = timezone.now() - lease()
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")
    )
    if not running:
        return []
    # Only a worker that held a lease and let it lapse is dead: a bare `db_worker` holds none,
    # and its long task must not be taken for lost and run twice.
    lapsed = set(WorkerBeat.objects.filter(beat_at__lt=cutoff).values_list("worker_id", flat=True))
    dead = {str(pk): workers[-1] for pk, workers in running if workers and workers[-1] in lapsed}
    lost = list(dead)
    if not lost:
        return []
    with transaction.atomic():
        ended = DBTaskResult.objects.filter(id__in=lost, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="tuquan.core.jobs.WorkerLost",
            traceback="The worker running this task stopped renewing its lease.",
        )
        if ended:
            for handler in _LOST:
                handler(lost)
    WorkerBeat.objects.filter(worker_id__in=set(dead.values())).delete()  # settled
    logger.warning("jobs: %s task(s) of a dead worker ended", ended)
    return lost


def reap_quietly() -> None:
    """For pages: settle what can be settled, never fail the page for it."""
    try:
        reap()
    except DatabaseError:
        logger.exception("jobs: reaping failed")
