"""Monthly rollups of journal entries (see models.Rollup).

A write to an entry refreshes its village-month in the same transaction, so a figure read
from rollups reflects a saved entry at once; there is no nightly job to forget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum

from tuquan.journal.models import AreaRollup, AreaYearRollup, Entry, Rollup

# code → (entry kind, summed field or None for a count, extra condition)
ROLLED: dict[str, tuple[str, str | None, Q | None]] = {
    "patrols.count": ("patrol", None, None),
    "patrols.member_turns": ("patrol", "member_turns", None),
    "meetings.count": ("meeting", None, None),
    "awareness.sessions": ("awareness", None, None),
    "awareness.attendance_persons": ("awareness", "attendance_persons", None),
    "awareness.attendance_households": ("awareness", "attendance_households", None),
    "mediations.count": ("mediation", None, None),
    "mediations.reconciled": ("mediation", None, Q(outcome="reconciled")),
    "tips.count": ("tip", None, None),
    "tips.valuable": ("tip", None, Q(tip_valuable=True)),
    "arrests.cases": ("arrest", "cases", None),
    "arrests.suspects": ("arrest", "suspects", None),
    "items.homemade_guns": ("items", "homemade_guns", None),
    "items.guns": ("items", "guns", None),
    "items.bullets": ("items", "bullets", None),
    "items.explosives": ("items", "explosives", None),
    "items.knives": ("items", "knives", None),
    "incidents.count": ("incident", None, None),
    "poppy.area_m2": ("poppy", "poppy_m2", None),
    "migration.prevented": ("migration", "migration_cases", None),
}


# The teams that recorded anything in a village-month (summed over villages, the
# (team, village, month) pairs that reported: the numerator of reporting.completeness).
PAIRS = "reporting.pairs"
# A model type's own numeric indicators (Entry.extra) roll up as `extra.<code>`.
EXTRA = "extra."


def _measures() -> dict[str, tuple[Q, str | None]]:
    # Every entry, whatever its kind: lets a report say how many are not yet approved.
    found: dict[str, tuple[Q, str | None]] = {"entries.count": (Q(), None)}
    for code, (kind, field, extra) in ROLLED.items():
        found[code] = (Q(kind=kind) & (extra or Q()), field)
    return found


def _aggregations() -> dict[str, Any]:
    found: dict[str, Any] = {
        code: Count("id", filter=condition or None) if field is None else Sum(field, filter=condition)
        for code, (condition, field) in _measures().items()
    }
    found[PAIRS] = Count("team_id", distinct=True)
    return found


CODES = [*_measures(), PAIRS]


def _extras(entries: Any) -> dict[tuple[int, date, int], dict[str, Decimal]]:
    """Sums of the entries' own indicators per (village, month, type). Only entries that
    carry any are read, and the service allows only a type's codes with numbers."""
    found: dict[tuple[int, date, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = entries.exclude(extra={}).values_list("village_id", "occurred_on", "team__type_id", "extra")
    for village_id, day, type_id, extra in rows:
        for code, value in (extra or {}).items():
            found[(village_id, day.replace(day=1), type_id)][EXTRA + code] += Decimal(str(value))
    return found


def compute_rows(entries: Any) -> list[Rollup]:
    """Rollup rows for a set of entries, grouped by village, month and model type."""
    from django.db.models.functions import TruncMonth

    rows = (
        entries.annotate(m=TruncMonth("occurred_on"))
        .values("village_id", "m", "team__type_id")
        .annotate(**_aggregations())
        .order_by()
    )
    villages = _village_parents({r["village_id"] for r in rows})
    approved = _approved_months({r["village_id"] for r in rows})
    extras = _extras(entries)
    made = []
    for r in rows:
        commune_id, province_id = villages[r["village_id"]]
        month = r["m"].date() if hasattr(r["m"], "date") else r["m"]
        values = {code: r[code] for code in CODES}
        values.update(extras.get((r["village_id"], month, r["team__type_id"]), {}))
        for code, value in values.items():
            if value:
                made.append(
                    Rollup(
                        village_id=r["village_id"],
                        commune_id=commune_id,
                        province_id=province_id,
                        type_id=r["team__type_id"],
                        month=month,
                        code=code,
                        value=Decimal(value),
                        approved=(r["village_id"], month) in approved,
                    )
                )
    return made


def _approved_months(village_ids: Iterable[int]) -> set[tuple[int, date]]:
    from tuquan.journal.models import Approval, ApprovalStatus

    return set(
        Approval.objects.filter(
            village_id__in=list(village_ids), status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED]
        ).values_list("village_id", "month")
    )


def _village_parents(ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    from tuquan.core.models import Area

    return {
        v: (c, p)
        for v, c, p in Area.objects.filter(pk__in=list(ids)).values_list("id", "parent_id", "province_id")
    }


UPSERT = """INSERT INTO journal_arearollup (area_id, month, type_id, code, approved, value)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (area_id, month, type_id, code, approved)
DO UPDATE SET value = journal_arearollup.value + excluded.value"""


def _lock_village_month(village_id: int, month: date) -> None:
    """One writer at a time recounts a village-month, until its transaction ends: two writers
    recounting at once each deleted and reinserted the rows (a 500 on the unique key) or
    carried a difference computed from a count the other was changing (commune and province
    totals off). On PostgreSQL a transaction-scoped advisory lock keyed on the village-month;
    SQLite's immediate transactions already admit one writer at a time. (Issue 22 replaces
    the recount by increments; until then this keeps the figures exact.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [village_id, month.year * 100 + month.month])


def refresh(village_id: int, day: date) -> None:
    """Recount one village-month from its entries (called inside the writing transaction,
    also when the month is approved or reopened) and carry the difference up to its commune
    and province."""
    month = day.replace(day=1)
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    with transaction.atomic():
        _lock_village_month(village_id, month)
        old = Rollup.objects.filter(village_id=village_id, month=month)
        delta: dict[tuple[int, str, bool], Decimal] = defaultdict(Decimal)
        for type_id, code, approved, value in old.values_list("type_id", "code", "approved", "value"):
            delta[(type_id, code, approved)] -= value
        old.delete()
        rows = compute_rows(
            Entry.objects.filter(village_id=village_id, occurred_on__gte=month, occurred_on__lt=nxt)
        )
        Rollup.objects.bulk_create(rows)
        for r in rows:
            delta[(r.type_id, r.code, r.approved)] += r.value
        changed = [(key, value) for key, value in delta.items() if value]
        if not changed:
            return
        (parents,) = _village_parents([village_id]).values()
        increments = [
            (area_id, month, type_id, code, approved, value)
            for area_id in parents
            for (type_id, code, approved), value in changed
        ]
        with connection.cursor() as cur:
            cur.executemany(UPSERT, [(a, m.isoformat(), t, c, ok, v) for a, m, t, c, ok, v in increments])
            add_to_levels(cur, increments)
        # A total brought back to nothing is removed, so the table holds only what counts.
        AreaRollup.objects.filter(area_id__in=parents, month=month, value=0).delete()


YEAR_UPSERT = """INSERT INTO journal_areayearrollup (area_id, year, type_id, code, approved, value)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (area_id, year, type_id, code, approved)
DO UPDATE SET value = journal_areayearrollup.value + excluded.value"""


def add_to_levels(cursor: Any, rows: Iterable[tuple[int, date, int, str, bool, Decimal]]) -> None:
    """Carry increments of the communes' and provinces' monthly rollups to their yearly ones:
    `rows` are the (area, month, type, code, approved, change) the write path adds to
    journal_arearollup, in its transaction. A year brought back to nothing is removed, as a
    month is."""
    yearly = [(area, month.year, type_id, code, ok, value) for area, month, type_id, code, ok, value in rows]
    if not yearly:
        return
    cursor.executemany(YEAR_UPSERT, yearly)
    for area, year in sorted({(r[0], r[1]) for r in yearly}):
        cursor.execute(
            "DELETE FROM journal_areayearrollup WHERE area_id = %s AND year = %s AND value = 0", [area, year]
        )


def _month_sql(column: str) -> str:
    return f"CAST({column} AS date)" if connection.vendor == "postgresql" else column


def _year_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(strftime('%%Y', {column}) AS integer)"


ROLLUP_TABLES = ["journal_rollup", "journal_arearollup", "journal_areayearrollup"]


def _unpivot(
    cur: Any, target: str, keys: dict[str, str], source: str, names: dict[str, str], order: str = ""
) -> None:
    """One row per non-zero measure of each `source` row into `target`: PostgreSQL in one pass
    (a lateral list of the measures), SQLite one statement per measure. Rows go in `order`,
    if given: an area's rows then lie together on disk, and a province's communes over ten
    years are read from a few hundred pages instead of thousands scattered (measured at SF1)."""
    columns = ", ".join([*keys, "code", "value"])
    picked = ", ".join(keys.values())
    if connection.vendor == "postgresql":
        pairs = ", ".join(f"(%s, CAST(q.{alias} AS numeric))" for alias in names)
        cur.execute(
            f"INSERT INTO {target} ({columns}) SELECT {picked}, v.code, v.value FROM {source} q "  # noqa: S608
            f"CROSS JOIN LATERAL (VALUES {pairs}) v(code, value) WHERE v.value <> 0"
            + (f" ORDER BY {order}" if order else ""),
            list(names.values()),
        )
        return
    for alias, code in names.items():
        cur.execute(
            f"INSERT INTO {target} ({columns}) SELECT {picked}, %s, q.{alias} FROM {source} q "  # noqa: S608
            f"WHERE q.{alias} <> 0",
            [code],
        )


def rebuild() -> int:
    """Every rollup recounted from the entries, set-based: one grouped pass over the entries
    (village, month, model type, with the month's approval) into a scratch table; the
    communes' and provinces' months and years are grouped from that, not from the villages'
    rows (a third as many). All in one transaction."""
    from django.db.models import F
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast, TruncMonth

    from tuquan.core.rawsql import unindexed
    from tuquan.journal.models import ApprovalStatus

    aggregations = _aggregations()
    names = {f"c{i}": code for i, code in enumerate(aggregations)}
    measures = {alias: aggregations[code] for alias, code in names.items()}
    for i, key in enumerate(_extra_keys()):
        names[f"x{i}"] = EXTRA + key
        value = Cast(KT(f"extra__{key}"), models.DecimalField(max_digits=16, decimal_places=1))
        measures[f"x{i}"] = Sum(value)
    grouped = (
        Entry.objects.annotate(
            vid=F("village_id"),
            cid=F("village__parent_id"),
            pid=F("village__province_id"),
            tid=F("team__type_id"),
            m=TruncMonth("occurred_on"),
        )
        .values("vid", "cid", "pid", "tid", "m")
        .annotate(**measures)
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    sums = ", ".join(f"SUM({alias}) AS {alias}" for alias in names)
    aliases = ", ".join(names)
    scratch = ("journal_rollup_scratch", "journal_rollup_areas", "journal_rollup_years")
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Room to sort and hash in memory, for this transaction only.
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for table in scratch:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        with unindexed(cur, ROLLUP_TABLES):
            cur.execute(
                "CREATE TEMPORARY TABLE journal_rollup_scratch AS "  # noqa: S608 (aliases are fixed)
                f"SELECT q.vid, q.cid, q.pid, q.tid, {_month_sql('q.m')} AS m, "
                f"a.village_id IS NOT NULL AS approved, {', '.join(f'q.{a}' for a in names)} FROM ({sql}) q "
                "LEFT JOIN (SELECT DISTINCT village_id, month FROM journal_approval WHERE status IN (%s, %s)) a "
                f"ON a.village_id = q.vid AND a.month = {_month_sql('q.m')}",
                [*params, ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED],
            )
            _unpivot(
                cur,
                "journal_rollup",
                {
                    "village_id": "q.vid",
                    "commune_id": "q.cid",
                    "province_id": "q.pid",
                    "type_id": "q.tid",
                    "month": "q.m",
                    "approved": "q.approved",
                },
                "journal_rollup_scratch",
                names,
            )
            # Communes' months, then provinces' months summed from them.
            cur.execute(
                "CREATE TEMPORARY TABLE journal_rollup_areas AS "  # noqa: S608
                f"SELECT cid AS aid, pid, tid, m, approved, {sums} FROM journal_rollup_scratch "
                "GROUP BY cid, pid, tid, m, approved"
            )
            cur.execute("DROP TABLE journal_rollup_scratch")
            cur.execute(
                f"INSERT INTO journal_rollup_areas (aid, pid, tid, m, approved, {aliases}) "  # noqa: S608
                f"SELECT pid, pid, tid, m, approved, {sums} FROM journal_rollup_areas GROUP BY pid, tid, m, approved"
            )
            keys = {"area_id": "q.aid", "type_id": "q.tid", "approved": "q.approved"}
            _unpivot(
                cur, "journal_arearollup", {**keys, "month": "q.m"}, "journal_rollup_areas", names, "q.aid"
            )
            cur.execute(
                "CREATE TEMPORARY TABLE journal_rollup_years AS "  # noqa: S608
                f"SELECT aid, tid, {_year_sql('m')} AS y, approved, {sums} FROM journal_rollup_areas "
                f"GROUP BY aid, tid, {_year_sql('m')}, approved",
                [],  # a parameter list, so that "%%" is SQLite's "%" in strftime
            )
            _unpivot(
                cur, "journal_areayearrollup", {**keys, "year": "q.y"}, "journal_rollup_years", names, "q.aid"
            )
            cur.execute("DROP TABLE journal_rollup_areas")
            cur.execute("DROP TABLE journal_rollup_years")
    return Rollup.objects.count()


def _extra_keys() -> list[str]:
    """Every own-indicator code any entry carries (not only the types' current ones, so a
    rebuild keeps what was recorded under a code since withdrawn)."""
    if connection.vendor == "postgresql":
        sql = "SELECT DISTINCT jsonb_object_keys(extra) FROM journal_entry WHERE extra <> '{}'::jsonb"
    else:
        sql = "SELECT DISTINCT j.key FROM journal_entry e, json_each(e.extra) j"
    with connection.cursor() as cur:
        cur.execute(sql)
        return sorted(key for (key,) in cur.fetchall())


def verify() -> list[str]:
    """Differences between the stored rollups and a full recount (empty when they agree):
    the villages' against the entries, the communes' and provinces' against the villages'."""
    key = ("village_id", "month", "type_id", "code", "approved")
    stored = {tuple(getattr(r, k) for k in key): r.value for r in Rollup.objects.all()}
    fresh = {tuple(getattr(r, k) for k in key): r.value for r in compute_rows(Entry.objects.all())}
    problems = []
    for k in sorted(set(stored) | set(fresh), key=str):
        if stored.get(k, Decimal(0)) != fresh.get(k, Decimal(0)):
            problems.append(f"{k}: lưu {stored.get(k, 0)}, đếm lại {fresh.get(k, 0)}")
    summed: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for r in Rollup.objects.all():
        for area_id in (r.commune_id, r.province_id):
            summed[(area_id, r.month, r.type_id, r.code, r.approved)] += r.value
    kept = {(a.area_id, a.month, a.type_id, a.code, a.approved): a.value for a in AreaRollup.objects.all()}
    for k in sorted(set(summed) | set(kept), key=str):
        if summed.get(k, Decimal(0)) != kept.get(k, Decimal(0)):
            problems.append(f"xã/tỉnh {k}: lưu {kept.get(k, 0)}, cộng lại {summed.get(k, 0)}")
    by_year: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for (area_id, month, type_id, code, approved), value in kept.items():
        by_year[(area_id, month.year, type_id, code, approved)] += value
    yearly = {
        (a.area_id, a.year, a.type_id, a.code, a.approved): a.value for a in AreaYearRollup.objects.all()
    }
    for k in sorted(set(by_year) | set(yearly), key=str):
        if by_year.get(k, Decimal(0)) != yearly.get(k, Decimal(0)):
            problems.append(f"xã/tỉnh năm {k}: lưu {yearly.get(k, 0)}, cộng lại {by_year.get(k, 0)}")
    return problems


def totals_by_approval(rows: Any) -> list[tuple[str, bool, Decimal]]:
    """(code, approved, sum) over rollup rows: one grouped query."""
    return list(
        rows.values_list("code", "approved").annotate(v=Sum("value")).values_list("code", "approved", "v")
    )


def _whole(query: Any) -> bool:
    from tuquan.core import scoping

    return scoping.sees_all_teams(query.actor, query.area.path)


@dataclass(frozen=True)
class Codes:
    """Which rollup codes to read: `only` (None: all) and, besides, every `extra.` code."""

    only: frozenset[str] | None = None
    extras: bool = True

    def q(self) -> Q:
        if self.only is None:
            return Q()
        wanted = Q(code__in=sorted(self.only))
        return wanted | Q(code__startswith=EXTRA) if self.extras else wanted


def _months_and_years(start: date, end: date) -> tuple[list[tuple[date, date]], tuple[int, int] | None]:
    """A run of whole months as the months before its first whole year, the whole years
    (read from the yearly rollups) and the months after its last."""
    first, last = start.year + (start.month != 1), end.year - (end.month != 12)
    if first > last:
        return [(start, end)], None
    months = []
    if start.year < first:
        months.append((start, date(start.year, 12, 31)))
    if end.year > last:
        months.append((date(end.year, 1, 1), end))
    return months, (first, last)


def _kept_sql(
    query: Any, codes: Codes, areas: str, area_params: list[Any], key: str = ""
) -> tuple[str, list[Any]]:
    """([key,] code, approved, sum) over the communes' and provinces' own rollups of `areas` for a
    query's whole months: the whole years from the yearly rows, the months around them from
    the monthly ones. Plain SQL: the report engine's hottest read, whose building through the
    ORM cost more than running it."""
    from tuquan.core.rawsql import code_condition

    more, more_params = "", []
    if query.type_code:
        more += " AND type_id IN (SELECT id FROM registry_modeltype WHERE code = %s)"
        more_params.append(query.type_code)
    if query.approved_only:
        more += " AND approved = %s"
        more_params.append(True)
    if codes.only is not None:
        condition, found = code_condition(sorted(codes.only), [EXTRA] if codes.extras else [])
        more += f" AND {condition}"
        more_params += found
    months, years = _months_and_years(query.start.replace(day=1), query.end)
    parts, params = [], []
    picked = f"{key}code, approved, value"
    if months:
        spans = " OR ".join(["(month >= %s AND month <= %s)"] * len(months))
        parts.append(
            f"SELECT {picked} FROM journal_arearollup WHERE area_id IN ({areas}) AND ({spans}){more}"  # noqa: S608
        )
        params += [*area_params, *(day for span in months for day in span), *more_params]
    if years:
        parts.append(
            f"SELECT {picked} FROM journal_areayearrollup WHERE area_id IN ({areas}) "  # noqa: S608
            f"AND year >= %s AND year <= %s{more}"
        )
        params += [*area_params, *years, *more_params]
    union = " UNION ALL ".join(parts)
    # Placeholders and fixed column names only.
    grouped = f"SELECT {key}code, approved, SUM(value) FROM ({union}) t GROUP BY {key}code, approved"  # noqa: S608
    return grouped, params


def kept_totals(query: Any, codes: Codes) -> list[tuple[str, bool, Decimal]] | None:
    """(code, approved, sum) over a query's whole months from the communes' and provinces'
    own rollups, for whoever sees the whole commune, province or country; None when the
    villages' rows must be read instead (`rollups_for`)."""
    from tuquan.core.models import Level

    area = query.area
    if area.level not in (Level.COMMUNE, Level.PROVINCE, Level.COUNTRY) or not _whole(query):
        return None
    if area.level == Level.COUNTRY:
        # The country's figures are its provinces' together.
        areas, params = (
            "SELECT id FROM core_area WHERE level = %s AND parent_id = %s",
            [Level.PROVINCE, area.pk],
        )
    else:
        areas, params = "%s", [area.pk]
    sql, params = _kept_sql(query, codes, areas, params)
    with connection.cursor() as cur:
        cur.execute(sql, params)  # placeholders only
        # As the ORM gives a sum of this column: a Decimal to its one decimal place.
        return [(code, bool(approved), _tenths(value)) for code, approved, value in cur.fetchall()]


def _tenths(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def rollups_for(query: Any, codes: Codes) -> Any:
    """The villages' rollup rows of a query's area, period, model type and approval: for
    someone who sees only part of the area, or who asks about one village (`kept_totals`
    serves the rest)."""
    from tuquan.core import scoping
    from tuquan.core.models import Level
    from tuquan.core.roles import Cap

    area = query.area
    months = {"month__gte": query.start.replace(day=1), "month__lte": query.end}
    where = {
        Level.PROVINCE: {"province": area},
        Level.COMMUNE: {"commune": area},
        Level.VILLAGE: {"village": area},
    }.get(area.level, {"village__path__startswith": area.path})
    qs = Rollup.objects.filter(codes.q(), **months, **where)
    if not _whole(query):
        qs = qs.filter(scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="village__path"))
    if query.type_code:
        qs = qs.filter(type__code=query.type_code)
    if query.approved_only:
        qs = qs.filter(approved=True)
    return qs


def totals_by_child(
    query: Any, level: str, ids: list[int], codes: Codes
) -> list[tuple[int, str, bool, Decimal]]:
    """(child, code, approved, sum) for sibling areas at `level` over a query's whole months
    (of the `codes` only, if given): communes' and provinces' own totals by year and month,
    villages' rollups; one grouped query."""
    from tuquan.core.models import Level
    from tuquan.core.rawsql import placeholders

    if not ids:
        return []
    if level != Level.VILLAGE:
        sql, params = _kept_sql(query, codes, placeholders(ids), list(ids), key="area_id, ")
        with connection.cursor() as cur:
            cur.execute(sql, params)  # placeholders only
            return [(pk, code, bool(ok), _tenths(value)) for pk, code, ok, value in cur.fetchall()]
    months = {"month__gte": query.start.replace(day=1), "month__lte": query.end}
    qs = Rollup.objects.filter(codes.q(), village_id__in=ids, **months)
    if query.type_code:
        qs = qs.filter(type__code=query.type_code)
    if query.approved_only:
        qs = qs.filter(approved=True)
    return list(
        qs.values_list("village_id", "code", "approved")
        .annotate(v=Sum("value"))
        .values_list("village_id", "code", "approved", "v")
    )
