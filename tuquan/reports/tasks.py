from __future__ import annotations

from django_tasks import task


@task()
def report_run_task(job_id: int) -> str:
    from tuquan.reports.models import ReportJob
    from tuquan.reports.services import report_run

    return report_run(ReportJob.objects.select_related("actor", "area").get(pk=job_id)).status
