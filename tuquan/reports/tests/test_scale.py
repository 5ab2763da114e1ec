"""The benchmark's synthetic national dataset at a tiny scale: the engine gives what the
hand-written SQL over the raw tables (and over its kept stocks) gives, the rollups and
stocks verify, and a breakdown by child area read at once equals each child on its own
(CI runs this on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from tuquan import bench_scale
from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute, compute_children
from tuquan.core.models import Area
from tuquan.journal import rollups
from tuquan.registry import stocks
from tuquan.reports.engine import children

pytestmark = pytest.mark.django_db


def test_the_engine_equals_hand_written_sql_on_a_tiny_national_dataset(db: Any) -> None:
    made = bench_scale.build_dataset(0.0005)
    assert made["entries"] == made["villages"] * bench_scale.PER_VILLAGE_ENTRIES > 0
    assert rollups.verify() == []
    assert stocks.verify() == []
    # At this scale the villages fill the first fifty communes: their province has data.
    first = Area.objects.filter(level="village").order_by("ident").select_related("province").first()
    assert first is not None and first.province is not None
    province, country = first.province, Area.objects.get(ident="VN")
    for area, start, end in (
        (province, date(2016, 1, 1), date(2025, 12, 31)),
        (country, date(2025, 1, 1), date(2025, 12, 31)),
        (province, date(2019, 3, 17), date(2021, 8, 9)),
    ):
        figures = compute(actor=CONSOLE, area=area, start=start, end=end)["indicators"]
        hand = bench_scale.by_hand(area, start, end)
        assert {code: figures[code] for code in bench_scale.HAND_CODES} == hand, (area.ident, start, end)
        # The benchmark's like-for-like case: the engine asked for just those figures.
        six = compute(actor=CONSOLE, area=area, start=start, end=end, codes=bench_scale.HAND_CODES)
        assert six["indicators"] == hand, (area.ident, start, end)
        assert hand["patrols.count"] > 0 and hand["teams.members"] > 0
        with connection.cursor() as cur:
            cur.execute(bench_scale.STOCK_SQL, [area.pk, end])
            assert list(cur.fetchone()) == [hand["teams.active"], hand["teams.members"]]
        completeness = figures["reporting.completeness"]
        assert 0 < completeness["numerator"] <= completeness["denominator"]
    kids = children(CONSOLE, province)
    together = compute_children(actor=CONSOLE, areas=kids, start=date(2016, 1, 1), end=date(2025, 12, 31))
    for kid in kids[:10]:
        assert together[kid.ident] == compute(
            actor=CONSOLE, area=kid, start=date(2016, 1, 1), end=date(2025, 12, 31)
        )
    assert (
        sum(part["indicators"]["patrols.count"] for part in together.values())
        == compute(actor=CONSOLE, area=province, start=date(2016, 1, 1), end=date(2025, 12, 31))[
            "indicators"
        ]["patrols.count"]
    )
    # The benchmark's writes run through the services with the stocks kept, then are undone.
    timed: list[Any] = []
    bench_scale._writes(lambda *args: timed.append(args), province)
    assert [name for name, _took, _target in timed] == [
        "write with stocks kept: team turns weak",
        "write with stocks kept: member leaves",
        "write with stocks kept: entry reviewed",
    ]
    assert stocks.verify() == []
