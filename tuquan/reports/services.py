"""Reports asked from the web: small ones computed at once, large ones by the worker."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.models import User
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.services import audit_record
from tuquan.reports import engine, io
from tuquan.reports.models import JobStatus, ReportJob

# Above this the request returns at once and the worker computes (the page says when ready).
SMALL_DAYS = 400


def is_small(area: Area, start: date, end: date, by: list[str]) -> bool:
    if area.level in (Level.COUNTRY,) or "type" in by:
        return False
    return area.level in (Level.COMMUNE, Level.VILLAGE) or (end - start).days <= SMALL_DAYS


def report_request(
    *, actor: User, area: Area, start: date, end: date, by: list[str], approved_only: bool = False
) -> ReportJob:
    if end < start:
        raise ValidationError({"end": _("Ngày cuối kỳ trước ngày đầu kỳ.")})
    if end > timezone.localdate():
        raise ValidationError({"end": _("Kỳ báo cáo chưa kết thúc.")})
    by = [d for d in by if d in engine.DIMENSIONS] or ["child"]
    with transaction.atomic():
        job = ReportJob.objects.create(
            actor=actor, area=area, start=start, end=end, by=by, approved_only=approved_only
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=job,
            area=area,
            label=f"{start}–{end}",
            details={"by": by},
        )
        if not is_small(area, start, end, by):
            from tuquan.reports.tasks import report_run_task

            transaction.on_commit(lambda: report_run_task.enqueue(job.pk))
    if is_small(area, start, end, by):
        report_run(job)
    return job


def report_run(job: ReportJob) -> ReportJob:
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    try:
        report = engine.build(
            actor=job.actor,
            area=job.area,
            start=job.start,
            end=job.end,
            by=job.by,
            approved_only=job.approved_only,
        )
        job.result, job.workbook, job.status = report, io.workbook(report), JobStatus.READY
    except Exception as exc:  # the page must say it failed rather than spin forever
        job.status, job.error = JobStatus.FAILED, str(exc)[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "workbook", "status", "error", "finished_at"])
    return job


def report_jobs_lost(task_ids: list[str]) -> None:
    """Reports whose worker died (core/jobs.py): failed with a message, not run again (a
    report that took the worker down would take the next one down too)."""
    from django_tasks_db.models import DBTaskResult

    path = "tuquan.reports.tasks.report_run_task"
    ids = [
        args_kwargs.get("args", [None])[0]
        for args_kwargs in DBTaskResult.objects.filter(id__in=task_ids, task_path=path).values_list(
            "args_kwargs", flat=True
        )
    ]
    ReportJob.objects.filter(
        pk__in=[i for i in ids if i], status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=_("Máy chủ dừng giữa chừng khi tính báo cáo này; hãy yêu cầu lại, hoặc chọn kỳ ngắn hơn."),
    )
