"""Monthly rollups of journal entries (see models.Rollup).

Longer than 600 lines: the write path (increments, locks), the rebuild and the readers of
one set of tables; to be split into write, rebuild and read modules (issue 23).

A write to an entry adds its difference (`move`) in the same transaction, so a figure read
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

from tuquan.core import scoping
from tuquan.core.models import Area, Level
from tuquan.core.rawsql import code_condition, placeholders, unindexed
from tuquan.core.roles import Cap
from tuquan.journal.models import AreaRollup, AreaYearRollup, Entry, Rollup, TeamMonth
from tuquan.journal.periods import next_month

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
# Built once: `share` runs on every entry write, and building twenty Q objects each time
# was a tenth of a millisecond of it.
MEASURES = _measures()


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
    return {
        v: (c, p)
        for v, c, p in Area.objects.filter(pk__in=list(ids)).values_list("id", "parent_id", "province_id")
    }


# Every write adds its own difference: the database applies each increment atomically, so
# writers in one village, commune or province never overwrite each other's figures.
UPSERT = """INSERT INTO journal_arearollup (area_id, month, type_id, code, approved, value)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (area_id, month, type_id, code, approved)
DO UPDATE SET value = journal_arearollup.value + excluded.value"""
VILLAGE_UPSERT = """INSERT INTO journal_rollup (village_id, commune_id, province_id, type_id, month, code,
approved, value) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (village_id, month, type_id, code)
DO UPDATE SET value = journal_rollup.value + excluded.value"""
# The counter behind reporting.pairs, read back in the same statement (see models.TeamMonth).
TEAM_MONTH_UPSERT = """INSERT INTO journal_teammonth (team_id, village_id, month, entries)
VALUES (%s, %s, %s, %s) ON CONFLICT (team_id, village_id, month)
DO UPDATE SET entries = journal_teammonth.entries + excluded.entries RETURNING entries"""


def _lock_key(village_id: int, month: date) -> tuple[int, int]:
    return village_id, month.year * 100 + month.month


def hold(*places: tuple[int, date], exclusive: bool = False) -> None:
    """Lock village-months until the transaction ends. Entry writes hold them shared: they
    add increments that commute, so any number run at once. Whatever reads a village-month
    whole before writing (approving or reopening it, an import's recount) holds it
    exclusive, so no entry changes under it. Taken in one order everywhere, so two writers
    never wait on each other in a circle. PostgreSQL advisory locks; SQLite's immediate
    transactions already admit one writer at a time."""
    if connection.vendor != "postgresql":
        return
    call = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cur:
        for key in sorted({_lock_key(v, day.replace(day=1)) for v, day in places}):
            cur.execute(f"SELECT {call}(%s, %s)", key)


@dataclass(frozen=True)
class Share:
    """What one entry adds to its village-month: (model type, code) → value."""

    team_id: int
    village_id: int
    month: date
    type_id: int
    values: tuple[tuple[str, Decimal], ...]
    # Known to the caller, else read by `move`: the village's commune and province (when
    # the entry's village is loaded), and whether its month's figures are approved ones.
    parents: tuple[int, int] | None = None
    approved: bool | None = None


def share(entry: Entry, type_id: int | None = None, *, approved: bool | None = None) -> Share:
    """An entry's contribution, as `compute_rows` counts it (every measure but the pairs).
    `approved`: whether its village-month is approved, when the caller has just read it
    under the month's hold (else `move` reads it)."""
    values: dict[str, Decimal] = {}
    for code, (condition, field) in MEASURES.items():
        if not _matches(entry, condition):
            continue
        value = Decimal(1) if field is None else Decimal(getattr(entry, field) or 0)
        if value:
            values[code] = value
    for code, value in (entry.extra or {}).items():
        if value:
            values[EXTRA + code] = values.get(EXTRA + code, Decimal(0)) + Decimal(str(value))
    if type_id is None:
        type_id = entry.team.type_id
    village = entry.village if Entry.village.is_cached(entry) else None  # type: ignore[attr-defined]
    parents = None
    if village is not None and village.parent_id is not None and village.province_id is not None:
        parents = (village.parent_id, village.province_id)
    return Share(
        team_id=entry.team_id,
        village_id=entry.village_id,
        month=entry.occurred_on.replace(day=1),
        type_id=type_id,
        values=tuple(sorted(values.items())),
        parents=parents,
        approved=approved,
    )


def _matches(entry: Entry, condition: Q) -> bool:
    # The measures' conditions are plain field lookups (kind, outcome, tip_valuable) joined
    # by AND; read on the instance, they say whether the database's filter would count it.
    for child in condition.children:
        if isinstance(child, Q):
            if not _matches(entry, child):
                return False
        else:
            # A lookup pair, as the measures' Q objects are built.
            field, wanted = child  # type: ignore[misc]
            if getattr(entry, field) != wanted:
                return False
    return True


def move(before: Share | None, after: Share | None) -> None:
    """Apply one entry's change to the figures: its old share taken away (None when it is
    new), its new one added (None when it is deleted). Called inside the writing
    transaction, with both village-months held (`hold`)."""
    delta: dict[tuple[int, date, int, str], Decimal] = defaultdict(Decimal)
    for sign, side in ((-1, before), (1, after)):
        if side is not None:
            for code, value in side.values:
                delta[(side.village_id, side.month, side.type_id, code)] += sign * value
    same_pair = (
        before is not None
        and after is not None
        and (before.team_id, before.village_id, before.month)
        == (after.team_id, after.village_id, after.month)
    )
    if not same_pair:
        for sign, side in sorted(
            ((sign, side) for sign, side in ((-1, before), (1, after)) if side is not None),
            key=lambda pair: (pair[1].team_id, pair[1].village_id, pair[1].month),
        ):
            if _count_in(side, sign):
                delta[(side.village_id, side.month, side.type_id, PAIRS)] += sign
    sides = [side for side in (before, after) if side is not None]
    _write(
        delta,
        parents={s.village_id: s.parents for s in sides if s.parents is not None},
        approved={(s.village_id, s.month): s.approved for s in sides if s.approved is not None},
    )


TEAM_MONTH_LESS = """UPDATE journal_teammonth SET entries = entries - 1
WHERE team_id = %s AND village_id = %s AND month = %s RETURNING entries"""


def _count_in(side: Share, sign: int) -> bool:
    """Add (or take) one entry to its team's village-month counter; True when the team
    thereby starts (or stops) counting in that village-month's reporting pairs."""
    key: list[Any] = [side.team_id, side.village_id, side.month.isoformat()]
    with connection.cursor() as cur:
        if sign > 0:
            cur.execute(TEAM_MONTH_UPSERT, [*key, 1])
            (left,) = cur.fetchone()
            return bool(left == 1)
        # An increment of -1 cannot go through the upsert: its VALUES row would fail the
        # counter's CHECK (>= 0) before the conflict is seen. The entry counted, so the row is there.
        cur.execute(TEAM_MONTH_LESS, key)
        found = cur.fetchone()
    if found is None or found[0] > 0:
        return False
    TeamMonth.objects.filter(
        team_id=side.team_id, village_id=side.village_id, month=side.month, entries=0
    ).delete()
    return True


def _upsert(cur: Any, statement: str, rows: list[tuple[Any, ...]]) -> None:
    """One statement for all of a write's rows (their keys are distinct): a round trip per
    row was most of a write's time on a loaded server."""
    if not rows:
        return
    head, _sep, values = statement.partition("VALUES (")
    one = "(" + values.split(")", 1)[0] + ")"
    rest = values.split(")", 1)[1]
    cur.execute(head + "VALUES " + ", ".join([one] * len(rows)) + rest, [v for row in rows for v in row])


def _add_to_areas(cur: Any, increments: list[tuple[int, date, int, str, bool, Decimal]]) -> None:
    """Increments to the communes' and provinces' monthly rows and to their yearly ones
    (`add_to_levels`), each in one sorted statement (one lock order for every writer)."""
    monthly: dict[tuple[int, date, int, str, bool], Decimal] = defaultdict(Decimal)
    yearly: dict[tuple[int, date, int, str, bool], Decimal] = defaultdict(Decimal)
    for area_id, month, type_id, code, approved, value in increments:
        monthly[(area_id, month, type_id, code, approved)] += value
        yearly[(area_id, month.replace(month=1), type_id, code, approved)] += value
    _upsert(
        cur, UPSERT, [(a, m.isoformat(), t, c, ok, v) for (a, m, t, c, ok), v in sorted(monthly.items()) if v]
    )
    add_to_levels(cur, [(*key, v) for key, v in sorted(yearly.items()) if v])


def _write(
    delta: dict[tuple[int, date, int, str], Decimal],
    *,
    parents: dict[int, tuple[int, int]],
    approved: dict[tuple[int, date], bool],
) -> None:
    """Increments to village rows, then to their communes' and provinces' rows, each in one
    sorted order (two transactions locking the same rows in one order never deadlock); a
    figure brought back to nothing is removed, so the tables hold only what counts.
    `parents` and `approved` hold what the caller knew; the rest is read."""
    changed = sorted((key, value) for key, value in delta.items() if value)
    if not changed:
        return
    villages = {village_id for (village_id, _m, _t, _c), _v in changed}
    if not villages <= parents.keys():
        parents = {**_village_parents(villages - parents.keys()), **parents}
    if not {(v, m) for (v, m, _t, _c), _x in changed} <= approved.keys():
        known = dict(approved)
        approved = {pair: True for pair in _approved_months(villages)}
        approved.update(known)
    increments = []
    village_rows = []
    for (village_id, month, type_id, code), value in changed:
        commune_id, province_id = parents[village_id]
        flag = approved.get((village_id, month), False)
        village_rows.append(
            (village_id, commune_id, province_id, type_id, month.isoformat(), code, flag, value)
        )
        increments += [(area_id, month, type_id, code, flag, value) for area_id in (commune_id, province_id)]
    with connection.cursor() as cur:
        _upsert(cur, VILLAGE_UPSERT, village_rows)
        _add_to_areas(cur, increments)
    if all(value > 0 for _key, value in changed):
        return  # nothing went down, so nothing came to zero
    months = {month for (_v, month, _t, _c), _x in changed}
    Rollup.objects.filter(village_id__in=villages, month__in=months, value=0).delete()
    areas = {a for pair in parents.values() for a in pair}
    AreaRollup.objects.filter(area_id__in=areas, month__in=months, value=0).delete()


def set_approved(village_id: int, month: date, approved: bool) -> None:
    """Approving or reopening a village-month moves its figures between approved and not
    approved, in the village's rows and in its commune's and province's, as one transfer in
    the approval's transaction (the month held exclusive: no entry changes meanwhile)."""
    month = month.replace(day=1)
    hold((village_id, month), exclusive=True)
    moving = Rollup.objects.filter(village_id=village_id, month=month).exclude(approved=approved)
    rows = list(moving.values_list("commune_id", "province_id", "type_id", "code", "value"))
    if not rows:
        return
    moving.update(approved=approved)
    transfer = []
    for commune_id, province_id, type_id, code, value in rows:
        for area_id in (commune_id, province_id):
            transfer.append((area_id, month, type_id, code, approved, value))
            transfer.append((area_id, month, type_id, code, not approved, -value))
    with connection.cursor() as cur:
        _add_to_areas(cur, transfer)
    areas = {area_id for (area_id, *_rest) in transfer}
    AreaRollup.objects.filter(area_id__in=areas, month=month, value=0).delete()


def _team_counts(entries: Any) -> Any:
    return entries.order_by().values_list("team_id").annotate(n=Count("id")).values_list("team_id", "n")


def recount(village_id: int, day: date) -> None:
    """Recount one village-month from its entries and carry the difference up to its commune
    and province: for writes of many entries at once (a workbook import), which would
    otherwise add one increment per entry. The month is held exclusive while it is read."""
    month = day.replace(day=1)
    nxt = next_month(month)
    with transaction.atomic():
        hold((village_id, month), exclusive=True)
        entries = Entry.objects.filter(village_id=village_id, occurred_on__gte=month, occurred_on__lt=nxt)
        old = Rollup.objects.filter(village_id=village_id, month=month)
        delta: dict[tuple[int, str, bool], Decimal] = defaultdict(Decimal)
        for type_id, code, approved, value in old.values_list("type_id", "code", "approved", "value"):
            delta[(type_id, code, approved)] -= value
        old.delete()
        rows = compute_rows(entries)
        Rollup.objects.bulk_create(rows)
        for r in rows:
            delta[(r.type_id, r.code, r.approved)] += r.value
        TeamMonth.objects.filter(village_id=village_id, month=month).delete()
        TeamMonth.objects.bulk_create(
            TeamMonth(team_id=team_id, village_id=village_id, month=month, entries=n)
            for team_id, n in _team_counts(entries)
        )
        changed = sorted((key, value) for key, value in delta.items() if value)
        if not changed:
            return
        (parents,) = _village_parents([village_id]).values()
        increments = [
            (area_id, month, type_id, code, approved, value)
            for area_id in parents
            for (type_id, code, approved), value in changed
        ]
        with connection.cursor() as cur:
            _add_to_areas(cur, increments)
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
    _upsert(cursor, YEAR_UPSERT, yearly)
    if all(r[-1] > 0 for r in yearly):
        return  # nothing went down, so no year came to zero
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
            _rebuild_team_months(cur)
    return Rollup.objects.count()


def _rebuild_team_months(cur: Any) -> None:
    month = (
        "CAST(date_trunc('month', occurred_on) AS date)"
        if connection.vendor == "postgresql"
        else "date(occurred_on, 'start of month')"
    )
    cur.execute("DELETE FROM journal_teammonth")
    cur.execute(
        "INSERT INTO journal_teammonth (team_id, village_id, month, entries) "  # noqa: S608 (fixed SQL)
        f"SELECT team_id, village_id, {month}, COUNT(*) FROM journal_entry GROUP BY team_id, village_id, {month}"
    )


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
    return problems + _team_month_problems()


def _team_month_problems() -> list[str]:
    from django.db.models.functions import TruncMonth

    counted = {
        (t, v, m.date() if hasattr(m, "date") else m): n
        for t, v, m, n in Entry.objects.order_by()
        .annotate(m=TruncMonth("occurred_on"))
        .values_list("team_id", "village_id", "m")
        .annotate(n=Count("id"))
        .values_list("team_id", "village_id", "m", "n")
    }
    kept = {
        (t, v, m): n
        for t, v, m, n in TeamMonth.objects.values_list("team_id", "village_id", "month", "entries")
    }
    return [
        f"tổ-thôn-tháng {k}: lưu {kept.get(k, 0)}, đếm lại {counted.get(k, 0)}"
        for k in sorted(set(counted) | set(kept), key=str)
        if kept.get(k, 0) != counted.get(k, 0)
    ]


def totals_by_approval(rows: Any) -> list[tuple[str, bool, Decimal]]:
    """(code, approved, sum) over rollup rows: one grouped query."""
    return list(
        rows.values_list("code", "approved").annotate(v=Sum("value")).values_list("code", "approved", "v")
    )


def _whole(query: Any) -> bool:
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
