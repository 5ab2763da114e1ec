"""The journal's indicators: sums of recorded activity, plus officers' period totals
(aggregates) where no records exist. See docs/indicators.md for the rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from tuquan.core import scoping
from tuquan.core.indicators import Query, define, family, grouped, provider, ratio, siblings
from tuquan.core.models import LEGACY_LEVELS, Level
from tuquan.core.roles import Cap
from tuquan.journal import rollups
from tuquan.journal.models import Aggregate, Approval, ApprovalStatus, Entry
from tuquan.journal.rollups import EXTRA
from tuquan.registry.models import ModelType

# code: (label, kind, how to compute from entries)
SUMS: dict[str, tuple[str, str, str | None]] = {
    "patrols.count": ("Số lượt tuần tra", "patrol", None),
    "patrols.member_turns": ("Lượt người tham gia tuần tra", "patrol", "member_turns"),
    "meetings.count": ("Số buổi sinh hoạt", "meeting", None),
    "awareness.sessions": ("Số buổi tuyên truyền", "awareness", None),
    "awareness.attendance_persons": ("Lượt người dự tuyên truyền", "awareness", "attendance_persons"),
    "awareness.attendance_households": ("Lượt hộ dự tuyên truyền", "awareness", "attendance_households"),
    "mediations.count": ("Số vụ hoà giải", "mediation", None),
    "tips.count": ("Số tin cung cấp cho công an", "tip", None),
    "arrests.cases": ("Số vụ giúp bắt giữ", "arrest", "cases"),
    "arrests.suspects": ("Số đối tượng bị bắt giữ", "arrest", "suspects"),
    "items.homemade_guns": ("Súng tự chế vận động giao nộp", "items", "homemade_guns"),
    "items.guns": ("Súng các loại vận động giao nộp", "items", "guns"),
    "items.bullets": ("Viên đạn vận động giao nộp", "items", "bullets"),
    "items.explosives": ("Vật liệu nổ vận động giao nộp", "items", "explosives"),
    "items.knives": ("Dao, kiếm vận động giao nộp", "items", "knives"),
    "incidents.count": ("Số sự việc đã xử lý", "incident", None),
    "poppy.area_m2": ("Diện tích cây thuốc phiện phá bỏ (m²)", "poppy", "poppy_m2"),
    "migration.prevented": ("Số trường hợp di cư tự do được ngăn chặn", "migration", "migration_cases"),
}
FILTERED: dict[str, tuple[str, str, Q]] = {
    "mediations.reconciled": ("Số vụ hoà giải thành", "mediation", Q(outcome="reconciled")),
    "tips.valuable": ("Số tin có giá trị", "tip", Q(tip_valuable=True)),
}
for _code, (_label, _kind, _field) in SUMS.items():
    define(
        _code,
        _label,
        f"Tổng trong kỳ từ nhật ký hoạt động loại “{_kind}”"
        + (f" (cột {_field})" if _field else " (số hoạt động)")
        + ", hoặc từ số tổng hợp nhập tay cho kỳ không có ghi chép.",
        "flow",
    )
for _code, (_label, _kind, _q) in FILTERED.items():
    define(
        _code,
        _label,
        f"Số hoạt động loại “{_kind}” trong kỳ thoả điều kiện của chỉ tiêu, hoặc số tổng hợp.",
        "flow",
    )
# A model type's own indicators (`extra.<code>`), summed from the entries like the others.
family(EXTRA, lambda: {EXTRA + code for code in _active_extra_codes()})
define(
    "reporting.completeness",
    "Mức độ đầy đủ của báo cáo",
    "Số cặp (tổ, thôn, tháng) có ít nhất một hoạt động được ghi / số cặp phải báo cáo: mỗi tổ đang hoạt động "
    "ở mỗi thôn của nó trong mỗi tháng của kỳ (tình trạng vào cuối tháng). Hoạt động của tổ giải thể giữa tháng "
    "vẫn được tính vào tử số; tử số không vượt mẫu số.",
    "ratio",
)


def entries_for(query: Query) -> Any:
    visible = scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="village__path")
    qs = Entry.objects.filter(
        visible,
        village__path__startswith=query.area.path,
        occurred_on__gte=query.start,
        occurred_on__lte=query.end,
    )
    if query.type_code:
        qs = qs.filter(team__type__code=query.type_code)
    if query.approved_only:
        qs = qs.filter(_approved_months(qs))
    return qs


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value or 0


def _full_months(query: Query) -> Query:
    """The whole months inside the query's period (summed from rollups)."""
    first_full = query.start if query.start.day == 1 else _next_month(query.start)
    last_full = (
        query.end if query.end == _month_end(query.end) else query.end.replace(day=1) - timedelta(days=1)
    )
    return replace(query, start=first_full, end=last_full, notes={})


def _approved_months(entries: Any) -> Any:
    approved = Approval.objects.filter(
        village=OuterRef("village"), status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED]
    )
    # The approval row's month is the first of the entry's month.
    return Exists(
        approved.filter(
            month__year=OuterRef("occurred_on__year"), month__month=OuterRef("occurred_on__month")
        )
    )


@provider
def journal_indicators(query: Query) -> dict[str, Any]:
    """Sums from the monthly rollups (kept in step with every entry write).

    Rollups are by month: a period that starts or ends inside a month is summed from the
    entries of those edge months instead, so any period is exact."""

    full = _full_months(query)
    recorded: dict[str, Any] = defaultdict(Decimal)
    unapproved = 0
    if full.start <= full.end:
        codes = _rolled(query)
        totals = rollups.kept_totals(full, codes)
        if totals is None:
            totals = rollups.totals_by_approval(rollups.rollups_for(full, codes))
        for code, approved, value in totals:
            recorded[code] += value
            if code == "entries.count" and not approved:
                unapproved += int(value)
    for start, end in _edges(query, full):
        edge = entries_for(replace(query, start=start, end=end, notes={}))
        for code, value in edge.aggregate(**_entry_aggregations()).items():
            recorded[code] += Decimal(value or 0)
        if query.wants(COMPLETENESS):
            recorded[rollups.PAIRS] += (
                edge.annotate(m=TruncMonth("occurred_on"))
                .values("team_id", "village_id", "m")
                .distinct()
                .count()
            )
        for extra in edge.exclude(extra={}).values_list("extra", flat=True) if _wants_extra(query) else ():
            for code, value in extra.items():
                recorded[rollups.EXTRA + code] += Decimal(str(value))
        if not query.approved_only:
            unapproved += edge.exclude(_approved_months(edge)).count()
    aggregates = aggregates_for(query) if _wants_sums(query) else []
    return _finish(query, recorded, unapproved, aggregates, None, _extra_codes(query))


COMPLETENESS = "reporting.completeness"


def _wants_sums(query: Query) -> bool:
    return query.wants(*SUMS, *FILTERED)


def _wants_extra(query: Query) -> bool:
    return query.wants_prefix(EXTRA)


def _rolled(query: Query) -> rollups.Codes:
    """The rollup codes the asked figures need (every code when all are asked). Entries'
    count always comes: it says how many are not yet approved."""
    if query.codes is None:
        return rollups.Codes()
    codes = {"entries.count", *(c for c in query.codes if c in SUMS or c in FILTERED)}
    if query.wants(COMPLETENESS):
        codes.add(rollups.PAIRS)
    return rollups.Codes(frozenset(codes), extras=_wants_extra(query))


@grouped(journal_indicators)
def journal_indicators_grouped(queries: list[Query]) -> list[dict[str, Any]]:
    """The journal's figures for sibling areas: one grouped read of the rollups, of each edge
    month's entries, of the period totals and of the expected reporting pairs. Areas some of
    whose teams the actor does not see are computed one by one, as `journal_indicators`."""
    from tuquan.journal.selectors import CHILD_COLUMN, expected_pairs_by, reporting_teams

    first = queries[0]
    level, parent = first.area.level, siblings(queries)
    if parent is None or any(reporting_teams(q.actor, q.area) is not None for q in queries):
        return [journal_indicators(q) for q in queries]
    ids = [q.area.pk for q in queries]
    recorded: dict[int, dict[str, Any]] = {pk: defaultdict(Decimal) for pk in ids}
    unapproved = dict.fromkeys(ids, 0)
    full = _full_months(first)
    if full.start <= full.end:
        for pk, code, approved, value in rollups.totals_by_child(full, level, ids, _rolled(first)):
            recorded[pk][code] += value
            if code == "entries.count" and not approved:
                unapproved[pk] += int(value)
    key = "village_id" if level == Level.VILLAGE else f"village__{CHILD_COLUMN[level]}"
    for start, end in _edges(first, full):
        edge = Entry.objects.filter(**{f"{key}__in": ids}, occurred_on__gte=start, occurred_on__lte=end)
        if first.type_code:
            edge = edge.filter(team__type__code=first.type_code)
        if first.approved_only:
            edge = edge.filter(_approved_months(edge))
        aggregations = _entry_aggregations()
        aliases = {f"a{i}": code for i, code in enumerate(aggregations)}
        row: Any
        for row in edge.values(child=F(key)).annotate(
            **{alias: aggregations[code] for alias, code in aliases.items()}
        ):
            for alias, code in aliases.items():
                recorded[row["child"]][code] += Decimal(row[alias] or 0)
        for pk, n in _pairs_by_child(edge, key) if first.wants(COMPLETENESS) else ():
            recorded[pk][rollups.PAIRS] += n
        extras = edge.exclude(extra={}).values_list(key, "extra") if _wants_extra(first) else ()
        for pk, extra in extras:
            for code, value in extra.items():
                recorded[pk][rollups.EXTRA + code] += Decimal(str(value))
        if not first.approved_only:
            late = edge.exclude(_approved_months(edge)).values(child=F(key)).annotate(n=Count("id"))
            for row in late:
                unapproved[row["child"]] += row["n"]
    aggregates = _aggregates_by_child(queries) if _wants_sums(first) else {pk: [] for pk in ids}
    expected = (
        expected_pairs_by(first.actor, parent, first.start, first.end, first.type_code, child_level=level)
        if first.wants(COMPLETENESS)
        else {}
    )
    codes = _extra_codes(first)
    return [
        _finish(
            q,
            recorded[q.area.pk],
            unapproved[q.area.pk],
            aggregates[q.area.pk],
            expected.get(q.area.pk, 0),
            codes,
        )
        for q in queries
    ]


def _pairs_by_child(entries: Any, key: str) -> list[tuple[int, int]]:
    """(child, number of distinct (team, village, month)) over a set of entries, counted in
    the database."""
    from django.db import connection

    distinct = (
        entries.annotate(m=TruncMonth("occurred_on"))
        .values("team_id", "village_id", "m", child=F(key))
        .distinct()
        .order_by()
    )
    sql, params = distinct.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"SELECT q.child, COUNT(*) FROM ({sql}) q GROUP BY q.child", params)  # noqa: S608
        return [(int(child), int(n)) for child, n in cur.fetchall()]


def _finish(
    query: Query,
    recorded: dict[str, Any],
    unapproved: int,
    aggregates: list[Aggregate],
    expected: int | None,
    extra_codes: list[str],
) -> dict[str, Any]:
    """The journal's figures and notes from what was recorded (rollups and edge months), the
    period totals that count for the area and the reporting pairs it owed."""

    totals: dict[str, Decimal] = defaultdict(Decimal)
    from_aggregates: set[str] = set()
    partial: set[str] = set()
    for agg in aggregates:
        if agg.period_start >= query.start and agg.period_end <= query.end:
            totals[agg.indicator] += agg.value
            from_aggregates.add(agg.indicator)
        else:
            partial.add(agg.indicator)
    values: dict[str, Any] = {}
    for code in [*SUMS, *FILTERED] if query.codes is None else query.codes & {*SUMS, *FILTERED}:
        values[code] = _number(Decimal(recorded.get(code) or 0) + totals.get(code, Decimal(0)))
        source = "tổng hợp nhập tay" if code in from_aggregates else "nhật ký"
        if code in from_aggregates and recorded.get(code):
            source = "nhật ký và tổng hợp nhập tay (khác kỳ hoặc khác địa bàn, không trùng)"
        note = f"Nguồn: {source}; " + (
            "chỉ số liệu đã duyệt." if query.approved_only else "gồm cả số liệu chưa duyệt."
        )
        if code in partial:
            note += " Có số tổng hợp chỉ trùng một phần kỳ, không được cộng."
        query.notes[code] = note
    if unapproved:
        query.notes["journal.unapproved"] = f"{unapproved} hoạt động trong kỳ chưa được duyệt."
    if query.wants(COMPLETENESS):
        values[COMPLETENESS] = completeness(query, int(recorded.get(rollups.PAIRS) or 0), expected)
    values.update(
        {
            f"{rollups.EXTRA}{code}": _number(Decimal(recorded.get(rollups.EXTRA + code) or 0))
            for code in extra_codes
        }
    )
    return values


def _aggregates_by_child(queries: list[Query]) -> dict[int, list[Aggregate]]:
    """`aggregates_for` of sibling areas from one read at their parent: each total goes to
    the child that holds its unit, or that a pre-2025 commune went into whole, or (for
    provinces) whose province the old unit was in. Sets the same notes."""
    first = queries[0]
    found: dict[int, list[Aggregate]] = {q.area.pk: [] for q in queries}
    if first.type_code:
        for q in queries:
            aggregates_for(q)  # the note only: totals are not by model type
        return found
    if not _any_totals(first):
        return found
    assert first.area.parent is not None  # siblings() checked
    parent = Query(actor=first.actor, area=first.area.parent, start=first.start, end=first.end)
    rows = aggregates_for(parent, prefetch=True)
    for q in queries:
        area = q.area
        for agg in rows:
            whole_into = [
                link.successor.path for link in agg.area.successor_links.all() if link.kind == "whole"
            ]
            if (
                agg.area.path.startswith(area.path)
                or (
                    agg.area.level == Level.LEGACY_COMMUNE
                    and any(p.startswith(area.path) for p in whole_into)
                )
                or (
                    area.level == Level.PROVINCE
                    and agg.area.level in LEGACY_LEVELS
                    and agg.area.province_id == area.pk
                )
            ):
                found[area.pk].append(agg)
    if first.area.level in (Level.COMMUNE, Level.VILLAGE):
        legacy = set(
            Aggregate.objects.filter(
                area__level__in=LEGACY_LEVELS,
                area__province_id=first.area.province_id,
                period_start__lte=first.end,
                period_end__gte=first.start,
            ).values_list("pk", flat=True)
        )
        for q in queries:
            unplaced = len(legacy - {agg.pk for agg in found[q.area.pk]})
            if unplaced:
                q.notes["journal.legacy"] = (
                    f"{unplaced} số tổng hợp của huyện, xã cũ không gắn trọn được vào một "
                    "xã hiện nay: chỉ tính ở cấp tỉnh."
                )
    return found


ANY_TOTALS_SQL = "SELECT 1 FROM journal_aggregate WHERE period_start <= %s AND period_end >= %s LIMIT 1"


def _any_totals(query: Query) -> bool:
    """Whether any period total at all overlaps the period: most periods have none (totals are
    for the years before the system), and this plain read (the report engine makes it for
    every journal figure) spares the area matching below."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(ANY_TOTALS_SQL, [query.end, query.start])
        return cur.fetchone() is not None


def aggregates_for(query: Query, *, prefetch: bool = False) -> list[Aggregate]:
    """Period totals that count under the query's area: those entered at its units, and those
    entered at pre-2025 units that flowed into it (wholly into one of its communes, or, at
    province level, anywhere in the province). Totals of old communes that were split count
    only where the whole province is asked, and are flagged in the notes below that."""
    if query.type_code:
        query.notes["journal.aggregates"] = (
            "Số tổng hợp nhập tay không theo loại mô hình: không tính khi lọc loại."
        )
        return []
    if not _any_totals(query):
        return []
    area = query.area
    where = Q(area__path__startswith=area.path)
    where |= Q(
        area__level=Level.LEGACY_COMMUNE,
        area__successor_links__kind="whole",
        area__successor_links__successor__path__startswith=area.path,
    )
    if area.level == Level.COUNTRY:
        where |= Q(area__level__in=LEGACY_LEVELS)
    elif area.level == Level.PROVINCE:
        where |= Q(area__level__in=LEGACY_LEVELS, area__province=area)
    if not scoping.is_system_admin(query.actor):
        # Totals entered for units the asker does not see are not theirs to add up.
        seen = Q(pk__in=[])
        for root in scoping.roots(query.actor, Cap.TEAM_READ):
            seen |= Q(area__path__startswith=root) | Q(
                area__successor_links__successor__path__startswith=root
            )
        provinces = [g.area_id for g in scoping.grants(query.actor) if g.area_level == Level.PROVINCE]
        seen |= Q(area__level__in=LEGACY_LEVELS, area__province_id__in=provinces)
        where &= seen
    found = (
        Aggregate.objects.filter(where, period_start__lte=query.end, period_end__gte=query.start)
        .select_related("area")
        .distinct()
    )
    if prefetch:
        found = found.prefetch_related("area__successor_links__successor")
    rows = list(found)
    if area.level in (Level.COMMUNE, Level.VILLAGE) and not prefetch:
        unplaced = (
            Aggregate.objects.filter(
                area__level__in=LEGACY_LEVELS,
                area__province_id=area.province_id,
                period_start__lte=query.end,
                period_end__gte=query.start,
            )
            .exclude(pk__in=[r.pk for r in rows])
            .count()
        )
        if unplaced:
            query.notes["journal.legacy"] = (
                f"{unplaced} số tổng hợp của huyện, xã cũ không gắn trọn được vào một "
                "xã hiện nay: chỉ tính ở cấp tỉnh."
            )
    return rows


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _month_end(day: date) -> date:
    return _next_month(day.replace(day=1)) - timedelta(days=1)


def _edges(query: Query, full: Query) -> list[tuple[date, date]]:
    """The partial months at either end of the period (summed from entries)."""
    if full.start > full.end:
        return [(query.start, query.end)]
    edges = []
    if query.start < full.start:
        edges.append((query.start, full.start - timedelta(days=1)))
    if query.end > full.end:
        edges.append((full.end + timedelta(days=1), query.end))
    return edges


def _entry_aggregations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for code, (_label, kind, field) in SUMS.items():
        found[code] = Count("id", filter=Q(kind=kind)) if field is None else Sum(field, filter=Q(kind=kind))
    for code, (_label, kind, condition) in FILTERED.items():
        found[code] = Count("id", filter=Q(kind=kind) & condition)
    return found


def _extra_codes(query: Query) -> list[str]:
    """The own indicators of the active model types (listed even when nothing was recorded)."""
    return sorted(_active_extra_codes()) if _wants_extra(query) else []


def _active_extra_codes() -> set[str]:
    return {i["code"] for t in ModelType.objects.filter(is_active=True) for i in t.extra_indicators}


def completeness(query: Query, reported: int, expected: int | None = None) -> dict[str, Any]:
    """Reported (team, village, month) pairs, from the rollups, over the pairs that had to
    report. A team that recorded in a month and was dissolved before its end reported
    without having to: the numerator is capped at the denominator."""
    from tuquan.journal.selectors import expected_pairs, reporting_teams

    teams = reporting_teams(query.actor, query.area)
    if teams is not None:
        # Someone who sees only part of the teams (a village's leader): their own entries,
        # a handful, are counted directly instead of the village's rollups.
        reported = (
            entries_for(query)
            .filter(team__in=teams.values("pk"))
            .annotate(m=TruncMonth("occurred_on"))
            .values("team_id", "village_id", "m")
            .distinct()
            .count()
        )
    if expected is None:
        expected = expected_pairs(query.actor, query.area, query.start, query.end, query.type_code)
    return ratio(min(reported, expected), expected)
