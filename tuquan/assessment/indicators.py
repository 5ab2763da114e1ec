"""The assessment's indicators (see docs/indicators.md): results of approved rounds, hotspot
areas, the statutory team's yearly rating, commitments against households, and teams
without verified activity."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from tuquan.assessment.models import (
    Grade,
    Hotspot,
    HotspotStatus,
    Outcome,
    Rating,
    RatingLevel,
    Result,
    RoundStatus,
)
from tuquan.assessment.services import rating_period, window
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.indicators import ChildOf, Group, Query, define, grouped, provider, ratio
from tuquan.core.roles import Cap
from tuquan.journal.models import Entry, EntryStatus
from tuquan.registry import stocks
from tuquan.registry.models import Commitment, Household, Team, TeamArea
from tuquan.registry.selectors import active_spans_on, teams_visible

PAPER_ONLY_MONTHS = 6

define(
    "assessment.units",
    "Số đơn vị được đánh giá “An toàn về ANTT”",
    "Số khu dân cư, xã, cơ quan, doanh nghiệp, trường học có kết quả trong một đợt đánh giá đã được phê duyệt"
    " mà kỳ đánh giá kết thúc trong kỳ báo cáo (khu dân cư: 01/11 năm trước đến 31/10).",
)
define(
    "assessment.units.by_kind",
    "Số đơn vị được đánh giá, theo loại",
    "assessment.units theo loại đối tượng (residential, commune, agency, enterprise, school, rural).",
)
define(
    "assessment.met",
    "Đơn vị đạt tiêu chuẩn / đơn vị được đánh giá",
    "Số đơn vị có kết quả “đạt” / assessment.units.",
    "ratio",
)
define(
    "assessment.met.by_kind",
    "Tỷ lệ đạt, theo loại",
    "assessment.met theo loại đối tượng; tiêu chí 19.2 nông thôn mới là loại “rural”.",
    "ratio",
)
define(
    "assessment.units_met",
    "Đơn vị đạt / đơn vị được đánh giá (tên cũ)",
    "Cùng số liệu với assessment.met, giữ cho các báo cáo đã dùng tên này.",
    "ratio",
)
define(
    "assessment.units_met.by_kind",
    "Tỷ lệ đạt theo loại (tên cũ)",
    "Cùng số liệu với assessment.met.by_kind.",
    "ratio",
)
define(
    "hotspots.declared",
    "Số địa bàn trọng điểm, phức tạp về ANTT",
    "Số địa bàn đã có quyết định xác định là trọng điểm đến ngày cuối kỳ (kể cả đã chuyển hóa).",
)
define(
    "hotspots.transformed",
    "Địa bàn đã chuyển hóa / địa bàn trọng điểm",
    "Số địa bàn được công nhận đã chuyển hóa đến ngày cuối kỳ / hotspots.declared.",
    "ratio",
)
for level, label in RatingLevel.choices:
    define(
        f"force.rating.{level}",
        f"Thành viên Tổ bảo vệ ANTT xếp loại “{label}”",
        "Số thành viên Tổ bảo vệ ANTT ở cơ sở được xếp loại ở mức này trong các năm đánh giá (15/11 năm trước đến"
        " 14/11) kết thúc trong kỳ.",
    )
define(
    "force.rating.not_rated",
    "Thành viên Tổ bảo vệ ANTT không xếp loại",
    "Số thành viên không xếp loại (hoạt động dưới 9 tháng hoặc đang có khiếu nại) trong các năm đánh giá kết"
    " thúc trong kỳ.",
)
define(
    "rating.teams.by_level",
    "Tổ bảo vệ ANTT theo mức xếp loại",
    "Số Tổ bảo vệ ANTT ở cơ sở theo mức xếp loại năm (excellent, good, done, not_done), năm đánh giá kết thúc"
    " trong kỳ.",
)
define(
    "commitments.households",
    "Hộ đã ký cam kết / hộ trong sổ",
    "Số hộ khác nhau đã ký cam kết đến ngày cuối kỳ / số hộ có trong sổ theo dõi của khu vực.",
    "ratio",
)
for grade, label in Grade.choices:
    define(
        f"teams.grade.{grade}",
        f"Số tổ xếp loại “{label}”",
        "Số tổ của các mô hình tự quản được xếp loại năm ở mức này (theo nhật ký đã xác minh và nhận xét của cán"
        " bộ), năm xếp loại (1/1–31/12) kết thúc trong kỳ.",
    )
define(
    "teams.paper_only",
    "Số tổ chỉ có trên giấy",
    f"Số tổ đang hoạt động vào ngày cuối kỳ, thành lập trước đó ít nhất {PAPER_ONLY_MONTHS} tháng, không có"
    f" hoạt động nào được xác minh trong {PAPER_ONLY_MONTHS} tháng cuối kỳ.",
)


def _years(start: date, end: date) -> range:
    return range(start.year, end.year + 2)


@provider
def assessment_indicators(query: Query) -> dict[str, Any]:
    if query.type_code:
        return {}  # assessments belong to no model type
    return assessment_indicators_grouped([query])[0]


@grouped(assessment_indicators)
def assessment_indicators_grouped(queries: list[Query]) -> list[dict[str, Any]]:
    """Assessment figures for one area or for sibling areas at once: the rows (rounds'
    results, hotspots, ratings, grades: a few per commune and year) are read once at the
    parent and each goes to the child its place falls in; households are counted grouped."""
    group = Group.of(queries)
    if group is None:
        return [assessment_indicators(q) for q in queries]
    first, ids, scope, parent = group.first, group.ids, group.scope, group.parent
    if first.type_code:
        return [{} for _ in queries]
    of = ChildOf(queries)
    start, end = first.start, first.end
    units: dict[int, Counter[str]] = {pk: Counter() for pk in ids}
    met: dict[int, Counter[str]] = {pk: Counter() for pk in ids}
    results = (
        Result.objects.filter(
            scoping.subtree_q(first.actor, Cap.AREA_READ, path_field="round__commune__path"),
            Q(area__path__startswith=scope.path) | Q(unit__commune__path__startswith=scope.path),
            round__status=RoundStatus.APPROVED,
            round__year__in=_years(start, end),
        )
        .select_related("round__criteria_set", "area", "unit__commune")
        .only("outcome", "round__year", "round__criteria_set", "area__path", "unit__commune__path")
    )
    for r in results:
        cs = r.round.criteria_set
        if not start <= window(cs, r.round.year)[1] <= end:
            continue
        found = (of(r.area.path if r.area else None), of(r.unit.commune.path if r.unit else None))
        places = {pk for pk in found if pk is not None}
        for pk in places:
            units[pk][cs.subject_kind] += 1
            met[pk][cs.subject_kind] += r.outcome == Outcome.MET
    declared: Counter[int] = Counter()
    transformed: Counter[int] = Counter()
    for path, status, transformed_on in Hotspot.objects.filter(
        scoping.subtree_q(first.actor, Cap.AREA_READ, path_field="area__path"),
        area__path__startswith=scope.path,
        declared_on__lte=end,
    ).values_list("area__path", "status", "transformed_on"):
        place = of(path)
        if place is not None:
            declared[place] += 1
            transformed[place] += (
                status == HotspotStatus.TRANSFORMED and transformed_on is not None and transformed_on <= end
            )
    ratings = _ratings(first, scope, of)
    grades = _grades(first, scope, of)
    commitments = _commitments(group)
    if all(q.area.level in stocks.LEVELS and _sees_teams(q) for q in queries):
        kept = stocks.stocks_on(ids, end, codes=[stocks.PAPER])
        paper_only = Counter({pk: sum(kept.get(pk, {}).get(stocks.PAPER, {}).values()) for pk in ids})
    elif parent is None:
        paper_only = Counter({first.area.pk: paper_only_teams_qs(first.actor, first.area, end).count()})
    else:
        paper_only = _paper_only(first, scope, of)
    out = []
    for pk in ids:
        total, total_met = sum(units[pk].values()), sum(met[pk].values())
        by_kind = {k: ratio(met[pk][k], units[pk][k]) for k in sorted(units[pk])}
        out.append(
            {
                "assessment.units": total,
                "assessment.units.by_kind": dict(sorted(units[pk].items())),
                "assessment.met": ratio(total_met, total),
                "assessment.met.by_kind": by_kind,
                "assessment.units_met": ratio(total_met, total),
                "assessment.units_met.by_kind": by_kind,
                "hotspots.declared": declared[pk],
                "hotspots.transformed": ratio(transformed[pk], declared[pk]),
                **ratings[pk],
                **grades[pk],
                **commitments[pk],
                "teams.paper_only": paper_only[pk],
            }
        )
    return out


def _sees_teams(query: Query) -> bool:
    return scoping.sees_all_teams(query.actor, query.area.path)


def _ratings(query: Query, scope: Any, of: ChildOf) -> dict[int, dict[str, Any]]:
    years = [y for y in _years(query.start, query.end) if query.start <= rating_period(y)[1] <= query.end]
    rows = Rating.objects.filter(
        scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="team__home_area__path"),
        team__home_area__path__startswith=scope.path,
        year__in=years,
    ).values_list("team__home_area__path", "membership_id", "level")
    members: dict[int, Counter[str]] = {pk: Counter() for pk in of.by_path.values()}
    teams: dict[int, Counter[str]] = {pk: Counter() for pk in of.by_path.values()}
    for path, membership_id, level in rows:
        pk = of(path)
        if pk is not None:
            (members if membership_id else teams)[pk][level or "not_rated"] += 1
    out: dict[int, dict[str, Any]] = {}
    for pk in of.by_path.values():
        mine: dict[str, Any] = {f"force.rating.{lv}": members[pk][lv] for lv in RatingLevel.values}
        mine["force.rating.not_rated"] = members[pk]["not_rated"]
        mine["rating.teams.by_level"] = {lv: teams[pk][lv] for lv in RatingLevel.values}
        out[pk] = mine
    return out


def _grades(query: Query, scope: Any, of: ChildOf) -> dict[int, dict[str, Any]]:
    from tuquan.assessment.models import TeamGrade

    years = [y for y in _years(query.start, query.end) if query.start <= date(y, 12, 31) <= query.end]
    rows = TeamGrade.objects.filter(
        scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="team__home_area__path"),
        team__home_area__path__startswith=scope.path,
        year__in=years,
    ).values_list("team__home_area__path", "grade")
    counts: dict[int, Counter[str]] = {pk: Counter() for pk in of.by_path.values()}
    for path, grade in rows:
        pk = of(path)
        if pk is not None:
            counts[pk][grade] += 1
    return {pk: {f"teams.grade.{g}": counts[pk][g] for g in Grade.values} for pk in of.by_path.values()}


def _commitments(group: Group) -> dict[int, dict[str, Any]]:
    from django.db.models import Count

    households = group.tag(
        Household.objects.filter(
            scoping.subtree_q(group.first.actor, Cap.PEOPLE_READ, path_field="area__path"),
            area__path__startswith=group.scope.path,
        )
    )
    registered = {
        row["child"]: row["n"] for row in households.values("child").annotate(n=Count("id")).order_by()
    }
    signed_households = Commitment.objects.filter(
        household__in=households.values("pk"), signed_on__lte=group.first.end
    ).annotate(child=group.key("household__area"))
    signed = {
        row["child"]: row["n"]
        for row in signed_households.values("child")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    }
    return {
        pk: {"commitments.households": ratio(signed.get(pk, 0), registered.get(pk, 0))} for pk in group.ids
    }


def _paper_only(query: Query, scope: Any, of: ChildOf) -> Counter[int]:
    """Paper-only teams per child: a team counts in every child it works in or is run from."""
    teams = dict(paper_only_teams_qs(query.actor, scope, query.end).values_list("pk", "home_area__path"))
    places: dict[int, set[int]] = {pk: {of(path)} - {None} for pk, path in teams.items()}  # type: ignore[misc]
    for team_id, path in TeamArea.objects.filter(team_id__in=list(teams)).values_list(
        "team_id", "area__path"
    ):
        pk = of(path)
        if pk is not None:
            places[team_id].add(pk)
    counts: Counter[int] = Counter()
    for children in places.values():
        counts.update(children)
    return counts


def paper_only_teams(actor: Actor, area: Any, on: date) -> list[Any]:
    """Teams active on `on`, established at least PAPER_ONLY_MONTHS months before, with no
    verified journal entry in the PAPER_ONLY_MONTHS months up to `on`."""
    return list(paper_only_teams_qs(actor, area, on).select_related("home_area").order_by("sort_name"))


def paper_only_teams_qs(actor: Actor, area: Any, on: date) -> Any:
    """The teams of `paper_only_teams`, as a query: their status and their recent entries
    are probed per team of the area (indexes on status history and team-day), not for every
    team and entry of the country."""
    from django.db.models import Exists, OuterRef

    since = on - timedelta(days=PAPER_ONLY_MONTHS * 30)
    # The area's teams found from the area's side, its links, not by testing every team of
    # the country. A team run from a commune always works in it (its home is among its
    # areas' communes: services and imports refuse anything else), so the links suffice.
    linked = TeamArea.objects.filter(area__path__startswith=area.path).values("team_id")
    working = Entry.objects.filter(
        team=OuterRef("pk"), status=EntryStatus.VERIFIED, occurred_on__gt=since, occurred_on__lte=on
    )
    teams = (
        Team.objects.filter(pk__in=linked)
        .filter(pk__in=active_spans_on(on).values("team_id"))
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=since))
        .exclude(Exists(working))
    )
    if not scoping.sees_all_teams(actor, area.path):
        teams = teams.filter(pk__in=teams_visible(actor).values("pk"))
    return teams
