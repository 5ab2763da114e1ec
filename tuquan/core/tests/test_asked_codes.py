"""Asking for a few indicator codes gives the same values as asking for all, with less work."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import PROVIDERS, Query, UnknownIndicator, compute, compute_children, owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> None:
    from tuquan.assessment.demo import load_assessment_demo
    from tuquan.care.demo import load_care_demo
    from tuquan.core.demo import load_demo
    from tuquan.journal.demo import load_journal_demo
    from tuquan.registry.demo import load_registry_demo

    load_demo()
    load_registry_demo()
    load_journal_demo()
    load_assessment_demo()
    load_care_demo()


def askers() -> list[tuple[Any, Any]]:
    """Who asks about what: the console for the country, province staff for their province
    and one of its communes (figures from the kept totals), a commune officer for a village
    (figures counted from the rosters and entries)."""
    from tuquan.conftest import make_user
    from tuquan.core.models import Area

    province, commune = Area.objects.get(ident="14"), Area.objects.get(ident="04099")
    staff = make_user("tam", "province_staff", province)
    officer = make_user("hung", "commune_officer", commune)
    from django.db.models import Count

    from tuquan.journal.models import Entry

    busiest = (
        Entry.objects.filter(village__parent=commune)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by("-n", "village_id")
        .first()
    )
    assert busiest is not None
    village = Area.objects.get(pk=busiest["village_id"])
    return [
        (CONSOLE, Area.objects.get(ident="VN")),
        (staff, province),
        (staff, commune),
        (officer, village),
    ]


def test_each_code_asked_alone_equals_its_value_among_all(demo: None) -> None:
    # A year ending yesterday: partial months at both ends, so edge entries are read too.
    end = timezone.localdate() - timedelta(days=1)
    start = end - timedelta(days=365)
    for actor, area in askers():
        every = compute(actor=actor, area=area, start=start, end=end)
        assert every["indicators"]["patrols.count"] > 0, area.ident
        for code, value in every["indicators"].items():
            alone = compute(actor=actor, area=area, start=start, end=end, codes=[code])
            assert alone["indicators"] == {code: value}, (area.ident, code)
            if code in every["notes"]:
                assert alone["notes"][code] == every["notes"][code], (area.ident, code)
            assert set(alone["notes"]) <= set(every["notes"]), (area.ident, code)


def test_a_few_codes_for_a_provinces_communes_equal_each_computed_alone(demo: None) -> None:
    from tuquan.core.models import Area
    from tuquan.reports import engine

    province = Area.objects.get(ident="14")
    kids = engine.children(CONSOLE, province)
    end = timezone.localdate() - timedelta(days=1)
    codes = ["patrols.count", "reporting.completeness", "teams.active.by_type", "coverage.villages"]
    together = compute_children(actor=CONSOLE, areas=kids, start=date(end.year, 1, 1), end=end, codes=codes)
    for kid in kids:
        alone = compute(actor=CONSOLE, area=kid, start=date(end.year, 1, 1), end=end)["indicators"]
        assert together[kid.ident]["indicators"] == {c: alone[c] for c in codes}, kid.ident


def test_every_code_belongs_to_the_provider_that_gives_it(world: Any) -> None:
    from tuquan.core.models import Area

    end = timezone.localdate()
    query = Query(actor=CONSOLE, area=Area.objects.get(ident="14"), start=end - timedelta(days=365), end=end)
    for fn in PROVIDERS:
        for code in fn(query):
            assert owner(code) == fn.__module__, code


def test_asking_two_codes_reads_far_less_than_asking_all(world: Any) -> None:
    end = timezone.localdate() - timedelta(days=1)
    period = {"actor": world.charlie, "area": world.province, "start": date(end.year - 1, 1, 1), "end": end}
    with CaptureQueriesContext(connection) as every:
        compute(**period)
    with CaptureQueriesContext(connection) as two:
        compute(**period, codes=["patrols.count", "teams.active"])
    # The journal's rollups, the last month's entries and unapproved ones (the period ends
    # inside a month), the officers' period totals; the registry's kept stocks and types.
    assert len(two) <= 6 < len(every), "\n".join(q["sql"][:300] for q in two)


def test_an_unknown_code_is_refused_in_vietnamese(world: Any) -> None:
    from tuquan.core.models import Area

    with pytest.raises(UnknownIndicator, match=r"Không có mã chỉ tiêu: teams\.flying"):
        compute(
            actor=CONSOLE,
            area=Area.objects.get(ident="14"),
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            codes=["teams.active", "teams.flying"],
        )
    with pytest.raises(CommandError, match=r"teams\.flying"):
        call_command(
            "indicators",
            "--area",
            "14",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--codes",
            "teams.flying",
        )


def test_the_command_the_report_and_the_api_give_the_asked_codes(world: Any) -> None:
    args = ["--area", "14", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json"]
    out = io.StringIO()
    call_command("indicators", *args, "--codes", "patrols.count,teams.active", stdout=out)
    figures = json.loads(out.getvalue())
    assert set(figures["indicators"]) == {"patrols.count", "teams.active"}
    out = io.StringIO()
    call_command("report", *args, "--codes", "patrols.count,teams.active", stdout=out)
    report = json.loads(out.getvalue())
    assert report["indicators"] == figures["indicators"]
    assert all(
        set(part) == {"patrols.count", "teams.active"} for part in report["breakdowns"]["child"].values()
    )
    assert set(report["comparison"]["previous"]["indicators"]) == {"patrols.count", "teams.active"}

    client = Client()
    client.force_login(world.charlie)
    url = "/api/v1/indicators?area=14&from=2025-01-01&to=2025-12-31"
    answer = client.get(url + "&codes=patrols.count,teams.active").json()
    assert answer["indicators"] == figures["indicators"]
    refused = client.get(url + "&codes=teams.flying")
    assert refused.status_code == 422 and "teams.flying" in refused.content.decode()
