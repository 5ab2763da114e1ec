"""Every read of the yearly assessment, scoped through core.scoping."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuquan.assessment import permissions
from tuquan.assessment.models import (
    UNIT_KINDS,
    CheckKind,
    CriteriaSet,
    Criterion,
    Hotspot,
    HotspotTask,
    Outcome,
    Rating,
    RatingLevel,
    Result,
    Round,
    RoundStatus,
    SetStatus,
    SubjectKind,
    TeamGrade,
    Unit,
)
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.indicators import compute, known
from tuquan.core.models import COUNTRY_IDENT, Area, Level
from tuquan.core.roles import Cap
from tuquan.registry.models import Membership, Team
from tuquan.registry.selectors import teams_visible


def criteria_sets(*, active_only: bool = True) -> QuerySet[CriteriaSet]:
    """Criteria sets are public rules: everyone signed in reads them."""
    qs = CriteriaSet.objects.prefetch_related("criteria")
    return qs.filter(status=SetStatus.ACTIVE) if active_only else qs


def rounds_visible(user: Actor) -> QuerySet[Round]:
    return Round.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"))


def round_list(user: Actor, *, year: int | None = None, status: str = "") -> QuerySet[Round]:
    qs = rounds_visible(user).select_related("criteria_set", "commune")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "commune__path", "criteria_set__subject_kind")


def round_get_for_user(user: Actor, uid: Any, *, may: Callable[[Actor, Round], bool] | None = None) -> Round:
    """404 outside the user's area; 403 when visible but `may` (a permission) refuses."""
    writable = (lambda r: may(user, r)) if may else None
    return scoping.get_for_user(
        Round.objects.select_related("criteria_set", "commune", "approved_by", "proposed_by"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"),
        writable=writable,
        uid=uid,
    )


def round_results(round: Round) -> QuerySet[Result]:
    return round.results.select_related("area", "unit").order_by("area__path", "unit__sort_name", "id")


def commendation_proposals(user: Actor, *, year: int) -> QuerySet[Result]:
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


def hotspots_visible(user: Actor) -> QuerySet[Hotspot]:
    return Hotspot.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"))


def hotspot_get_for_user(
    user: Actor, uid: Any, *, may: Callable[[Actor, Hotspot], bool] | None = None
) -> Hotspot:
    """404 outside the user's area; 403 when visible but `may` (a permission) refuses."""
    writable = (lambda h: may(user, h)) if may else None
    return scoping.get_for_user(
        Hotspot.objects.select_related("area").prefetch_related("tasks"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"),
        writable=writable,
        uid=uid,
    )


def hotspot_task_get(hotspot: Hotspot, pk: int) -> HotspotTask:
    """A task of a hotspot already fetched for the user: its area is the hotspot's."""
    task = hotspot.tasks.filter(pk=pk).first()
    if task is None:
        raise Http404(_("Không có nhiệm vụ này trong kế hoạch."))
    return task


def hotspot_list(user: Actor) -> QuerySet[Hotspot]:
    return (
        hotspots_visible(user)
        .select_related("area")
        .annotate(task_count=Count("tasks"), open_count=Count("tasks", filter=Q(tasks__done_on__isnull=True)))
        .order_by("status", "-declared_on", "id")
    )


# --- where the user may propose -----------------------------------------------------------


def propose_communes(user: Actor) -> QuerySet[Area]:
    """Today's communes in which the user records assessments."""
    return Area.objects.filter(
        scoping.subtree_q(user, Cap.ASSESSMENT_PROPOSE, path_field="path"),
        level=Level.COMMUNE,
        valid_to__isnull=True,
    ).order_by("path")


def propose_areas(user: Actor) -> QuerySet[Area]:
    """Communes and villages in which the user declares hotspots."""
    return Area.objects.filter(
        scoping.subtree_q(user, Cap.ASSESSMENT_PROPOSE, path_field="path"),
        level__in=(Level.COMMUNE, Level.VILLAGE),
        valid_to__isnull=True,
    ).order_by("path")


def approve_provinces(user: Actor) -> QuerySet[Area]:
    """Provinces whose rules the user edits."""
    return Area.objects.filter(
        scoping.subtree_q(user, Cap.ASSESSMENT_APPROVE, path_field="path"),
        level=Level.PROVINCE,
        valid_to__isnull=True,
    ).order_by("path")


def province_get_for_user(user: Actor, ident: str, *, write: bool = False) -> Area:
    """A province by ident: 404 outside the user's area, 403 if the user does not set its rules."""
    return scoping.get_for_user(
        Area.objects.all(),
        user,
        visible_q=scoping.area_q(user) & Q(level=Level.PROVINCE),
        writable=(lambda a: permissions.can_edit_rules(user, a)) if write else None,
        ident=ident,
    )


# --- criteria sets -------------------------------------------------------------------------


def criteria_set_list() -> QuerySet[CriteriaSet]:
    """Every version, the ones in use marked, for the province administrator's editor."""
    return CriteriaSet.objects.annotate(
        criteria_count=Count("criteria", distinct=True),
        in_use=Exists(Round.objects.filter(criteria_set=OuterRef("pk"))),
    ).order_by("subject_kind", "code", "-version")


def criteria_set_get(pk: int) -> CriteriaSet:
    """Criteria sets are public rules: any signed-in user reads any version."""
    cs = CriteriaSet.objects.select_related("supersedes").filter(pk=pk).first()
    if cs is None:
        raise Http404(_("Không có bộ tiêu chí này."))
    return cs


def criterion_get(pk: int) -> Criterion:
    c = Criterion.objects.select_related("criteria_set").filter(pk=pk).first()
    if c is None:
        raise Http404(_("Không có tiêu chí này."))
    return c


# --- registered units ------------------------------------------------------------------------


def units_visible(user: Actor) -> QuerySet[Unit]:
    return Unit.objects.filter(scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"))


def unit_list(user: Actor, *, commune: Area | None = None, kind: str = "") -> QuerySet[Unit]:
    qs = units_visible(user).select_related("commune")
    if commune is not None:
        qs = qs.filter(commune=commune)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("commune__path", "kind", "sort_name")


def unit_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Unit:
    return scoping.get_for_user(
        Unit.objects.select_related("commune"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="commune__path"),
        writable=(lambda u: permissions.can_edit_unit(user, u)) if write else None,
        uid=uid,
    )


# --- a round's subjects -------------------------------------------------------------------------


def unit_kinds_for(criteria_set: CriteriaSet) -> tuple[str, ...]:
    """The unit kinds a set assesses (the agencies' set also covers enterprises)."""
    kind = criteria_set.subject_kind
    if kind == SubjectKind.AGENCY:
        return (SubjectKind.AGENCY, SubjectKind.ENTERPRISE)
    return (kind,) if kind in UNIT_KINDS else ()


def round_subjects(rnd: Round) -> list[dict[str, Any]]:
    """Everything the round should assess, each with its result when recorded: the commune's
    villages, the commune itself, or its registered units of the set's kind."""
    results = list(round_results(rnd))
    by_area = {r.area_id: r for r in results if r.area_id}
    by_unit = {r.unit_id: r for r in results if r.unit_id}
    kinds = unit_kinds_for(rnd.criteria_set)
    subjects: list[dict[str, Any]] = []
    if kinds:
        units = Unit.objects.filter(commune=rnd.commune, kind__in=kinds).order_by("kind", "sort_name")
        for u in units:
            if u.active or u.pk in by_unit:
                subjects.append({"key": str(u.uid), "name": u.name, "result": by_unit.get(u.pk)})
    elif rnd.criteria_set.subject_kind == SubjectKind.RESIDENTIAL:
        villages = Area.objects.filter(parent=rnd.commune, level=Level.VILLAGE).order_by(
            "number", "sort_name"
        )
        for v in villages:
            if v.valid_to is None or v.pk in by_area:
                subjects.append({"key": v.ident, "name": v.name, "result": by_area.get(v.pk)})
    else:
        subjects.append(
            {"key": rnd.commune.ident, "name": rnd.commune.name, "result": by_area.get(rnd.commune.pk)}
        )
    return subjects


def round_subject(rnd: Round, key: str) -> tuple[Area | None, Unit | None]:
    """The subject named in a round's URL: a village or the commune by ident, a unit by uid;
    404 for anything that is not the round's commune's."""
    if unit_kinds_for(rnd.criteria_set):
        try:
            unit = Unit.objects.filter(uid=uuid.UUID(key), commune=rnd.commune).first()
        except ValueError:
            unit = None
        if unit is None:
            raise Http404(_("Không có đơn vị này ở xã."))
        return None, unit
    area = Area.objects.filter(ident=key, path__startswith=rnd.commune.path).first()
    if area is None:
        raise Http404(_("Không có địa bàn này ở xã."))
    return area, None


def subject_result(rnd: Round, area: Area | None, unit: Unit | None) -> Result | None:
    return rnd.results.filter(area=area, unit=unit).first()


def derived_values(user: Actor, rnd: Round, area: Area | None) -> dict[str, Any]:
    """Each derived criterion's value as computed now and whether it holds, to show beside the
    form before saving: {code: {"value", "met"}}, met None when there is no figure."""
    from tuquan.assessment.rules import meets, window

    derived = [c for c in rnd.criteria_set.criteria.all() if c.check_kind == CheckKind.DERIVED]
    if not derived or area is None:
        return {}
    start, end = window(rnd.criteria_set, rnd.year)
    codes = known(c.indicator for c in derived)
    figures = compute(actor=user, area=area, start=start, end=end, codes=codes)["indicators"] if codes else {}
    out: dict[str, Any] = {}
    for c in derived:
        raw = figures.get(c.indicator)
        value = raw.get("ratio") if isinstance(raw, dict) else raw
        met = None if value is None else meets(Decimal(str(value)), c)
        out[c.code] = {"value": value, "met": met}
    return out


# --- the statutory team's rating -----------------------------------------------------------------


def statutory_teams(user: Actor) -> QuerySet[Any]:
    return (
        teams_visible(user)
        .filter(type__is_statutory=True)
        .select_related("home_area", "type")
        .order_by("home_area__path", "sort_name")
    )


def rating_team_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Any:
    """A team as the registry shows it; writable where the user rates (the home commune)."""
    return scoping.get_for_user(
        Team.objects.select_related("type", "home_area"),
        user,
        visible_q=Q(pk__in=teams_visible(user).values("pk")),
        writable=(lambda t: permissions.can_rate_team(user, t)) if write else None,
        uid=uid,
    )


def rating_sheet(team: Any, year: int) -> dict[str, Any]:
    """The team's rating and each member's of the period, members active at any time in it."""
    from tuquan.assessment.rules import rating_period

    start, end = rating_period(year)
    members = list(
        Membership.objects.filter(team=team, start_on__lte=end)
        .exclude(end_on__lt=start)
        .select_related("person")
        .order_by("role", "person__sort_name")
    )
    ratings = {r.membership_id: r for r in Rating.objects.filter(team=team, year=year)}
    return {
        "team_rating": ratings.get(None),
        "rows": [{"membership": m, "rating": ratings.get(m.pk)} for m in members],
        "period": (start, end),
    }


def excellent_ratings(user: Actor, *, year: int) -> QuerySet[Rating]:
    """ "Xuất sắc" ratings of the year in the user's area: the force's commendation list."""
    return (
        Rating.objects.filter(
            scoping.subtree_q(user, Cap.TEAM_READ, path_field="team__home_area__path"),
            year=year,
            level=RatingLevel.EXCELLENT,
        )
        .select_related("team", "team__home_area", "membership__person", "commendation")
        .order_by("team__home_area__path", "team__sort_name", "membership_id")
    )


def in_area(qs: QuerySet[Any], path: str, field: str) -> QuerySet[Any]:
    return qs.filter(Q(**{f"{field}__startswith": path}))


def team_grades(user: Actor, *, year: int, grade: str = "") -> QuerySet[TeamGrade]:
    """The year's grades of the teams the user sees: the province looks for the weak to
    strengthen or dissolve and the good to replicate."""
    qs = TeamGrade.objects.filter(
        scoping.subtree_q(user, Cap.TEAM_READ, path_field="team__home_area__path"), year=year
    ).select_related("team", "team__type", "team__home_area")
    return qs.filter(grade=grade) if grade else qs


def paper_only(user: Actor, *, on: Any = None) -> list[Any]:
    """Active teams the user sees with no verified activity in the last months."""
    from django.utils import timezone

    from tuquan.assessment.indicators import paper_only_teams

    country = Area.objects.get(ident=COUNTRY_IDENT)
    return paper_only_teams(user, country, on or timezone.localdate())


def rating_membership(team: Any, key: str) -> Any:
    """A membership of a team already fetched for the user, by uid."""
    try:
        found = Membership.objects.filter(team=team, uid=uuid.UUID(key)).select_related("person").first()
    except ValueError:
        found = None
    if found is None:
        raise Http404(_("Người này không thuộc tổ."))
    return found


def rating_of_team(team: Any, uid: Any) -> Rating:
    found = Rating.objects.filter(team=team, uid=uid).select_related("membership__person", "team").first()
    if found is None:
        raise Http404(_("Không có kết quả xếp loại này."))
    return found


def result_get_for_user(
    user: Actor, uid: Any, *, may: Callable[[Actor, Round], bool] | None = None
) -> Result:
    """A result by its round's commune: 404 outside, 403 when `may` refuses its round."""
    writable = (lambda r: may(user, r.round)) if may else None
    return scoping.get_for_user(
        Result.objects.select_related("round__commune", "round__criteria_set", "area", "unit"),
        user,
        visible_q=scoping.subtree_q(user, Cap.AREA_READ, path_field="round__commune__path"),
        writable=writable,
        uid=uid,
    )
