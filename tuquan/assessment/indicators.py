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
from tuquan.core.indicators import Query, define, provider, ratio
from tuquan.core.roles import Cap

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
    path = query.area.path
    results = (
        Result.objects.filter(
            scoping.subtree_q(query.actor, Cap.AREA_READ, path_field="round__commune__path"),
            Q(area__path__startswith=path) | Q(unit__commune__path__startswith=path),
            round__status=RoundStatus.APPROVED,
            round__year__in=_years(query.start, query.end),
        )
        .select_related("round__criteria_set")
        .only("outcome", "round__year", "round__criteria_set")
    )
    units: Counter[str] = Counter()
    met: Counter[str] = Counter()
    for r in results:
        cs = r.round.criteria_set
        if not query.start <= window(cs, r.round.year)[1] <= query.end:
            continue
        units[cs.subject_kind] += 1
        met[cs.subject_kind] += r.outcome == Outcome.MET
    total, total_met = sum(units.values()), sum(met.values())
    by_kind = {k: ratio(met[k], units[k]) for k in sorted(units)}
    hotspots = Hotspot.objects.filter(
        scoping.subtree_q(query.actor, Cap.AREA_READ, path_field="area__path"),
        area__path__startswith=path,
        declared_on__lte=query.end,
    )
    transformed = hotspots.filter(status=HotspotStatus.TRANSFORMED, transformed_on__lte=query.end).count()
    return {
        "assessment.units": total,
        "assessment.units.by_kind": dict(sorted(units.items())),
        "assessment.met": ratio(total_met, total),
        "assessment.met.by_kind": by_kind,
        "assessment.units_met": ratio(total_met, total),
        "assessment.units_met.by_kind": by_kind,
        "hotspots.declared": hotspots.count(),
        "hotspots.transformed": ratio(transformed, hotspots.count()),
        **_ratings(query),
        **_grades(query),
        **_commitments(query),
        "teams.paper_only": paper_only_teams_qs(query.actor, query.area, query.end).count(),
    }


def _ratings(query: Query) -> dict[str, Any]:
    years = [y for y in _years(query.start, query.end) if query.start <= rating_period(y)[1] <= query.end]
    ratings = Rating.objects.filter(
        scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="team__home_area__path"),
        team__home_area__path__startswith=query.area.path,
        year__in=years,
    ).values_list("membership_id", "level")
    members: Counter[str] = Counter()
    teams: Counter[str] = Counter()
    for membership_id, level in ratings:
        (members if membership_id else teams)[level or "not_rated"] += 1
    out: dict[str, Any] = {f"force.rating.{lv}": members[lv] for lv in RatingLevel.values}
    out["force.rating.not_rated"] = members["not_rated"]
    out["rating.teams.by_level"] = {lv: teams[lv] for lv in RatingLevel.values}
    return out


def _grades(query: Query) -> dict[str, Any]:
    from tuquan.assessment.models import TeamGrade

    years = [y for y in _years(query.start, query.end) if query.start <= date(y, 12, 31) <= query.end]
    rows = TeamGrade.objects.filter(
        scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="team__home_area__path"),
        team__home_area__path__startswith=query.area.path,
        year__in=years,
    ).values_list("grade", flat=True)
    counts = Counter(rows)
    return {f"teams.grade.{g}": counts[g] for g in Grade.values}


def _commitments(query: Query) -> dict[str, Any]:
    from tuquan.registry.models import Commitment, Household

    households = Household.objects.filter(
        scoping.subtree_q(query.actor, Cap.PEOPLE_READ, path_field="area__path"),
        area__path__startswith=query.area.path,
    )
    signed = (
        Commitment.objects.filter(household__in=households.values("pk"), signed_on__lte=query.end)
        .values("household")
        .distinct()
        .count()
    )
    return {"commitments.households": ratio(signed, households.count())}


def paper_only_teams(actor: Any, area: Any, on: date) -> list[Any]:
    """Teams active on `on`, established at least PAPER_ONLY_MONTHS months before, with no
    verified journal entry in the PAPER_ONLY_MONTHS months up to `on`."""
    return list(paper_only_teams_qs(actor, area, on).select_related("home_area").order_by("name"))


def paper_only_teams_qs(actor: Any, area: Any, on: date) -> Any:
    """The teams of `paper_only_teams`, as a query: their status and their recent entries
    are probed per team of the area (indexes on status history and team-day), not for every
    team and entry of the country."""
    from django.db.models import Exists, OuterRef, Subquery

    from tuquan.journal.models import Entry, EntryStatus
    from tuquan.registry.models import Team, TeamArea, TeamStatus, TeamStatusChange
    from tuquan.registry.selectors import teams_visible

    since = on - timedelta(days=PAPER_ONLY_MONTHS * 30)
    latest = (
        TeamStatusChange.objects.filter(team=OuterRef("pk"), on__lte=on)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    in_area = Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=area.path))
    working = Entry.objects.filter(
        team=OuterRef("pk"), status=EntryStatus.VERIFIED, occurred_on__gt=since, occurred_on__lte=on
    )
    teams = (
        Team.objects.filter(in_area | Q(home_area__path__startswith=area.path))
        .alias(status_on=Subquery(latest))
        .filter(status_on__in=[TeamStatus.ACTIVE, TeamStatus.WEAK])
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=since))
        .exclude(Exists(working))
    )
    if not (scoping.is_system_admin(actor) or scoping.covers(actor, area.path, Cap.TEAM_READ)):
        teams = teams.filter(pk__in=teams_visible(actor).values("pk"))
    return teams
