"""`tuquan rollups --rebuild` (rollups and stocks, set-based in the database) gives back
exactly what the writes kept, row for row, and the figures read from them do not move."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute
from tuquan.journal import rollups, services
from tuquan.journal.models import AreaRollup, AreaYearRollup, Entry, Rollup
from tuquan.journal.tests.test_journal import scattered_entries
from tuquan.registry import stocks
from tuquan.registry.models import Stock
from tuquan.registry.services import model_type_update
from tuquan.registry.tests.test_stocks import history

pytestmark = pytest.mark.django_db


def kept() -> dict[str, set[tuple[Any, ...]]]:
    """Every precomputed row, without ids (a rebuild numbers them afresh); stocks as their
    non-zero sums per key (a write may leave a change it later cancelled as a zero row)."""
    stock: dict[tuple[Any, ...], int] = {}
    for area, code, model_type, day, delta in Stock.objects.values_list(
        "area_id", "code", "model_type", "day", "delta"
    ):
        stock[(area, code, model_type, day)] = stock.get((area, code, model_type, day), 0) + delta
    return {
        "villages": set(
            Rollup.objects.values_list(
                "village_id", "commune_id", "province_id", "type_id", "month", "code", "approved", "value"
            )
        ),
        "months": set(
            AreaRollup.objects.values_list("area_id", "month", "type_id", "code", "approved", "value")
        ),
        "years": set(
            AreaYearRollup.objects.values_list("area_id", "year", "type_id", "code", "approved", "value")
        ),
        "stocks": {(*key, n) for key, n in stock.items() if n},
    }


def a_commune_with_years_of_history(world: Any) -> None:
    """A journal over two years (entries of several kinds, one with a type's own indicator,
    some verified and a month approved, another approved then reopened), then memberships,
    statuses, the statutory force, moves and a merge (the stocks' history)."""
    model_type_update(
        actor=CONSOLE,
        model_type=world.team.type,
        extra_indicators=[{"code": "cameras", "label": "Số camera", "unit": "cái"}],
    )
    world.team.type.refresh_from_db()
    scattered_entries(world, random.Random(22), 40, days=700)
    month = timezone.localdate().replace(day=1) - timedelta(days=40)
    services.entry_record(
        actor=CONSOLE,
        team=world.team,
        village=world.village,
        kind="patrol",
        occurred_on=month,
        participants=[world.person],
        member_turns=1,
        extra={"cameras": 3},
        confirm=True,
    )
    approved = month.replace(day=1)
    earlier = (approved - timedelta(days=1)).replace(day=1)
    for entry in Entry.objects.filter(village=world.village, occurred_on__gte=earlier, status="submitted"):
        services.entry_review(actor=CONSOLE, entry=entry, verdict="verified")
    services.month_approve(actor=CONSOLE, village=world.village, month=approved)
    services.month_approve(actor=CONSOLE, village=world.village, month=earlier)
    services.month_reopen(actor=CONSOLE, village=world.village, month=earlier, reason="Sửa số lượt")
    for _name, step in history(world):
        step()


def figures(world: Any) -> list[dict[str, Any]]:
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    asked = []
    for area in (world.commune, world.commune.parent, world.commune.parent.parent):
        for start in (date(end.year - 2, 1, 1), date(end.year, 1, 1), end.replace(day=1)):
            asked.append(compute(actor=CONSOLE, area=area, start=start, end=end)["indicators"])
    return asked


def test_a_rebuild_gives_back_exactly_what_the_writes_kept(world: Any) -> None:
    a_commune_with_years_of_history(world)
    before, shown = kept(), figures(world)
    assert before["years"] and any(row[3].startswith(rollups.EXTRA) for row in before["months"])
    assert any(row[4] for row in before["months"]) and any(
        row[1].startswith(stocks.FORCE) for row in before["stocks"]
    )
    call_command("rollups", rebuild=True, stdout=io.StringIO())
    assert kept() == before
    assert figures(world) == shown
    assert rollups.verify() == [] and stocks.verify() == []
