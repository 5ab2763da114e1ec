"""Synthetic data at a scale factor, and the report engine timed against hand-written SQL.

SF1 would be 100,000 villages, 600,000 teams and 20 million journal entries over ten years
(the issue's national scale). `BENCH_SF` sets the factor (default 0.01 here: 1,000 villages,
6,000 teams, 200,000 entries), spread over every commune of the country.
"""

from __future__ import annotations

import os
import random
import time
import tracemalloc
from datetime import date, timedelta
from typing import Any

PER_VILLAGE_TEAMS = 6
PER_VILLAGE_ENTRIES = 200
KINDS = ["patrol", "meeting", "tip", "mediation", "arrest", "awareness"]


def build_dataset(sf: float) -> dict[str, Any]:
    from django.db import transaction

    from tuquan.core.models import Area, Level
    from tuquan.journal import rollups
    from tuquan.journal.models import Entry
    from tuquan.registry.models import ModelType, Team, TeamArea, TeamStatusChange

    rng = random.Random(1)
    villages_wanted = max(34, int(100_000 * sf))
    communes = list(Area.objects.filter(level=Level.COMMUNE).order_by("ident"))
    types = list(
        ModelType.objects.filter(kind="team", is_statutory=False).order_by("code")[:PER_VILLAGE_TEAMS]
    )
    start = date(2016, 1, 1)
    with transaction.atomic():
        villages = []
        for n in range(villages_wanted):
            commune = communes[n % len(communes)]
            number = 1000 + n // len(communes)
            ident = f"{commune.code}.{number}"
            villages.append(
                Area(
                    ident=ident,
                    level=Level.VILLAGE,
                    kind="Bản",
                    name=f"Bản {number}",
                    short_name=str(number),
                    search_name=str(number),
                    parent=commune,
                    path=f"{commune.path}{ident}/",
                    province_id=commune.province_id,
                    number=number,
                )
            )
        Area.objects.bulk_create(villages, batch_size=2000)
        teams, links, history = [], [], []
        for v in villages:
            for t in types:
                teams.append(
                    Team(
                        type=t,
                        name=f"{t.short_name} {v.ident}",
                        search_name="",
                        home_area=v.parent,
                        status="active",
                        established_on=start,
                    )
                )
        Team.objects.bulk_create(teams, batch_size=2000)
        for i, team in enumerate(teams):
            links.append(TeamArea(team=team, area=villages[i // len(types)]))
            history.append(TeamStatusChange(team=team, status="active", on=start))
        TeamArea.objects.bulk_create(links, batch_size=5000)
        TeamStatusChange.objects.bulk_create(history, batch_size=5000)
        entries = []
        days = (date(2025, 12, 31) - start).days
        for i, v in enumerate(villages):
            for _ in range(PER_VILLAGE_ENTRIES):
                kind = rng.choice(KINDS)
                entries.append(
                    Entry(
                        team=teams[i * len(types) + rng.randrange(len(types))],
                        village=v,
                        kind=kind,
                        occurred_on=start + timedelta(days=rng.randrange(days)),
                        member_turns=rng.randint(2, 6) if kind == "patrol" else None,
                        cases=1 if kind == "arrest" else None,
                        suspects=rng.randint(1, 3) if kind == "arrest" else None,
                        outcome="reconciled" if kind == "mediation" else "",
                        tip_category="drugs" if kind == "tip" else "",
                        status="verified",
                    )
                )
            if len(entries) >= 20_000:
                Entry.objects.bulk_create(entries, batch_size=5000)
                entries = []
        Entry.objects.bulk_create(entries, batch_size=5000)
    began = time.perf_counter()
    rows = rollups.rebuild()
    return {
        "villages": len(villages),
        "teams": len(teams),
        "entries": len(villages) * PER_VILLAGE_ENTRIES,
        "rollup_rows": rows,
        "rollup_seconds": time.perf_counter() - began,
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
SELECT r.code, SUM(r.value) FROM journal_rollup r JOIN core_area v ON v.id = r.village_id
WHERE v.path LIKE %s AND r.month BETWEEN %s AND %s
  AND r.code IN ('patrols.count', 'patrols.member_turns', 'tips.count', 'arrests.suspects')
GROUP BY r.code
"""


def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - began)
    return best, result


def run(report: Any) -> None:
    from django.db import connection

    from tuquan.core.actors import CONSOLE
    from tuquan.core.indicators import compute
    from tuquan.core.models import Area

    sf = float(os.environ.get("BENCH_SF", "0.01"))
    made = build_dataset(sf)
    print(
        f"scale factor {sf}: {made['villages']:,} villages, {made['teams']:,} teams, {made['entries']:,} entries; "
        f"{made['rollup_rows']:,} rollup rows built in {made['rollup_seconds']:.1f} s"
    )
    raw_sql = RAW_SQL if connection.vendor == "postgresql" else RAW_SQL_SQLITE
    cases = [
        ("province, ten years", Area.objects.get(ident="14"), date(2016, 1, 1), date(2025, 12, 31), 0.1),
        ("country, one year", Area.objects.get(ident="VN"), date(2025, 1, 1), date(2025, 12, 31), 0.5),
    ]
    for name, area, start, end, target in cases:

        def engine(area: Any = area, start: date = start, end: date = end) -> Any:
            return compute(actor=CONSOLE, area=area, start=start, end=end)

        engine_s, figures = timed(engine)
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

        raw_s, raw_result = timed(raw)
        rolled_s, _ = timed(rolled)
        ind = figures["indicators"]
        agree = (
            ind["patrols.count"],
            ind["patrols.member_turns"],
            ind["tips.count"],
            ind["arrests.suspects"],
        ) == tuple(int(x or 0) for x in raw_result)
        best = min(raw_s, rolled_s)
        report(f"engine: {name} (all indicators)", engine_s, target)
        print(
            f"    hand SQL raw {raw_s * 1000:.1f} ms · hand SQL rollups {rolled_s * 1000:.1f} ms · "
            f"engine/best {engine_s / best:.1f}× · peak {peak / 1e6:.1f} MB · engine equals SQL: {agree}"
        )
