"""The registry's indicators (see docs/indicators.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, Sum

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
    from tuquan.registry.selectors import active_team_ids_on, teams_visible

    active = active_team_ids_on(query.end).filter(pk__in=teams_visible(query.actor).values("pk"))
    links = TeamArea.objects.filter(_area_filter(query, "area"), team__in=active.values("pk"))
    return links.filter(team__type__code=query.type_code) if query.type_code else links


def _by_type(pairs: list[tuple[str, Any]]) -> dict[str, int]:
    codes = ModelType.objects.filter(is_active=True).values_list("code", flat=True)
    counts: Counter[str] = Counter(code for code, _ in pairs)
    return {code: counts.get(code, 0) for code in sorted(set(codes) | set(counts))}


@provider
def registry_indicators(query: Query) -> dict[str, Any]:
    end = query.end
    links = list(
        _active_links(query).values_list(
            "team_id", "team__type__code", "area_id", "area__level", "area__parent_id"
        )
    )
    team_types = {team: code for team, code, *_ in links}
    sites = {(code, area) for _team, code, area, *_ in links}
    weak = _active_links(query).filter(team__status="weak").values("team").distinct().count()
    active_members = Membership.objects.filter(team_id__in=team_types.keys(), start_on__lte=end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=end)
    )
    member_pairs = set(active_members.values_list("person_id", "team__type__code"))

    from tuquan.registry.selectors import villages_on

    villages = list(villages_on(query.area, end).values_list("pk", "parent_id"))
    village_ids = {v for v, _ in villages}
    covered_villages = {area for *_x, area, level, _p in links if area in village_ids}
    communes = _communes_in(query.area)
    covered_communes = {
        (area if level == Level.COMMUNE else parent) for *_x, area, level, parent in links
    } & communes

    visible_households = Household.objects.filter(
        _area_filter(query, "area"), scoping.subtree_q(query.actor, Cap.PEOPLE_READ, path_field="area__path")
    )
    covered = (
        TeamHousehold.objects.filter(
            team_id__in=team_types.keys(), household__in=visible_households, start_on__lte=end
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
    force = active_members.filter(team__type__is_statutory=True).select_related("person")
    force_people: dict[int, tuple[str, int | None]] = {}
    for m in force:
        force_people.setdefault(m.person_id, (m.role, m.person.birth_year))
    if query.actor is not None and not scoping.has_cap(query.actor, Cap.PEOPLE_READ):
        query.notes["households.covered"] = "Vai trò của bạn không xem được sổ hộ: số hộ không được tính."
    query.notes["teams.active"] = "Tình trạng tổ lấy theo lịch sử tình trạng tại ngày cuối kỳ."
    return {
        "models.sites": len(sites),
        "models.sites.by_type": _by_type(list(sites)),
        "teams.active": len(team_types),
        "teams.active.by_type": _by_type([(code, team) for team, code in team_types.items()]),
        "teams.weak": weak,
        "teams.members": len({p for p, _ in member_pairs}),
        "teams.members.by_type": _by_type([(code, p) for p, code in member_pairs]),
        "coverage.villages": ratio(len(covered_villages), len(village_ids)),
        "coverage.communes": ratio(len(covered_communes), len(communes)),
        "households.covered": covered,
        "coverage.households": ratio(covered, registered),
        "commitments.signed": signed.values("household").distinct().count(),
        "commitments.signed.by_type": _by_type(
            list(signed.values_list("team__type__code", "household").distinct())
        ),
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


def _communes_in(area: Area) -> set[int]:
    if area.level == Level.COMMUNE:
        return {area.pk}
    if area.level in (Level.PROVINCE, Level.COUNTRY):
        return set(
            Area.objects.filter(level=Level.COMMUNE, path__startswith=area.path).values_list("pk", flat=True)
        )
    return set()
