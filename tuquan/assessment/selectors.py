"""Every read of the yearly assessment, scoped through core.scoping."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tuquan.assessment.models import (
    CriteriaSet,
    Hotspot,
    Outcome,
    Result,
    Round,
    RoundStatus,
    SetStatus,
    TeamGrade,
)
from tuquan.core import scoping
from tuquan.core.roles import Cap


def criteria_sets(*, active_only: bool = True) -> QuerySet[CriteriaSet]:
    """Criteria sets are public rules: everyone signed in reads them."""
    qs = CriteriaSet.objects.prefetch_related("criteria")
    return qs.filter(status=SetStatus.ACTIVE) if active_only else qs


def rounds_visible(user: Any) -> QuerySet[Round]:
    return Round.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"))


def round_list(user: Any, *, year: int | None = None, status: str = "") -> QuerySet[Round]:
    qs = rounds_visible(user).select_related("criteria_set", "commune")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "commune__path", "criteria_set__subject_kind")


def round_get_for_user(user: Any, uid: Any, *, cap: str | None = None) -> Round:
    """404 outside the user's area; 403 when visible but the user lacks `cap` there."""
    writable = (lambda r: scoping.covers(user, r.commune.path, cap)) if cap else None
    return scoping.get_for_user(
        Round.objects.select_related("criteria_set", "commune", "approved_by", "proposed_by"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"),
        writable=writable,
        uid=uid,
    )


def round_results(round: Round) -> QuerySet[Result]:
    return round.results.select_related("area", "unit").order_by("area__path", "unit__name", "id")


def commendation_proposals(user: Any, *, year: int) -> QuerySet[Result]:
    """Subjects that met the standard in an approved round of the year: the list the steering
    committee proposes for commendation."""
    return (
        Result.objects.filter(
            scoping.subtree_q(user, Cap.AREA_READ, path_field="round__commune__path"),
            round__year=year,
            round__status=RoundStatus.APPROVED,
            outcome=Outcome.MET,
        )
        .select_related("round__commune", "area", "unit")
        .order_by("round__commune__path", "id")
    )


def hotspots_visible(user: Any) -> QuerySet[Hotspot]:
    return Hotspot.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"))


def hotspot_get_for_user(user: Any, uid: Any) -> Hotspot:
    return scoping.get_for_user(
        Hotspot.objects.select_related("area").prefetch_related("tasks"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"),
        uid=uid,
    )


def in_area(qs: QuerySet[Any], path: str, field: str) -> QuerySet[Any]:
    return qs.filter(Q(**{f"{field}__startswith": path}))


def team_grades(user: Any, *, year: int, grade: str = "") -> QuerySet[TeamGrade]:
    """The year's grades of the teams the user sees: the province looks for the weak to
    strengthen or dissolve and the good to replicate."""
    qs = TeamGrade.objects.filter(
        scoping.subtree_q(user, Cap.TEAM_READ, path_field="team__home_area__path"), year=year
    ).select_related("team", "team__type", "team__home_area")
    return qs.filter(grade=grade) if grade else qs


def paper_only(user: Any, *, on: Any = None) -> list[Any]:
    """Active teams the user sees with no verified activity in the last months."""
    from django.utils import timezone

    from tuquan.assessment.indicators import paper_only_teams
    from tuquan.core.models import COUNTRY_IDENT, Area

    country = Area.objects.get(ident=COUNTRY_IDENT)
    return paper_only_teams(user, country, on or timezone.localdate())
