"""Reads for official reports, the dashboard and the notice, always scoped."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.indicators import compute
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.core.selectors import area_get_for_user
from tuquan.documents import permissions
from tuquan.documents.models import IssuedReport, ReportTemplate
from tuquan.documents.narrative import DEFAULT_TEMPLATE, period_length
from tuquan.journal.models import Entry, Rollup
from tuquan.registry.models import TeamArea, TeamStatus
from tuquan.registry.selectors import active_team_ids_on, teams_visible
from tuquan.reports.engine import year_before

IDLE_DAYS = 60


def area_for_reader(user: Actor, ident: str) -> Area:
    """An area whose figures the user may read: inside their own subtree (ancestors, visible
    for navigation, are not enough), current units only."""
    area = area_get_for_user(user, ident)
    if not permissions.can_read_figures(user, area):
        raise Http404("Không tìm thấy hoặc nằm ngoài địa bàn của bạn.")
    return area


def province_of(area: Area) -> Area | None:
    if area.level == Level.PROVINCE:
        return area
    return area.province if area.province_id else None


def template_text(area: Area) -> str:
    province = province_of(area)
    found = ReportTemplate.objects.filter(province=province).first() if province else None
    return found.body if found else DEFAULT_TEMPLATE


def issued_reports_visible(user: Actor) -> QuerySet[IssuedReport]:
    return IssuedReport.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"))


def issued_report_list(user: Actor, *, area: Area | None = None) -> QuerySet[IssuedReport]:
    qs = issued_reports_visible(user).select_related("area", "corrects").defer("docx", "pdf", "figures_json")
    if area is not None:
        qs = qs.filter(area=area)
    return qs[:50]


def issued_report_get_for_user(user: Actor, uid: Any) -> IssuedReport:
    return scoping.get_for_user(
        IssuedReport.objects.select_related("area", "corrects"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"),
        uid=uid,
    )


def idle_teams(user: Actor, area: Area, start: date, end: date) -> QuerySet[Any]:
    """Teams active on `end` with a village in the area and nothing in their journal between
    `start` and `end`."""
    return (
        active_team_ids_on(end)
        .filter(pk__in=teams_visible(user).values("pk"))
        .filter(Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=area.path)))
        .exclude(
            Exists(Entry.objects.filter(team=OuterRef("pk"), occurred_on__gte=start, occurred_on__lte=end))
        )
        .select_related("type", "home_area")
        .order_by("home_area__path", "sort_name")
    )


# --- dashboard --------------------------------------------------------------------------

KEY_CODES = [
    "teams.active",
    "teams.members",
    "coverage.villages",
    "patrols.count",
    "tips.count",
    "mediations.count",
    "arrests.cases",
    "reporting.completeness",
]
SERIES_CODES = ["patrols.count", "meetings.count", "tips.count", "mediations.count", "awareness.sessions"]


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(day: date, n: int) -> date:
    year, month = day.year, day.month - n
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def monthly_series(user: Actor, area: Area, first: date, codes: list[str]) -> dict[str, dict[date, float]]:
    """Monthly sums from the journal's rollups (village × month × type × code): one query."""
    rows = (
        Rollup.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="village__path"))
        .filter(village__path__startswith=area.path, month__gte=first, code__in=codes)
        .values("month", "code")
        .annotate(total=Sum("value"))
        .order_by()
    )
    series: dict[str, dict[date, float]] = {code: {} for code in codes}
    for row in rows:
        series[row["code"]][row["month"]] = float(row["total"])
    return series


def active_children(user: Actor, area: Area, since: date) -> set[int]:
    """Children (communes of a province, villages of a commune) with any journal activity since."""
    field = "commune_id" if area.level in (Level.PROVINCE, Level.COUNTRY) else "village_id"
    return set(
        Rollup.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="village__path"))
        .filter(village__path__startswith=area.path, month__gte=since)
        .values_list(field, flat=True)
        .distinct()
    )


def map_points(user: Actor, area: Area, since: date) -> list[dict[str, Any]]:
    level = {Level.PROVINCE: Level.COMMUNE, Level.COMMUNE: Level.VILLAGE, Level.COUNTRY: Level.PROVINCE}.get(
        area.level  # type: ignore[call-overload]
    )
    own = [_own_point(user, area, since)] if area.latitude is not None and area.longitude is not None else []
    if level is None:
        # A village has no children to place: it is shown at its own coordinates.
        return own
    children = Area.objects.filter(scoping.area_q(user), parent=area, level=level, valid_to__isnull=True)
    active = active_children(user, area, since) if level != Level.PROVINCE else set()
    points = [
        {
            "name": c.name,
            "ident": c.ident,
            "lat": c.latitude,
            "lon": c.longitude,
            "active": c.pk in active,
        }
        for c in children.only("id", "ident", "name", "latitude", "longitude").order_by("ident")
    ]
    # No child placed yet: the area's own point rather than "no coordinates".
    return points if any(p["lat"] is not None for p in points) else own


def _own_point(user: Actor, area: Area, since: date) -> dict[str, Any]:
    active = Rollup.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="village__path")).filter(
        village__path__startswith=area.path, month__gte=since
    )
    return {
        "name": area.name,
        "ident": area.ident,
        "lat": area.latitude,
        "lon": area.longitude,
        "active": active.exists(),
    }


def dashboard(user: Actor, area: Area, *, today: date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, from the rollup-backed indicators: two `compute`s
    (from the first of the month eleven months back to yesterday, and the same dates a year
    earlier: like for like, a period of 11 months and some days is not compared with 12
    whole months), one rollup query per chart set and map, one query for idle teams."""
    today = today or timezone.localdate()
    end = today - timedelta(days=1)
    first = months_back(today, 11)
    start = first
    prev_start, prev_end = year_before(start, end)
    now = compute(actor=user, area=area, start=start, end=end)
    before = compute(actor=user, area=area, start=prev_start, end=prev_end)
    series = monthly_series(user, area, first, SERIES_CODES)
    months = [months_back(today, n) for n in range(11, -1, -1)]
    idle = idle_teams(user, area, today - timedelta(days=IDLE_DAYS), today)
    return {
        "start": start,
        "end": end,
        "length": period_length(start, end),
        "previous_start": prev_start,
        "previous_end": prev_end,
        "report": {**now, "comparison": {"previous": before}},
        "figures": now["indicators"],
        "previous": before["indicators"],
        "months": months,
        "series": {code: [values.get(m, 0.0) for m in months] for code, values in series.items()},
        "points": map_points(user, area, months_back(today, 2)),
        "idle": list(idle[:20]),
        "idle_count": idle.count(),
        "idle_days": IDLE_DAYS,
        "weak": list(weak_teams(user, area)[:20]),
    }


def weak_teams(user: Actor, area: Area) -> QuerySet[Any]:
    """Teams whose status today is “hoạt động yếu”: to strengthen or dissolve."""
    return (
        teams_visible(user)
        .filter(status=TeamStatus.WEAK)
        .filter(Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=area.path)))
        .select_related("home_area")
        .order_by("home_area__path", "sort_name")
    )


def default_period(today: date | None = None) -> tuple[date, date]:
    """This year up to yesterday (last year in January)."""
    today = today or timezone.localdate()
    end = today - timedelta(days=1)
    return date(end.year, 1, 1), end
