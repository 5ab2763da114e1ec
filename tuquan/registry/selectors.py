"""Every non-trivial read of the registry, scoped through core.scoping."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.audit import audit_record
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.permissions import can_read_people
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search
from tuquan.registry.models import (
    Household,
    Membership,
    ModelType,
    Person,
    Team,
    TeamArea,
    TeamStatus,
    TeamStatusChange,
)
from tuquan.registry.permissions import (
    can_edit_model_type,
    can_edit_roster,
    can_edit_team,
    can_read_sensitive,
    can_write_at,
    leads,
)

SENSITIVE_FIELDS = ("national_id", "ethnicity", "religion", "phone")


# --- model types ---------------------------------------------------------------------


def model_types_for(user: Actor, *, include_inactive: bool = False) -> QuerySet[ModelType]:
    """The national catalogue plus the types of the provinces the user reaches."""
    provinces = {g.area_path.split("/")[1] for g in scoping.grants(user) if g.area_path.count("/") >= 2}
    q = Q(province__isnull=True)
    if scoping.is_system_admin(user):
        q = Q()
    elif provinces:
        q |= Q(province__ident__in=provinces)
    qs = ModelType.objects.filter(q)
    return qs if include_inactive else qs.filter(is_active=True)


def model_type_get_for_user(user: Actor, code: str, *, write: bool = False) -> ModelType:
    return scoping.get_for_user(
        ModelType.objects.select_related("province"),
        user,
        visible_q=Q(pk__in=model_types_for(user, include_inactive=True).values("pk")),
        writable=(lambda t: can_edit_model_type(user, t)) if write else None,
        code=code,
    )


# --- teams ---------------------------------------------------------------------------


def teams_visible(user: Actor) -> QuerySet[Team]:
    """Teams with any of their areas, or their home commune, inside the user's area: a
    border cluster is visible to the officers of every commune it spans."""
    return Team.objects.filter(_team_visible_q(user))


def _team_visible_q(user: Any) -> Q:
    in_area = TeamArea.objects.filter(scoping.subtree_q(user, Cap.TEAM_READ, path_field="area__path"))
    return Q(Exists(in_area.filter(team=OuterRef("pk")))) | scoping.subtree_q(
        user, Cap.TEAM_READ, path_field="home_area__path"
    )


def team_list(
    user: Actor, *, area: Area | None = None, type_code: str = "", status: str = "", q: str = ""
) -> QuerySet[Team]:
    qs = teams_visible(user)
    if area is not None:
        qs = qs.filter(Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=area.path)))
    if type_code:
        qs = qs.filter(type__code=type_code)
    if status:
        qs = qs.filter(status=status)
    needle = normalize_search(q)
    if needle:
        qs = qs.filter(search_name__contains=needle)
    today = timezone.localdate()
    active_members = Q(memberships__start_on__lte=today) & (
        Q(memberships__end_on__isnull=True) | Q(memberships__end_on__gte=today)
    )
    return (
        qs.select_related("type", "home_area")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.only("id", "ident", "name", "short_name")))
        .annotate(member_count=Count("memberships", filter=active_members, distinct=True))
        .order_by("home_area__path", "sort_name")
    )


def team_counts(teams: QuerySet[Team]) -> dict[str, Any]:
    by_status = dict(teams.order_by().values_list("status").annotate(n=Count("id")))
    by_type = list(
        teams.order_by().values("type__code", "type__short_name").annotate(n=Count("id")).order_by("-n")
    )
    return {"total": sum(by_status.values()), "by_status": by_status, "by_type": by_type}


def team_get_for_user(user: Actor, uid: Any, *, write: bool = False, roster: bool = False) -> Team:
    """404 outside the user's area; 403 when visible but not editable (the team's home
    commune edits it, its leaders keep its roster)."""
    if write:
        check: Any = (lambda t: can_edit_roster(user, t)) if roster else (lambda t: can_edit_team(user, t))
    else:
        check = None
    return scoping.get_for_user(
        Team.objects.select_related("type", "home_area", "parent"),
        user,
        # The condition itself, not `pk IN (visible teams)`: one query fewer to build on
        # every journal write and page (0.3 ms), the same rows.
        visible_q=_team_visible_q(user),
        writable=check,
        uid=uid,
    )


def team_detail(user: Actor, team: Team) -> dict[str, Any]:
    today = timezone.localdate()
    memberships = team.memberships.select_related("person", "person__area").order_by(
        "end_on", "role", "person__search_name"
    )
    people_visible = can_read_people(user)
    return {
        "team": team,
        "areas": list(team.areas.order_by("path")),
        "memberships": list(memberships) if people_visible else [],
        "active_members": sum(
            1 for m in memberships if m.start_on <= today and (m.end_on is None or m.end_on >= today)
        ),
        "households": list(
            team.team_households.select_related("household", "household__head", "household__area").filter(
                Q(end_on__isnull=True) | Q(end_on__gte=today)
            )
        )
        if people_visible
        else [],
        "commitments": team.commitments.count(),
        "history": list(team.status_changes.select_related("by")),
        "subteams": list(team.subteams.select_related("type")),
        "trainings": list(team.trainings.order_by("-held_on")[:10]),
        "commendations": list(team.commendations.order_by("-awarded_on")),
        "can_edit": can_edit_team(user, team),
        "can_edit_roster": can_edit_team(user, team) or leads(user, team),
        "people_visible": people_visible,
    }


# --- people and households -------------------------------------------------------------


def people_visible(user: Actor) -> QuerySet[Person]:
    return Person.objects.filter(scoping.subtree_q(user, Cap.PEOPLE_READ, path_field="area__path"))


def person_search(user: Actor, *, q: str = "", area: Area | None = None, limit: int = 50) -> QuerySet[Person]:
    qs = people_visible(user).select_related("area", "household")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    for word in normalize_search(q).split():
        qs = qs.filter(search_name__contains=word)
    return qs.order_by("sort_name", "birth_year")[:limit]


def person_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Person:
    return scoping.get_for_user(
        Person.objects.select_related("area", "household"),
        user,
        visible_q=Q(pk__in=people_visible(user).values("pk")),
        writable=(lambda p: can_write_at(user, p.area.path)) if write else None,
        uid=uid,
    )


def person_possible_duplicates(
    *, full_name: str, birth_year: int | None, area: Area, exclude_pk: int | None = None
) -> QuerySet[Person]:
    """Same name ignoring diacritics and case, same birth year, same village."""
    qs = Person.objects.filter(search_name=normalize_search(full_name), birth_year=birth_year, area=area)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def person_identity_for(user: Actor, person: Person) -> dict[str, str] | None:
    """ID number, ethnicity, religion and phone, for those whose role allows; each read audited."""
    if not can_read_sensitive(user, person.area):
        return None
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=person,
        area=person.area,
        label=str(person.uid)[:8],
        details={"fields": list(SENSITIVE_FIELDS)},
    )
    return {f: getattr(person, f) for f in SENSITIVE_FIELDS}


def households_visible(user: Actor) -> QuerySet[Household]:
    return Household.objects.filter(scoping.subtree_q(user, Cap.PEOPLE_READ, path_field="area__path"))


def household_search(
    user: Actor, *, q: str = "", area: Area | None = None, limit: int = 50
) -> QuerySet[Household]:
    qs = households_visible(user).select_related("head", "area")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    for word in normalize_search(q).split():
        qs = qs.filter(Q(head__search_name__contains=word) | Q(address__icontains=word))
    return qs.order_by("area__path", "address")[:limit]


def household_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Household:
    return scoping.get_for_user(
        Household.objects.select_related("head", "area"),
        user,
        visible_q=Q(pk__in=households_visible(user).values("pk")),
        writable=(lambda h: can_write_at(user, h.area.path)) if write else None,
        uid=uid,
    )


# --- coverage and force statistics ------------------------------------------------------


def villages_on(area: Area, day: date) -> QuerySet[Area]:
    """Villages of an area's subtree that existed on `day` (merged ones end, new ones start)."""
    return (
        Area.objects.filter(level=Level.VILLAGE, path__startswith=area.path)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def active_team_ids_on(day: date) -> QuerySet[Team]:
    """Teams active on `day`: their status on that day (from the history) is active or weak."""
    return Team.objects.filter(pk__in=active_spans_on(day).values("team_id"))


def active_spans_on(day: date) -> QuerySet[TeamStatusChange]:
    """The status changes in force on `day` that leave a team active or weak: one set-based
    read of the spans (on <= day < until), not a search for each team's latest change."""
    return TeamStatusChange.objects.filter(
        on__lte=day, status__in=[TeamStatus.ACTIVE, TeamStatus.WEAK]
    ).filter(Q(until__isnull=True) | Q(until__gt=day))


def commune_coverage(
    user: Actor, commune: Area, *, type_code: str = "", on: date | None = None
) -> dict[str, Any]:
    """Villages with at least one active team (of a type) / all villages of the commune."""
    day = on or timezone.localdate()
    villages = list(villages_on(commune, day))
    active = active_team_ids_on(day).filter(pk__in=teams_visible(user).values("pk"))
    if type_code:
        active = active.filter(type__code=type_code)
    covered_ids = set(
        TeamArea.objects.filter(team__in=active.values("pk"), area__in=[v.pk for v in villages]).values_list(
            "area_id", flat=True
        )
    )
    rows = [
        {"village": v, "covered": v.pk in covered_ids} for v in sorted(villages, key=lambda a: a.number or 0)
    ]
    return {"rows": rows, "covered": len(covered_ids), "total": len(villages)}


# --- choices for forms ------------------------------------------------------------------


def writable_areas(user: Actor, *, levels: tuple[str, ...] = (Level.VILLAGE,)) -> QuerySet[Area]:
    """Current villages (or communes) where the user may write registry records."""
    return (
        Area.objects.filter(
            scoping.subtree_q(user, Cap.REGISTRY_WRITE, path_field="path"),
            level__in=levels,
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
    )


def area_choices(areas: Any) -> list[tuple[str, str]]:
    return [
        (a.ident, f"{a.name} — {a.parent.short_name}" if a.parent and a.level == Level.VILLAGE else a.name)
        for a in areas
    ]


def filter_areas(user: Actor) -> QuerySet[Area]:
    """Communes the user sees, to filter lists by."""
    return Area.objects.filter(
        scoping.subtree_q(user, Cap.TEAM_READ, path_field="path"), level=Level.COMMUNE, valid_to__isnull=True
    ).order_by("sort_name")


def membership_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Membership:
    return scoping.get_for_user(
        Membership.objects.select_related("team__home_area", "team__type", "person"),
        user,
        visible_q=Q(team__in=teams_visible(user).values("pk"), person__in=people_visible(user).values("pk")),
        writable=(lambda m: can_edit_roster(user, m.team)) if write else None,
        uid=uid,
    )


def people_for_team(user: Actor, team: Team) -> QuerySet[Person]:
    """People living in the team's areas (villages, or whole communes), to add as members."""
    q = Q()
    for area in team.areas.all():
        q |= Q(area__path__startswith=area.path)
    return people_visible(user).filter(q).order_by("sort_name")


def households_for_team(user: Actor, team: Team) -> QuerySet[Household]:
    q = Q()
    for area in team.areas.all():
        q |= Q(area__path__startswith=area.path)
    return households_visible(user).filter(q).select_related("head").order_by("address")


def force_statistics(user: Actor, area: Area, *, on: date | None = None) -> dict[str, Any]:
    """The statutory force as officials tabulate it: members by team, role and age group."""
    day = on or timezone.localdate()
    teams = (
        teams_visible(user)
        .filter(type__is_statutory=True)
        .filter(Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=area.path)))
    )
    members = (
        Membership.objects.filter(team__in=teams.values("pk"), start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("team", "person")
        .order_by("team__sort_name", "role")
    )
    rows: dict[int, dict[str, Any]] = {}
    totals = {"leader": 0, "deputy": 0, "member": 0, "to_70": 0, "over_70": 0, "total": 0}
    for m in members:
        row = rows.setdefault(
            m.team_id,
            {"team": m.team, "leader": 0, "deputy": 0, "member": 0, "to_70": 0, "over_70": 0, "total": 0},
        )
        role = m.role if m.role in ("leader", "deputy") else "member"
        age_group = "over_70" if m.person.birth_year and day.year - m.person.birth_year > 70 else "to_70"
        for bucket in (row, totals):
            bucket[role] += 1
            bucket[age_group] += 1
            bucket["total"] += 1
    return {"rows": list(rows.values()), "totals": totals, "teams": teams.count(), "on": day}


# --- lists for the API (unsliced, so they can be paged and counted) ---------------------


def model_type_list(
    user: Actor, *, q: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[ModelType]:
    qs = model_types_for(user, include_inactive=include_inactive).select_related("province")
    if kind:
        qs = qs.filter(kind=kind)
    needle = normalize_search(q)
    if needle:
        qs = qs.filter(
            Q(name__icontains=q.strip())
            | Q(short_name__icontains=q.strip())
            | Q(code__icontains="-".join(needle.split()))
        )
    return qs.order_by("sort_name", "code")


def person_list(user: Actor, *, area: Area | None = None, q: str = "") -> QuerySet[Person]:
    """People the user may see (none without people.read), searched ignoring diacritics."""
    qs = people_visible(user).select_related("area", "household")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    for word in normalize_search(q).split():
        qs = qs.filter(search_name__contains=word)
    return qs.order_by("sort_name", "birth_year", "pk")


def household_list(user: Actor, *, area: Area | None = None, q: str = "") -> QuerySet[Household]:
    qs = households_visible(user).select_related("head", "area")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    for word in normalize_search(q).split():
        qs = qs.filter(Q(head__search_name__contains=word) | Q(address__icontains=word))
    return qs.order_by("area__path", "address", "pk")


def household_members(user: Actor, household: Household) -> QuerySet[Person]:
    return people_visible(user).filter(household=household).order_by("sort_name", "pk")


def team_memberships(user: Actor, team: Team) -> QuerySet[Any]:
    """A visible team's memberships, only those whose person the user may see (a team
    member without people.read gets none; a neighbouring commune sees its own residents)."""
    return (
        team.memberships.filter(person__in=people_visible(user).values("pk"))
        .select_related("person", "team")
        .order_by("start_on", "pk")
    )


def household_commitments(user: Actor, household: Household) -> QuerySet[Any]:
    """A visible household's commitments to the programmes (teams) the user may see."""
    return (
        household.commitments.filter(team__in=teams_visible(user).values("pk"))
        .select_related("team", "household")
        .order_by("-signed_on", "pk")
    )


def teams_of_user(user: Actor) -> list[Team]:
    """The teams the account's person belongs to now (the leader's shortcut to the journal)."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    return list(
        Team.objects.filter(memberships__person__user_id=user.pk, memberships__start_on__lte=today)
        .filter(Q(memberships__end_on__isnull=True) | Q(memberships__end_on__gte=today))
        .select_related("type")
        .distinct()
        .order_by("sort_name")
    )
