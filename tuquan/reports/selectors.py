from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.reports.models import ReportJob


def report_jobs_for(user: Actor) -> QuerySet[ReportJob]:
    """A user's own reports (a report carries what its author could see, nobody else's)."""
    return ReportJob.objects.filter(actor_id=user.pk).select_related("area").defer("workbook", "result")[:20]


def report_job_get_for_user(user: Actor, uid: Any) -> ReportJob:
    return scoping.get_for_user(
        ReportJob.objects.select_related("area"),
        user,
        visible_q=Q(actor_id=getattr(user, "pk", None)),
        uid=uid,
    )
