"""Synthetic data at a scale factor, and the report engine timed against hand-written SQL.

Longer than 600 lines: a benchmark, not product code; the dataset's SQL and the timings
read best together.

SF1 would be 100,000 villages, 600,000 teams and 20 million journal entries over ten years
(the issue's national scale). `BENCH_SF` sets the factor (default 0.01 here: 1,000 villages,
6,000 teams, 200,000 entries), spread over every commune of the country.
"""

from __future__ import annotations

import contextlib
import os
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from typing import Any

from tuquan.core.actors import Actor

PER_VILLAGE_TEAMS = 6
PER_VILLAGE_PEOPLE = 50
PER_VILLAGE_ENTRIES = 200
KINDS = ["patrol", "meeting", "tip", "mediation", "arrest", "awareness"]
FIRST_DAY = date(2016, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days + 1


def _hash(*terms: str) -> str:
    """A deterministic pseudo-random integer in SQL from row numbers, the same on SQLite
    and PostgreSQL (integer arithmetic only; no random() whose range differs)."""
    mixed = " + ".join(f"({t}) * {m}" for t, m in zip(terms, (1103515245, 12345, 2654435761), strict=False))
    return f"(({mixed} + 7) %% 2147483647)"


def _number_key(expr: str) -> str:
    """SQL for the sort key of a whole number (core.text.sort_key): "c", its length as a
    letter, its digits as letters; plain string functions both databases have."""
    text = f"CAST({expr} AS TEXT)"
    letters = text
    for digit in "0123456789":
        letters = f"replace({letters}, '{digit}', '{chr(ord('a') + int(digit))}')"
    return f"('c' || substr('abcdefghijklmnopqrstuvwxyz', length({text}) + 1, 1) || {letters})"


def _sort_key_sql(words: str, *numbers: str) -> str:
    """SQL for `sort_key(f"{words} {n1}-{n2}")` with the numbers computed in SQL: the words'
    letter tokens, a word break before each number, then the words' tones."""
    from tuquan.core.text import ALPHABET, sort_key, split_letter

    key = sort_key(words)
    count = sum(split_letter(ch)[0] in ALPHABET for ch in words.lower())
    letters, tones = (key[: -count - 1], key[-count:]) if count else (key[:-1], "")
    parts = [f"'{letters}'"] if letters else []
    for expr in numbers:
        if letters or len(parts) > 1:
            parts.append("'ba'")
        parts.append(_number_key(expr))
    parts.append(f"'a{tones}'")
    return " || ".join(parts)


class _Sql:
    """The few expressions that differ between the two databases."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def day(self, offset: str) -> str:
        return (
            f"DATE '{FIRST_DAY}' + CAST({offset} AS integer)"
            if self.pg
            else f"date('{FIRST_DAY}', '+' || ({offset}) || ' days')"
        )

    def uuid(self) -> str:
        return "gen_random_uuid()" if self.pg else "lower(hex(randomblob(16)))"

    def now(self) -> str:
        return "now()" if self.pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _insert(cur: Any, sql: _Sql, model: Any, given: dict[str, str], source: str, params: list[Any]) -> None:
    """INSERT … SELECT for a model: the columns given as SQL, every other column its
    default (a fresh UUID, now, empty text or NULL), so a new NOT NULL field cannot be
    forgotten here."""
    from django.db import models

    columns, values, defaults = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f'"{f.column}"')
        if f.column in given:
            values.append(given[f.column])
        elif isinstance(f, models.UUIDField):
            values.append(sql.uuid())
        elif isinstance(f, models.DateTimeField) and not f.null:
            values.append(sql.now())
        elif f.has_default() and not callable(f.default):
            values.append("%s")
            defaults.append(f.get_db_prep_save(f.default, cur.db))
        elif isinstance(f, models.JSONField):
            values.append("%s")
            defaults.append("{}" if f.default is dict else "[]")
        elif f.null:
            values.append("NULL")
        elif isinstance(f, (models.CharField, models.TextField)):
            values.append("''")
        else:
            raise ValueError(f"{model.__name__}.{f.name} needs a value in the benchmark")
    # Defaults come first in the statement text, the source's parameters after them.
    statement = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    )
    cur.execute(statement, [*defaults, *params])


@contextlib.contextmanager
def _bulk_load() -> Iterator[None]:
    """On PostgreSQL, foreign keys are checked at commit, row by row: for twenty million
    generated rows (consistent by construction) that check took longer than writing them.
    The benchmark's superuser turns triggers off for its own session while loading; the
    timed reports run with everything on."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
    except DatabaseError:
        # Not a superuser (the CI's role): keys are checked at commit, only slower.
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")


def build_dataset(sf: float) -> dict[str, Any]:
    """Villages, teams, people, memberships and ten years of journal entries at scale `sf`,
    written set-based in the database (SF1 is 20 million entries: no Python loop could)."""
    from django.db import connection, transaction

    from tuquan.core.models import Area, Level
    from tuquan.journal.models import Entry
    from tuquan.registry.models import Membership, ModelType, Person, Team, TeamArea, TeamStatusChange

    sql = _Sql(connection.vendor)
    villages = max(34, int(100_000 * sf))
    types = list(
        ModelType.objects.filter(kind="team", is_statutory=False)
        .order_by("code")
        .values_list("pk", flat=True)[:PER_VILLAGE_TEAMS]
    )
    communes = Area.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).count()
    timings: dict[str, float] = {}

    def step(name: str, *statements: tuple[Any, ...]) -> None:
        began = time.perf_counter()
        for args in statements:
            if args[0] == "raw":
                # Always with a parameter list: "%%" is then the modulo on both databases.
                cur.execute(args[1], args[2] if len(args) > 2 else [])
            else:
                _insert(cur, sql, *args)
        timings[name] = time.perf_counter() - began
        print(f"  built {name} in {timings[name]:.1f} s", flush=True)

    with transaction.atomic(), connection.cursor() as cur, _bulk_load():
        for table in ("bench_n", "bench_c", "bench_v", "bench_t", "bench_team", "bench_p"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        most = max(villages, PER_VILLAGE_ENTRIES)
        cur.execute("CREATE TABLE bench_n (n bigint PRIMARY KEY)")
        cur.execute(
            "INSERT INTO bench_n WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
            "SELECT n FROM s",
            [most - 1],
        )
        cur.execute(
            "CREATE TABLE bench_c AS SELECT id, code, path, province_id, "
            "row_number() OVER (ORDER BY ident) - 1 AS rn FROM core_area WHERE level = 'commune' "
            "AND valid_to IS NULL"
        )
        ident = f"c.code || '.' || (1000 + b.n / {communes})"
        step(
            "villages",
            (
                Area,
                {
                    "ident": ident,
                    "code": "c.code",
                    "level": "'village'",
                    "kind": "'Bản'",
                    "name": f"'Bản ' || (1000 + b.n / {communes})",
                    "short_name": f"'' || (1000 + b.n / {communes})",
                    "search_name": f"'ban ' || (1000 + b.n / {communes})",
                    "sort_name": _sort_key_sql("", f"1000 + b.n / {communes}"),
                    "parent_id": "c.id",
                    "path": f"c.path || {ident} || '/'",
                    "province_id": "c.province_id",
                    "number": f"1000 + b.n / {communes}",
                },
                f"FROM bench_n b JOIN bench_c c ON c.rn = b.n %% {communes} WHERE b.n < %s",
                [villages],
            ),
            (
                "raw",
                f"CREATE TABLE bench_v AS SELECT b.n AS vn, a.id, a.parent_id FROM bench_n b "
                f"JOIN bench_c c ON c.rn = b.n %% {communes} JOIN core_area a ON a.ident = {ident} "
                "WHERE b.n < %s",
                [villages],
            ),
        )
        cur.execute("CREATE TABLE bench_t (k bigint, type_id bigint)")
        for k, type_id in enumerate(types):
            cur.execute("INSERT INTO bench_t VALUES (%s, %s)", [k, type_id])
        team_key = "'bench ' || v.vn || ' ' || t.k"
        step(
            "teams",
            (
                Team,
                {
                    "type_id": "t.type_id",
                    "name": "'Tổ ' || v.vn || '-' || t.k",
                    "search_name": team_key,
                    "sort_name": _sort_key_sql("Tổ", "v.vn", "t.k"),
                    "home_area_id": "v.parent_id",
                    "status": "'active'",
                    "established_on": sql.day("0"),
                },
                "FROM bench_v v CROSS JOIN bench_t t",
                [],
            ),
            (
                "raw",
                f"CREATE TABLE bench_team AS SELECT v.vn, t.k, v.id AS village_id, x.id AS team_id "
                f"FROM bench_v v CROSS JOIN bench_t t JOIN registry_team x ON x.search_name = {team_key}",
            ),
            ("raw", "CREATE INDEX bench_team_key ON bench_team (vn, k)"),
            (TeamArea, {"team_id": "team_id", "area_id": "village_id"}, "FROM bench_team", []),
            (
                TeamStatusChange,
                {"team_id": "team_id", "status": "'active'", "on": sql.day("0")},
                "FROM bench_team",
                [],
            ),
        )
        person_key = "'bench ' || v.vn || ' ' || b.n"
        step(
            "people and memberships",
            (
                Person,
                {
                    "full_name": "'Người ' || v.vn || '-' || b.n",
                    "search_name": person_key,
                    "sort_name": _sort_key_sql("Người", "v.vn", "b.n"),
                    "gender": "CASE WHEN b.n %% 2 = 0 THEN 'male' ELSE 'female' END",
                    "birth_year": f"1950 + {_hash('v.vn', 'b.n')} %% 55",
                    "area_id": "v.id",
                },
                "FROM bench_v v JOIN bench_n b ON b.n < %s",
                [PER_VILLAGE_PEOPLE],
            ),
            (
                "raw",
                f"CREATE TABLE bench_p AS SELECT v.vn, b.n, p.id FROM bench_v v JOIN bench_n b ON b.n < %s "
                f"JOIN registry_person p ON p.search_name = {person_key}",
                [PER_VILLAGE_PEOPLE],
            ),
            (
                Membership,
                {
                    "person_id": "p.id",
                    "team_id": "x.team_id",
                    "role": f"CASE WHEN p.n < {len(types)} THEN 'leader' ELSE 'member' END",
                    "start_on": sql.day("0"),
                },
                f"FROM bench_p p JOIN bench_team x ON x.vn = p.vn AND x.k = p.n %% {len(types)}",
                [],
            ),
        )
        kind = _hash("v.vn", "b.n") + f" %% {len(KINDS)}"
        kinds = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS))

        def when(name: str, then: str, otherwise: str = "NULL") -> str:
            return f"CASE WHEN {kind} = {KINDS.index(name)} THEN {then} ELSE {otherwise} END"

        step(
            "journal entries",
            (
                Entry,
                {
                    "team_id": "x.team_id",
                    "village_id": "x.village_id",
                    "kind": f"CASE {kind} {kinds} END",
                    "occurred_on": sql.day(f"{_hash('b.n', 'v.vn', 'v.vn')} %% {DAYS}"),
                    "member_turns": when("patrol", f"2 + {_hash('b.n', 'v.vn')} %% 5"),
                    "cases": when("arrest", "1"),
                    "suspects": when("arrest", f"1 + {_hash('v.vn', 'b.n', 'b.n')} %% 3"),
                    "outcome": when("mediation", "'reconciled'", "''"),
                    "tip_category": when("tip", "'drugs'", "''"),
                    "status": "'verified'",
                },
                f"FROM bench_v v JOIN bench_n b ON b.n < %s "
                f"JOIN bench_team x ON x.vn = v.vn AND x.k = {_hash('b.n', 'b.n', 'v.vn')} %% {len(types)}",
                [PER_VILLAGE_ENTRIES],
            ),
        )
        for table in ("bench_n", "bench_c", "bench_v", "bench_t", "bench_team", "bench_p"):
            cur.execute(f"DROP TABLE {table}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    # Rebuilt as `tuquan rollups --rebuild` does it (keys checked, no loading shortcut).
    rows = _rebuild(timings)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    from tuquan.journal.models import AreaRollup

    return {
        "villages": villages,
        "teams": villages * len(types),
        "people": villages * PER_VILLAGE_PEOPLE,
        "entries": Entry.objects.count(),
        "rollup_rows": rows,
        "area_rollup_rows": AreaRollup.objects.count(),
        "timings": timings,
    }


def _rebuild(timings: dict[str, float]) -> int:
    """`tuquan rollups --rebuild`, its two parts timed: the journal's rollups, then the
    registry's stocks. Returns the village rollup rows."""
    from tuquan.journal import rollups
    from tuquan.registry import stocks

    began = time.perf_counter()
    rows = rollups.rebuild()
    timings["rollups"] = time.perf_counter() - began
    began = time.perf_counter()
    stocks.rebuild()
    timings["stocks"] = time.perf_counter() - began
    return rows


def reuse_dataset() -> dict[str, Any] | None:
    """With BENCH_REUSE=1, an SF1 dataset already in BENCH_DATABASE_URL is timed again
    instead of rebuilt (building it takes the better part of an hour); with BENCH_REBUILD=1
    (or none there) its rollups and stocks are rebuilt first, as `tuquan rollups --rebuild` does
    and timed, so a changed definition is measured too."""
    from tuquan.core.models import Area, Level
    from tuquan.journal.models import AreaRollup, Entry, Rollup
    from tuquan.registry.models import Person, Stock, Team

    if not Entry.objects.exists():
        return None
    timings: dict[str, float] = {}
    if (
        os.environ.get("BENCH_REBUILD") == "1"
        or not AreaRollup.objects.exists()
        or not Stock.objects.exists()
    ):
        _rebuild(timings)
    rows = Rollup.objects.count()
    return {
        "villages": Area.objects.filter(level=Level.VILLAGE).count(),
        "teams": Team.objects.count(),
        "people": Person.objects.count(),
        "entries": Entry.objects.count(),
        "rollup_rows": rows,
        "area_rollup_rows": AreaRollup.objects.count(),
        "timings": timings,
    }


RAW_SQL = """
SELECT COUNT(*) FILTER (WHERE e.kind = 'patrol'), COALESCE(SUM(e.member_turns), 0),
       COUNT(*) FILTER (WHERE e.kind = 'tip'), COALESCE(SUM(e.suspects), 0)
FROM journal_entry e JOIN core_area v ON v.id = e.village_id
WHERE v.path LIKE %s AND e.occurred_on BETWEEN %s AND %s
"""
RAW_SQL_SQLITE = """
SELECT SUM(e.kind = 'patrol'), COALESCE(SUM(e.member_turns), 0), SUM(e.kind = 'tip'), COALESCE(SUM(e.suspects), 0)
FROM journal_entry e JOIN core_area v ON v.id = e.village_id
WHERE v.path LIKE %s AND e.occurred_on BETWEEN %s AND %s
"""
ROLLUP_SQL = """
SELECT r.code, SUM(r.value) FROM journal_arearollup r JOIN core_area a ON a.id = r.area_id
WHERE a.level = 'province' AND a.path LIKE %s AND r.month BETWEEN %s AND %s
  AND r.code IN ('patrols.count', 'patrols.member_turns', 'tips.count', 'arrests.suspects')
GROUP BY r.code
"""


def _per_provider(actor: Actor, area: Any, start: date, end: date) -> str:
    """Where the engine's time goes (each provider once more, warm)."""
    from tuquan.core.indicators import PROVIDERS, Query

    parts = []
    for fn in PROVIDERS:
        took, _ = timed(lambda fn=fn: fn(Query(actor=actor, area=area, start=start, end=end)), repeat=1)
        parts.append(f"{fn.__module__.split('.')[1]} {took * 1000:.0f} ms")
    return " · ".join(parts)


# The registry's two heaviest figures by hand: teams active or weak on the last day (their
# latest status change), and the distinct people on their rosters that day.
TEAMS_SQL = """
WITH active AS (
  SELECT DISTINCT l.team_id FROM registry_teamarea l JOIN core_area a ON a.id = l.area_id
  WHERE a.path LIKE %s AND (
    SELECT s.status FROM registry_teamstatuschange s WHERE s.team_id = l.team_id AND s."on" <= %s
    ORDER BY s."on" DESC, s.id DESC LIMIT 1) IN ('active', 'weak')
)
SELECT (SELECT COUNT(*) FROM active),
       (SELECT COUNT(DISTINCT m.person_id) FROM registry_membership m JOIN active ON active.team_id = m.team_id
        WHERE m.start_on <= %s AND (m.end_on IS NULL OR m.end_on >= %s))
"""


# The same two registry figures from the engine's kept stocks (registry.stocks): the sum of
# each stock's day-by-day changes up to the day.
STOCK_SQL = """
SELECT COALESCE(SUM(delta) FILTER (WHERE code = 'teams'), 0),
       COALESCE(SUM(delta) FILTER (WHERE code = 'members' AND model_type = 0), 0)
FROM registry_stock WHERE area_id = %s AND day <= %s AND code IN ('teams', 'members')
"""


# The codes both the engine and the hand-written SQL give.
HAND_CODES = (
    "patrols.count",
    "patrols.member_turns",
    "tips.count",
    "arrests.suspects",
    "teams.active",
    "teams.members",
)


def by_hand(area: Any, start: date, end: date) -> dict[str, int]:
    """HAND_CODES for an area and period straight from the raw tables, as someone would
    write them without the engine (the journal's four sums and the registry's two counts)."""
    from django.db import connection

    raw_sql = RAW_SQL if connection.vendor == "postgresql" else RAW_SQL_SQLITE
    with connection.cursor() as cur:
        cur.execute(raw_sql, [area.path + "%", start, end])
        journal = cur.fetchone()
        cur.execute(TEAMS_SQL, [area.path + "%", end, end, end])
        registry = cur.fetchone()
    return {code: int(value or 0) for code, value in zip(HAND_CODES, (*journal, *registry), strict=True)}


def timed(fn: Any, repeat: int = 3, budget: float = 1.0) -> tuple[float, Any]:
    """The best of `repeat` runs, or of as many more as fit in `budget` seconds (up to 50):
    a few-millisecond query needs many runs before this VM's noise stops deciding a ratio,
    and the engine and the hand-written SQL get the same treatment."""
    best, result, runs, began_all = float("inf"), None, 0, time.perf_counter()
    while runs < repeat or (runs < 50 and time.perf_counter() - began_all < budget):
        began = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - began)
        runs += 1
    return best, result


def _asker(username: str, role: str, area: Any) -> Any:
    """The person who asks: province staff for their province, a system administrator for
    the country (their grants load once, as in a web request)."""
    from tuquan.accounts.models import RoleAssignment, User

    user, made = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if made:
        RoleAssignment.objects.create(user=user, role=role, area=area)
    return user


def run(report: Any) -> None:
    from django.db import connection

    from tuquan.core.indicators import compute
    from tuquan.core.models import Area

    sf = float(os.environ.get("BENCH_SF", "0.01"))
    made = reuse_dataset() if os.environ.get("BENCH_REUSE") == "1" else None
    made = made or build_dataset(sf)
    steps = " · ".join(f"{name} {took:.1f} s" for name, took in made["timings"].items())
    print(
        f"scale factor {sf} on {connection.vendor}: {made['villages']:,} villages, {made['teams']:,} teams, "
        f"{made['people']:,} people, {made['entries']:,} entries; {made['rollup_rows']:,} village and "
        f"{made['area_rollup_rows']:,} commune/province rollup rows ({steps})"
    )
    raw_sql = RAW_SQL if connection.vendor == "postgresql" else RAW_SQL_SQLITE
    province, country = Area.objects.get(ident="14"), Area.objects.get(ident="VN")
    cases = [
        ("province, ten years", province, date(2016, 1, 1), date(2025, 12, 31), 0.1),
        ("country, one year", country, date(2025, 1, 1), date(2025, 12, 31), 0.5),
    ]
    askers = {
        province.pk: _asker("bench-province", "province_staff", province),
        country.pk: _asker("bench-national", "system_admin", country),
    }
    for name, area, start, end, target in cases:
        actor = askers[area.pk]

        def engine(area: Any = area, start: date = start, end: date = end, actor: Actor = actor) -> Any:
            return compute(actor=actor, area=area, start=start, end=end)

        def engine_six(area: Any = area, start: date = start, end: date = end, actor: Actor = actor) -> Any:
            return compute(actor=actor, area=area, start=start, end=end, codes=HAND_CODES)

        engine_s, figures = timed(engine)
        six_s, six = timed(engine_six)
        # Memory is traced in a separate run: tracing slows Python several times over.
        tracemalloc.start()
        engine()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

        def raw(area: Any = area, start: date = start, end: date = end) -> Any:
            with connection.cursor() as cur:
                cur.execute(raw_sql, [area.path + "%", start, end])
                return cur.fetchone()

        def rolled(area: Any = area, start: date = start, end: date = end) -> Any:
            with connection.cursor() as cur:
                cur.execute(ROLLUP_SQL, [area.path + "%", start.replace(day=1), end])
                return dict(cur.fetchall())

        print("    per provider: " + _per_provider(actor, area, start, end))

        def teams(area: Any = area, end: date = end) -> Any:
            with connection.cursor() as cur:
                cur.execute(TEAMS_SQL, [area.path + "%", end, end, end])
                return cur.fetchone()

        def kept(area: Any = area, end: date = end) -> Any:
            with connection.cursor() as cur:
                cur.execute(STOCK_SQL, [area.pk, end])
                return cur.fetchone()

        raw_s, _ = timed(raw)
        rolled_s, _ = timed(rolled)
        teams_s, _ = timed(teams)
        kept_s, from_stocks = timed(kept)
        hand = by_hand(area, start, end)
        agree = all(figures["indicators"][code] == hand[code] for code in HAND_CODES)
        agree = agree and six["indicators"] == {code: hand[code] for code in HAND_CODES}
        agree = agree and list(from_stocks) == [hand["teams.active"], hand["teams.members"]]
        # The best hand-written way to the same numbers: the faster journal query plus the
        # faster registry one, each over raw tables or the engine's own totals.
        best = min(raw_s, rolled_s) + min(teams_s, kept_s)
        report(f"engine: {name} (all indicators)", engine_s, target)
        print(
            f"    hand SQL journal raw {raw_s * 1000:.1f} ms · journal rollups {rolled_s * 1000:.1f} ms · "
            f"registry raw {teams_s * 1000:.1f} ms · registry stocks {kept_s * 1000:.1f} ms · "
            f"best {best * 1000:.1f} ms · all indicators/best {engine_s / best:.2f}× · "
            f"peak {peak / 1e6:.1f} MB · engine equals SQL: {agree}"
        )
        # The same numbers both ways: the engine asked for the six figures the hand-written
        # SQL gives, against the best hand-written way to them (target: within 1.5×).
        report(f"engine, same six figures as hand SQL: {name}", six_s, 1.5 * best)
        print(f"    engine/best {six_s / best:.2f}× (target 1.5×)")
        _report_by_child(report, name, actor, area, start, end, target)
    for name, area in (("province by its communes", province), ("country by its provinces", country)):
        _breakdown(report, name, askers[area.pk], area, date(2016, 1, 1), date(2025, 12, 31))
    if "rollups" in made["timings"]:
        rollups_s, stocks_s = made["timings"]["rollups"], made["timings"]["stocks"]
        report("rebuild: rollups and stocks (tuquan rollups --rebuild)", rollups_s + stocks_s, 600.0)
        print(f"    rollups {rollups_s:.1f} s · stocks {stocks_s:.1f} s (target at SF1: 10 minutes in all)")
    _writes(report, province)


# HAND_CODES for each child area straight from the raw tables: entries by the child their
# village lies in, teams active on the last day (their latest status change) and the
# distinct people on their rosters that day, by the child their linked area lies in.
BY_CHILD_JOURNAL_SQL = """
SELECT v.{child}, SUM(CASE WHEN e.kind = 'patrol' THEN 1 ELSE 0 END), COALESCE(SUM(e.member_turns), 0),
       SUM(CASE WHEN e.kind = 'tip' THEN 1 ELSE 0 END), COALESCE(SUM(e.suspects), 0)
FROM journal_entry e JOIN core_area v ON v.id = e.village_id
WHERE v.path LIKE %s AND e.occurred_on BETWEEN %s AND %s
GROUP BY v.{child}
"""
BY_CHILD_TEAMS_SQL = """
WITH active AS (
  SELECT DISTINCT {child} AS child, l.team_id FROM registry_teamarea l JOIN core_area a ON a.id = l.area_id
  WHERE a.path LIKE %s AND (
    SELECT s.status FROM registry_teamstatuschange s WHERE s.team_id = l.team_id AND s."on" <= %s
    ORDER BY s."on" DESC, s.id DESC LIMIT 1) IN ('active', 'weak')
)
SELECT t.child, t.n, COALESCE(m.n, 0) FROM (SELECT child, COUNT(*) AS n FROM active GROUP BY child) t
LEFT JOIN (
  SELECT active.child, COUNT(DISTINCT m.person_id) AS n FROM registry_membership m
  JOIN active ON active.team_id = m.team_id
  WHERE m.start_on <= %s AND (m.end_on IS NULL OR m.end_on >= %s) GROUP BY active.child
) m ON m.child = t.child
"""


def by_child_by_hand(area: Any, start: date, end: date) -> dict[int, dict[str, int]]:
    """HAND_CODES of each child of a province (its communes) or of the country (its provinces),
    over the raw entries and registry tables, as someone would write them without the engine."""
    from django.db import connection

    journal_child = "parent_id" if area.level == "province" else "province_id"
    # A team's linked area is a village or a commune; its child is that commune or province.
    team_child = (
        "CASE WHEN a.level = 'village' THEN a.parent_id ELSE a.id END"
        if area.level == "province"
        else "a.province_id"
    )
    found: dict[int, dict[str, int]] = {}
    with connection.cursor() as cur:
        cur.execute(BY_CHILD_JOURNAL_SQL.format(child=journal_child), [area.path + "%", start, end])
        for child, *values in cur.fetchall():
            found.setdefault(child, dict.fromkeys(HAND_CODES, 0)).update(
                zip(HAND_CODES[:4], map(int, values), strict=True)
            )
        cur.execute(BY_CHILD_TEAMS_SQL.format(child=team_child), [area.path + "%", end, end, end])
        for child, teams, members in cur.fetchall():
            found.setdefault(child, dict.fromkeys(HAND_CODES, 0)).update(
                {"teams.active": teams, "teams.members": members}
            )
    return found


def _breakdown(report: Any, name: str, actor: Actor, area: Any, start: date, end: date) -> None:
    """An area by its children over ten years (target 100 ms): the engine asked for the six
    figures the hand-written SQL over the raw tables gives, beside that SQL, then every
    indicator of every child."""
    from tuquan.core.indicators import compute_children
    from tuquan.reports.engine import children

    kids = children(actor, area)
    ids = {kid.ident: kid.pk for kid in kids}

    def six() -> Any:
        return compute_children(actor=actor, areas=kids, start=start, end=end, codes=HAND_CODES)

    def every() -> Any:
        return compute_children(actor=actor, areas=kids, start=start, end=end)

    six_s, figures = timed(six)
    hand_s, hand = timed(lambda: by_child_by_hand(area, start, end), repeat=1, budget=0)
    every_s, _ = timed(every)
    empty = dict.fromkeys(HAND_CODES, 0)
    agree = all(
        {code: figures[ident]["indicators"][code] for code in HAND_CODES} == hand.get(pk, empty)
        for ident, pk in ids.items()
    )
    label = f"{name} ({len(kids)}), ten years"
    report(f"breakdown, same six figures: {label}", six_s, 0.1)
    print(
        f"    hand SQL over the raw tables {hand_s * 1000:.1f} ms · engine/hand SQL {six_s / hand_s:.3f}× · "
        f"engine equals SQL: {agree}"
    )
    report(f"breakdown, all indicators: {label}", every_s, 0.1)


def _writes(report: Any, province: Any) -> None:
    """What a write costs with the stocks kept in its transaction (each undone afterwards):
    a team turning weak, a member leaving, an officer reviewing an entry."""
    from django.db import transaction

    from tuquan.core.actors import CONSOLE
    from tuquan.journal import services as journal
    from tuquan.journal.models import Entry
    from tuquan.registry import services
    from tuquan.registry.models import Membership, Team

    team = Team.objects.filter(status="active", areas__path__startswith=province.path).order_by("pk").first()
    if team is None:
        return
    member = Membership.objects.filter(team=team, end_on__isnull=True).order_by("pk").first()
    entry = Entry.objects.filter(team=team).order_by("-occurred_on", "pk").first()
    writes: list[tuple[str, Any]] = [
        (
            "team turns weak",
            lambda: services.team_set_status(
                actor=CONSOLE, team=team, status="weak", on=date(2025, 6, 1), reason="bench"
            ),
        ),
    ]
    if member is not None:
        writes.append(
            (
                "member leaves",
                lambda: services.membership_end(actor=CONSOLE, membership=member, end_on=date(2025, 6, 1)),
            )
        )
    if entry is not None:
        # Verified, or (as the synthetic ones are) returned: the team's paper-only days move.
        verdict = "returned" if entry.status == "verified" else "verified"
        writes.append(
            (
                "entry reviewed",
                lambda: journal.entry_review(actor=CONSOLE, entry=entry, verdict=verdict, comment="bench"),
            )
        )
    for name, write in writes:
        best = float("inf")
        for _ in range(3):
            with transaction.atomic():
                began = time.perf_counter()
                write()
                best = min(best, time.perf_counter() - began)
                transaction.set_rollback(True)
            team.refresh_from_db()
        report(f"write with stocks kept: {name}", best, 1.0)


def _report_by_child(
    report: Any, name: str, actor: Actor, area: Any, start: date, end: date, target: float
) -> None:
    """The whole report as the web and `tuquan report --by child` make it: the area, every
    child area, the previous period and the same period a year before."""
    from tuquan.reports.engine import build

    took, made = timed(lambda: build(actor=actor, area=area, start=start, end=end, by=["child"]), repeat=2)
    report(f"report by child ({len(made['breakdowns']['child'])} areas): {name}", took, target)
