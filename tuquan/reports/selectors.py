from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.selectors import area_get_for_user, area_list
from tuquan.core.text import normalize_search
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


# Today's areas a report is asked for (the old structure is reached through `legacy`).
REPORT_LEVELS = (Level.COUNTRY, Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)


def report_area_choices(user: Actor, text: str, limit: int = 12) -> list[Area]:
    """Areas whose name holds the words typed, accents or not (the area browser's search),
    larger areas first."""
    if not text.strip():
        return []
    return list(area_list(user, q=text).filter(level__in=REPORT_LEVELS, valid_to__isnull=True)[:limit])


def report_area_find(user: Actor, text: str) -> Area:
    """The area typed: its code, or a name that points to one area only (an exact name wins
    over names that merely contain it). Http404 when none or several match."""
    text = text.strip()
    try:
        return area_get_for_user(user, text)
    except Http404:
        pass
    found = report_area_choices(user, text, limit=50)
    exact = [a for a in found if normalize_search(a.short_name) == normalize_search(text)]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    raise Http404(text)
