"""The registry's indicators (see docs/indicators.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, When

from tuquan.core import scoping
from tuquan.core.indicators import Query, define, provider, ratio
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.registry.models import (
    Commitment,
    Household,
    Membership,
    ModelType,
    TeamArea,
    TeamHousehold,
    Training,
)

define(
    "models.sites",
    "Số điểm mô hình",
    "Số cặp (loại mô hình, địa bàn) khác nhau có ít nhất một tổ đang hoạt động vào ngày cuối kỳ; một điểm là "
    "một nơi áp dụng mô hình (một thôn, hoặc một xã với mô hình cấp xã).",
)
define(
    "teams.active",
    "Số tổ, nhóm đang hoạt động",
    "Số tổ có tình trạng “đang hoạt động” hoặc “hoạt động yếu” vào ngày cuối kỳ và có ít nhất một địa bàn "
    "trong khu vực; một tổ trải nhiều xã được đếm một lần ở mọi cấp chứa nó.",
)
define("teams.weak", "Số tổ hoạt động yếu", "Số tổ có tình trạng “hoạt động yếu” vào ngày cuối kỳ.")
define(
    "teams.members",
    "Số thành viên",
    "Số người khác nhau đang là thành viên (mọi vai trò) của các tổ đang hoạt động vào ngày cuối kỳ.",
)
define(
    "coverage.villages",
    "Thôn có mô hình",
    "Số thôn, tổ dân phố tồn tại vào ngày cuối kỳ có ít nhất một tổ đang hoạt động / tổng số thôn.",
    "ratio",
)
define(
    "coverage.communes",
    "Xã có mô hình",
    "Số xã có ít nhất một tổ đang hoạt động vào ngày cuối kỳ / tổng số xã của khu vực.",
    "ratio",
)
define(
    "households.covered", "Số hộ tham gia", "Số hộ khác nhau thuộc một tổ đang hoạt động vào ngày cuối kỳ."
)
define(
    "coverage.households",
    "Hộ tham gia / hộ đã đăng ký",
    "Số hộ tham gia (households.covered) / số hộ có trong sổ theo dõi của khu vực.",
    "ratio",
)
define(
    "commitments.signed",
    "Số hộ đã ký cam kết",
    "Số hộ khác nhau đã ký cam kết với một chương trình, mô hình trong khu vực, tính đến ngày cuối kỳ.",
)
define(
    "training.attendees",
    "Lượt người được tập huấn",
    "Tổng số người dự các buổi tập huấn tổ chức trong kỳ trong khu vực.",
    "flow",
)
define("training.sessions", "Số buổi tập huấn", "Số buổi tập huấn tổ chức trong kỳ trong khu vực.", "flow")
define(
    "force.members",
    "Lực lượng Tổ bảo vệ ANTT",
    "Số người đang là thành viên của Tổ bảo vệ an ninh, trật tự ở cơ sở vào ngày cuối kỳ; .by_role theo vai trò, "
    ".by_age_group theo nhóm tuổi (đến 70, trên 70).",
)


def _area_filter(query: Query, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": query.area.path})


def _active_links(query: Query) -> Any:
    """The links (team, area) in the area of teams active or weak on the period's last day.

    The status is looked up per link of the area (one index probe each), not for every team
    of the country; the visibility filter is skipped for whoever sees the whole area."""
    from tuquan.registry.models import TeamStatus, TeamStatusChange
    from tuquan.registry.selectors import teams_visible

    latest = (
        TeamStatusChange.objects.filter(team=OuterRef("team_id"), on__lte=query.end)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    links = TeamArea.objects.filter(_area_filter(query, "area")).alias(status_on=Subquery(latest))
    links = links.filter(status_on__in=[TeamStatus.ACTIVE, TeamStatus.WEAK])
    if not _sees_whole(query):
        links = links.filter(team__in=teams_visible(query.actor).values("pk"))
    return links.filter(team__type__code=query.type_code) if query.type_code else links


def _sees_whole(query: Query) -> bool:
    return scoping.is_system_admin(query.actor) or scoping.covers(query.actor, query.area.path, Cap.TEAM_READ)


def _by_type(counts: dict[str, int]) -> dict[str, int]:
    codes = ModelType.objects.filter(is_active=True).values_list("code", flat=True)
    return {code: counts.get(code, 0) for code in sorted(set(codes) | set(counts))}


@provider
def registry_indicators(query: Query) -> dict[str, Any]:
    """Grouped counts in the database: a national figure is a handful of grouped queries over
    the links and memberships, never their rows in Python."""
    from tuquan.registry.selectors import villages_on

    end = query.end
    links = _active_links(query)
    # A team has one type: teams and sites add up across the types without double counting.
    per_type = list(
        links.values("team__type__code")
        .annotate(
            teams=Count("team_id", distinct=True),
            sites=Count("area_id", distinct=True),
            weak=Count("team_id", distinct=True, filter=Q(team__status="weak")),
        )
        .order_by()
    )
    teams = {row["team__type__code"]: row["teams"] for row in per_type}
    sites = {row["team__type__code"]: row["sites"] for row in per_type}
    villages = villages_on(query.area, end)
    communes = Area.objects.filter(level=Level.COMMUNE, path__startswith=query.area.path)
    commune_of = Case(When(area__level=Level.COMMUNE, then=F("area_id")), default=F("area__parent_id"))
    covered = links.aggregate(
        villages=Count("area_id", distinct=True, filter=Q(area__in=villages.values("pk"))),
        communes=Count(commune_of, distinct=True, filter=Q(area__level__in=[Level.COMMUNE, Level.VILLAGE])),
    )
    if query.area.level not in (Level.COMMUNE, Level.PROVINCE, Level.COUNTRY):
        covered["communes"], commune_count = 0, 0
    else:
        commune_count = communes.count()
    active_members = Membership.objects.filter(team_id__in=links.values("team_id"), start_on__lte=end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=end)
    )
    members_by_type = {
        row["team__type__code"]: row["n"]
        for row in active_members.values("team__type__code")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    }
    members = active_members.aggregate(n=Count("person_id", distinct=True))["n"]

    visible_households = Household.objects.filter(
        _area_filter(query, "area"), scoping.subtree_q(query.actor, Cap.PEOPLE_READ, path_field="area__path")
    )
    households_covered = (
        TeamHousehold.objects.filter(
            team_id__in=links.values("team_id"), household__in=visible_households, start_on__lte=end
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=end))
        .values("household")
        .distinct()
        .count()
    )
    registered = visible_households.count()
    signed = Commitment.objects.filter(household__in=visible_households, signed_on__lte=end)
    trainings = Training.objects.filter(
        _area_filter(query, "area"), held_on__gte=query.start, held_on__lte=end
    )
    if query.type_code:
        signed = signed.filter(team__type__code=query.type_code)
        trainings = trainings.filter(team__type__code=query.type_code)
    force = (
        active_members.filter(team__type__is_statutory=True)
        .order_by("team", "start_on", "id")
        .values_list("person_id", "role", "person__birth_year")
    )
    force_people: dict[int, tuple[str, int | None]] = {}
    for person_id, role, born in force:
        force_people.setdefault(person_id, (role, born))
    if query.actor is not None and not scoping.has_cap(query.actor, Cap.PEOPLE_READ):
        query.notes["households.covered"] = "Vai trò của bạn không xem được sổ hộ: số hộ không được tính."
    query.notes["teams.active"] = "Tình trạng tổ lấy theo lịch sử tình trạng tại ngày cuối kỳ."
    signed_by_type = {
        row["team__type__code"]: row["n"]
        for row in signed.values("team__type__code").annotate(n=Count("household", distinct=True)).order_by()
    }
    return {
        "models.sites": sum(sites.values()),
        "models.sites.by_type": _by_type(sites),
        "teams.active": sum(teams.values()),
        "teams.active.by_type": _by_type(teams),
        "teams.weak": sum(row["weak"] for row in per_type),
        "teams.members": members,
        "teams.members.by_type": _by_type(members_by_type),
        "coverage.villages": ratio(covered["villages"], villages.count()),
        "coverage.communes": ratio(covered["communes"], commune_count),
        "households.covered": households_covered,
        "coverage.households": ratio(households_covered, registered),
        "commitments.signed": signed.values("household").distinct().count(),
        "commitments.signed.by_type": _by_type(signed_by_type),
        "training.sessions": trainings.count(),
        "training.attendees": trainings.aggregate(n=Sum("attendee_count"))["n"] or 0,
        "force.members": len(force_people),
        "force.members.by_role": dict(Counter(role for role, _ in force_people.values())),
        "force.members.by_age_group": _age_groups(force_people.values(), end.year),
    }


def _age_groups(people: Any, year: int) -> dict[str, int]:
    groups = {"to_70": 0, "over_70": 0, "unknown": 0}
    for _role, born in people:
        if born is None:
            groups["unknown"] += 1
        elif year - born > 70:
            groups["over_70"] += 1
        else:
            groups["to_70"] += 1
    return groups
