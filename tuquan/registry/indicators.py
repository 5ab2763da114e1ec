"""The registry's indicators (see docs/indicators.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Case, Count, F, Q, Sum, When

from tuquan.core import scoping
from tuquan.core.indicators import Group, Query, define, grouped, provider, ratio
from tuquan.core.models import Area, Level
from tuquan.core.permissions import can_read_people
from tuquan.core.roles import Cap
from tuquan.registry import stocks
from tuquan.registry.models import (
    Commitment,
    Household,
    ModelType,
    TeamArea,
    TeamHousehold,
    TeamStatus,
    Training,
)

define(
    "models.sites",
    "Số điểm mô hình",
    "Số cặp (loại mô hình, địa bàn) khác nhau có ít nhất một tổ đang hoạt động vào ngày cuối kỳ; một điểm là "
    "một nơi áp dụng mô hình (một thôn, hoặc một xã với mô hình cấp xã).",
    by=("type",),
)
define(
    "teams.active",
    "Số tổ, nhóm đang hoạt động",
    "Số tổ có tình trạng “đang hoạt động” hoặc “hoạt động yếu” vào ngày cuối kỳ và có ít nhất một địa bàn "
    "trong khu vực; một tổ trải nhiều xã được đếm một lần ở mọi cấp chứa nó.",
    by=("type",),
)
define("teams.weak", "Số tổ hoạt động yếu", "Số tổ có tình trạng “hoạt động yếu” vào ngày cuối kỳ.")
define(
    "teams.members",
    "Số thành viên",
    "Số người khác nhau đang là thành viên (mọi vai trò) của các tổ đang hoạt động vào ngày cuối kỳ.",
    by=("type",),
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
    explained_by="households.covered",
)
define(
    "commitments.signed",
    "Số hộ đã ký cam kết",
    "Số hộ khác nhau đã ký cam kết với một chương trình, mô hình trong khu vực, tính đến ngày cuối kỳ.",
    by=("type",),
    explained_by="households.covered",
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
    by=("role", "age_group"),
)


def _area_filter(query: Query, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": query.area.path})


def _active_links(query: Query) -> Any:
    """The links (team, area) in the area of teams active or weak on the period's last day.

    The status is looked up per link of the area (one index probe each), not for every team
    of the country; the visibility filter is skipped for whoever sees the whole area."""
    from tuquan.registry.selectors import active_spans_on, teams_visible

    links = TeamArea.objects.filter(
        _area_filter(query, "area"), team_id__in=active_spans_on(query.end).values("team_id")
    )
    if not _sees_whole(query):
        links = links.filter(team__in=teams_visible(query.actor).values("pk"))
    return links.filter(team__type__code=query.type_code) if query.type_code else links


def _sees_whole(query: Query) -> bool:
    return scoping.sees_all_teams(query.actor, query.area.path)


@provider
def registry_indicators(query: Query) -> dict[str, Any]:
    return registry_indicators_grouped([query])[0]


def _type_codes() -> list[str]:
    return list(ModelType.objects.filter(is_active=True).values_list("code", flat=True))


def _assemble(query: Query, counts: dict[str, Any], type_codes: list[str]) -> dict[str, Any]:
    """The registry's figures and notes for one area from its counts (one area's or one
    child's share of a grouped read)."""

    def by_type(found: dict[str, int]) -> dict[str, int]:
        return {code: found.get(code, 0) for code in sorted(set(type_codes) | set(found))}

    if query.actor is not None and not can_read_people(query.actor):
        query.notes["households.covered"] = "Vai trò của bạn không xem được sổ hộ: số hộ không được tính."
    query.notes["teams.active"] = "Tình trạng tổ lấy theo lịch sử tình trạng tại ngày cuối kỳ."
    force = counts["force"]
    return {
        "models.sites": sum(counts["sites"].values()),
        "models.sites.by_type": by_type(counts["sites"]),
        "teams.active": sum(counts["teams"].values()),
        "teams.active.by_type": by_type(counts["teams"]),
        "teams.weak": counts["weak"],
        "teams.members": counts["members"],
        "teams.members.by_type": by_type(counts["members_by_type"]),
        "coverage.villages": ratio(counts["covered_villages"], counts["villages"]),
        "coverage.communes": ratio(counts["covered_communes"], counts["communes"]),
        "households.covered": counts["households_covered"],
        "coverage.households": ratio(counts["households_covered"], counts["registered"]),
        "commitments.signed": counts["signed"],
        "commitments.signed.by_type": by_type(counts["signed_by_type"]),
        "training.sessions": counts["training_sessions"],
        "training.attendees": counts["training_attendees"],
        "force.members": sum(force.values()),
        "force.members.by_role": dict(
            sum((Counter({role: n}) for (role, _b), n in force.items()), Counter())
        ),
        "force.members.by_age_group": _age_groups(force, query.end.year),
    }


@grouped(registry_indicators)
def registry_indicators_grouped(queries: list[Query]) -> list[dict[str, Any]]:
    """The registry's figures for one area, or for sibling areas at once: each count grouped
    in the database by the child it falls in, read once at their parent (a province's 75
    communes in a dozen queries, not 75 × 20), never rows walked in Python. Memberships are
    reached from the area's links (a few thousand for a province) rather than the reverse.
    Each count is read only when an asked code needs it (every one, by default)."""
    group = Group.of(queries)
    if group is None or (group.parent and not all(_sees_whole(q) for q in queries)):
        return [registry_indicators(q) for q in queries]
    first, want = group.first, group.first.wants
    counts: dict[int, dict[str, Any]] = {
        pk: {
            "teams": {},
            "sites": {},
            "weak": 0,
            "members": 0,
            "members_by_type": {},
            "covered_villages": 0,
            "villages": 0,
            "covered_communes": 0,
            "communes": 0,
            "households_covered": 0,
            "registered": 0,
            "signed": 0,
            "signed_by_type": {},
            "training_sessions": 0,
            "training_attendees": 0,
            "force": Counter(),  # (role, birth year) → members
        }
        for pk in group.ids
    }
    scope = Query(
        actor=first.actor, area=group.scope, start=first.start, end=first.end, type_code=first.type_code
    )
    if not _from_stocks(queries, counts):
        _count_rosters(group, scope, counts)
    if want("coverage.villages"):
        _count_villages(group, counts)
    if want("coverage.communes") and first.area.level in (Level.COMMUNE, Level.PROVINCE, Level.COUNTRY):
        _count_communes(group, counts)
    if want("households.covered", "coverage.households", "commitments.signed"):
        _count_households(group, scope, counts)
    if want("training.sessions", "training.attendees"):
        trainings = group.tag(
            Training.objects.filter(
                _area_filter(scope, "area"), held_on__gte=first.start, held_on__lte=first.end
            )
        )
        if first.type_code:
            trainings = trainings.filter(team__type__code=first.type_code)
        for row in trainings.values("child").annotate(n=Count("id"), people=Sum("attendee_count")).order_by():
            counts[row["child"]]["training_sessions"] = row["n"]
            counts[row["child"]]["training_attendees"] = row["people"] or 0
    # The active types are listed in every `.by_type`, even with nothing counted.
    codes = _type_codes() if _by_type_asked(first) else []
    return [_assemble(q, counts[q.area.pk], codes) for q in queries]


def _by_type_asked(query: Query) -> bool:
    return query.codes is None or any(c.endswith(".by_type") for c in query.codes)


def _links(group: Group, scope: Query) -> Any:
    """The group's links of teams active on the last day, tagged with their child."""
    links = group.tag(_active_links(scope))
    return links.filter(area__level=Level.VILLAGE) if group.first.area.level == Level.VILLAGE else links


def _count_rosters(group: Group, scope: Query, counts: dict[int, dict[str, Any]]) -> None:
    """Teams, sites, covered villages and communes, members and the statutory force counted
    from the rosters (an area not kept in the stocks, or a partial viewer)."""
    from tuquan.registry.selectors import active_spans_on, villages_on

    want, end, level = group.first.wants, group.first.end, group.first.area.level
    links = _links(group, scope)
    if want("models.sites", "teams.active", "teams.weak"):
        weak_on_end = Q(team_id__in=active_spans_on(end).filter(status=TeamStatus.WEAK).values("team_id"))
        for row in (
            links.values("child", "team__type__code")
            .annotate(
                teams=Count("team_id", distinct=True),
                sites=Count("area_id", distinct=True),
                weak=Count("team_id", distinct=True, filter=weak_on_end),
            )
            .order_by()
        ):
            mine = counts[row["child"]]
            mine["teams"][row["team__type__code"]] = row["teams"]
            mine["sites"][row["team__type__code"]] = row["sites"]
            mine["weak"] += row["weak"]
    if want("coverage.villages", "coverage.communes"):
        # Communes with a model: counted where the area is a commune or holds communes.
        counts_communes = level in (Level.COMMUNE, Level.PROVINCE, Level.COUNTRY)
        commune_of = Case(When(area__level=Level.COMMUNE, then=F("area_id")), default=F("area__parent_id"))
        villages = villages_on(group.scope, end)
        for row in (
            links.values("child")
            .annotate(
                villages=Count("area_id", distinct=True, filter=Q(area__in=villages.values("pk"))),
                communes=Count(
                    commune_of, distinct=True, filter=Q(area__level__in=[Level.COMMUNE, Level.VILLAGE])
                ),
            )
            .order_by()
        ):
            counts[row["child"]]["covered_villages"] = row["villages"]
            counts[row["child"]]["covered_communes"] = row["communes"] if counts_communes else 0
    # Memberships through the links: a person counts once per child they serve in.
    serving = Q(team__memberships__start_on__lte=end) & (
        Q(team__memberships__end_on__isnull=True) | Q(team__memberships__end_on__gte=end)
    )
    if want("teams.members"):
        people = Count("team__memberships__person_id", distinct=True)
        for row in links.filter(serving).values("child", "team__type__code").annotate(n=people).order_by():
            counts[row["child"]]["members_by_type"][row["team__type__code"]] = row["n"]
        for row in links.filter(serving).values("child").annotate(n=people).order_by():
            counts[row["child"]]["members"] = row["n"]
    if want("force.members"):
        force = (
            links.filter(serving, team__type__is_statutory=True)
            .order_by("team_id", "team__memberships__start_on", "team__memberships__id")
            .values_list(
                "child",
                "team__memberships__person_id",
                "team__memberships__role",
                "team__memberships__person__birth_year",
            )
        )
        earliest: dict[int, dict[int, tuple[str, int | None]]] = defaultdict(dict)
        for child, person_id, role, born in force:
            earliest[child].setdefault(person_id, (role, born))
        for child, found in earliest.items():
            counts[child]["force"] = Counter(found.values())


def _count_villages(group: Group, counts: dict[int, dict[str, Any]]) -> None:
    """The villages existing on the last day (the denominator of coverage.villages)."""
    from tuquan.registry.selectors import villages_on

    villages = villages_on(group.scope, group.first.end)
    if group.parent is None:
        villages = villages.annotate(child=group.key("area"))
    else:
        columns: dict[str, str] = {Level.PROVINCE: "province_id", Level.COMMUNE: "parent_id"}
        villages = villages.annotate(child=F(columns.get(group.first.area.level, "id")))
    for row in villages.filter(child__in=group.ids).values("child").annotate(n=Count("id")).order_by():
        counts[row["child"]]["villages"] = row["n"]


def _count_communes(group: Group, counts: dict[int, dict[str, Any]]) -> None:
    communes = Area.objects.filter(level=Level.COMMUNE, path__startswith=group.scope.path)
    if group.parent is None:
        communes = communes.annotate(child=group.key("area"))
    else:
        level = group.first.area.level
        communes = communes.annotate(child=F("id") if level == Level.COMMUNE else F("province_id"))
    for row in communes.filter(child__in=group.ids).values("child").annotate(n=Count("id")).order_by():
        counts[row["child"]]["communes"] = row["n"]


def _count_households(group: Group, scope: Query, counts: dict[int, dict[str, Any]]) -> None:
    """Households registered and covered by active teams, and those that signed a commitment
    (only where the actor may read households)."""
    first, want, end = group.first, group.first.wants, group.first.end
    households = group.tag(
        Household.objects.filter(
            _area_filter(scope, "area"),
            scoping.subtree_q(first.actor, Cap.PEOPLE_READ, path_field="area__path"),
        )
    )
    if want("coverage.households"):
        for row in households.values("child").annotate(n=Count("id")).order_by():
            counts[row["child"]]["registered"] = row["n"]
    if want("households.covered", "coverage.households"):
        covered = (
            TeamHousehold.objects.filter(
                team_id__in=_links(group, scope).values("team_id"),
                household__in=households.values("pk"),
                start_on__lte=end,
            )
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=end))
            .annotate(child=group.key("household__area"))
        )
        for row in covered.values("child").annotate(n=Count("household_id", distinct=True)).order_by():
            counts[row["child"]]["households_covered"] = row["n"]
    if want("commitments.signed"):
        signed = Commitment.objects.filter(
            household__in=households.values("pk"), signed_on__lte=end
        ).annotate(child=group.key("household__area"))
        if first.type_code:
            signed = signed.filter(team__type__code=first.type_code)
        signers = Count("household_id", distinct=True)
        for row in signed.values("child").annotate(n=signers).order_by():
            counts[row["child"]]["signed"] = row["n"]
        for row in signed.values("child", "team__type__code").annotate(n=signers).order_by():
            counts[row["child"]]["signed_by_type"][row["team__type__code"]] = row["n"]


# The stocks kept (registry.stocks) → the figures read from them.
KEPT = {
    stocks.TEAMS: ("teams.active",),
    stocks.WEAK: ("teams.weak",),
    stocks.SITES: ("models.sites",),
    stocks.MEMBERS: ("teams.members",),
    stocks.VILLAGES: ("coverage.villages",),
    stocks.COMMUNES: ("coverage.communes",),
    stocks.FORCE: ("force.members",),
}


def _from_stocks(queries: list[Query], counts: dict[int, dict[str, Any]]) -> bool:
    """Teams, sites, coverage, members and the statutory force on the last day from the kept
    stocks, for whoever sees the whole of communes, provinces or the country
    (`registry.stocks`); False when the figures must be counted from the rosters instead."""
    if not all(q.area.level in stocks.LEVELS and _sees_whole(q) for q in queries):
        return False
    first = queries[0]
    # FORCE is a prefix: every role kept, including one the type no longer lists but members
    # still hold.
    kept = [code for code, figures in KEPT.items() if first.wants(*figures)]
    if not kept:
        return True
    # Types are named only for a `.by_type` or a type filter: a total adds up every type's
    # stock whatever its name.
    named = _by_type_asked(first) or first.type_code is not None
    kinds = list(ModelType.objects.values_list("pk", "code", "is_statutory")) if named else []
    types: dict[int, Any] = {pk: code for pk, code, _s in kinds}
    statutory = {pk for pk, _c, is_statutory in kinds if is_statutory}
    only = None
    if first.type_code:
        only = next((pk for pk, code in types.items() if code == first.type_code), -1)
    found = stocks.stocks_on([q.area.pk for q in queries], first.end, codes=kept)
    for q in queries:
        mine, got = counts[q.area.pk], found.get(q.area.pk, {})

        def typed(code: str, got: dict[str, dict[int, int]] = got) -> dict[Any, int]:
            return {
                types.get(t, t): n
                for t, n in got.get(code, {}).items()
                if t != stocks.ALL and (only is None or t == only)
            }

        def every(code: str, got: dict[str, dict[int, int]] = got) -> int:
            return got.get(code, {}).get(stocks.ALL if only is None else only, 0)

        mine["teams"], mine["sites"] = typed(stocks.TEAMS), typed(stocks.SITES)
        mine["weak"] = sum(typed(stocks.WEAK).values())
        mine["members_by_type"], mine["members"] = typed(stocks.MEMBERS), every(stocks.MEMBERS)
        mine["covered_villages"] = every(stocks.VILLAGES)
        mine["covered_communes"] = every(stocks.COMMUNES)
        if only is None or only in statutory:
            mine["force"] = Counter(
                {
                    (code.removeprefix(stocks.FORCE), born or None): n
                    for code, by_birth in got.items()
                    if code.startswith(stocks.FORCE)
                    for born, n in by_birth.items()
                }
            )
    return True


def _age_groups(force: Counter[tuple[str, int | None]], year: int) -> dict[str, int]:
    groups = {"to_70": 0, "over_70": 0, "unknown": 0}
    for (_role, born), n in force.items():
        if born is None:
            groups["unknown"] += n
        elif year - born > 70:
            groups["over_70"] += n
        else:
            groups["to_70"] += n
    return groups
