"""Background work of the registry (django-tasks, run by `tuquan db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def registry_import(job_id: int) -> dict[str, Any]:
    """Import an uploaded workbook: large files take longer than a web request may."""
    from tuquan.registry.services import import_job_run

    return import_job_run(job_id=job_id)
