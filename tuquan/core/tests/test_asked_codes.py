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


def askers() -> list[tuple[Any, Any]]:
    """Who asks about what: the console for the country, province staff for their province
    and one of its communes (figures from the kept totals), a commune officer for a village
    and for the whole province, of which they see a part (figures counted from the rosters
    and entries), a team member for their commune (their own team's part of it)."""
    from django.db.models import Count

    from tuquan.accounts.models import User
    from tuquan.conftest import make_user
    from tuquan.core.models import Area
    from tuquan.journal.models import Entry

    province, commune = Area.objects.get(ident="14"), Area.objects.get(ident="04099")
    staff = make_user("tam", "province_staff", province)
    officer = make_user("hung", "commune_officer", commune)
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
        (officer, province),
        (User.objects.get(username="tv"), commune),
    ]


def old_totals() -> None:
    """Period totals entered for 2018 at a pre-2025 commune and district of the province."""
    from decimal import Decimal

    from tuquan.core.models import Area
    from tuquan.journal import services as journal

    for ident, value in (("legacy:04078", 7), ("legacy:121", 5)):
        journal.aggregate_record(
            actor=CONSOLE,
            area=Area.objects.get(ident=ident),
            indicator="tips.count",
            period_kind="year",
            period_start=date(2018, 1, 1),
            value=Decimal(value),
        )


# One case per asker (each compares about 90 codes, two periods, two filters).
@pytest.mark.parametrize(
    "asker",
    range(6),
    ids=[
        "console-country",
        "staff-province",
        "staff-commune",
        "officer-village",
        "officer-province",
        "member-commune",
    ],
)
def test_each_code_asked_alone_equals_its_value_among_all(demo: None, asker: int) -> None:
    from tuquan.core.indicators import explaining
    from tuquan.registry.models import ModelType

    old_totals()
    end = timezone.localdate() - timedelta(days=1)
    # A year with partial months at both ends (edge entries are read too), and 2018 to now
    # (the period totals count, and their notes).
    periods = [(end - timedelta(days=365), end), (date(2018, 1, 1), end)]
    some_type = ModelType.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)[0]
    filters: list[dict[str, Any]] = [{}, {"approved_only": True, "type_code": some_type}]
    actor, area = askers()[asker]
    for start, end in periods:
        for kw in filters:
            every = compute(actor=actor, area=area, start=start, end=end, **kw)
            if not kw:
                assert every["indicators"]["patrols.count"] > 0, area.ident
            for code, value in every["indicators"].items():
                alone = compute(actor=actor, area=area, start=start, end=end, codes=[code], **kw)
                where = (area.ident, start, kw, code)
                assert alone["indicators"] == {code: value}, where
                # The notes that explain the code come with it, word for word; no other
                # note is made up.
                for key in explaining(frozenset([code])) & set(every["notes"]):
                    assert alone["notes"].get(key) == every["notes"][key], (*where, key)
                assert all(every["notes"].get(k) == n for k, n in alone["notes"].items()), where


def test_a_code_asked_alone_keeps_the_note_that_explains_it(world: Any) -> None:
    from tuquan.conftest import make_user

    # A team member may not read households: their zero households comes with the reason.
    member = make_user("vien", "team_member", world.commune)
    period = {"actor": member, "area": world.commune, "start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    reason = compute(**period)["notes"]["households.covered"]
    for code in ("coverage.households", "commitments.signed", "commitments.signed.by_type"):
        assert compute(**period, codes=[code])["notes"]["households.covered"] == reason, code
    status = compute(**period, codes=["teams.active.by_type"])["notes"]
    assert "lịch sử tình trạng" in status["teams.active"]


def test_each_code_asked_alone_for_a_provinces_communes_equals_its_value_among_all(demo: None) -> None:
    from tuquan.core.models import Area
    from tuquan.reports import engine

    old_totals()
    province = Area.objects.get(ident="14")
    kids = engine.children(CONSOLE, province)
    end = timezone.localdate() - timedelta(days=1)
    period: dict[str, Any] = {"actor": CONSOLE, "areas": kids, "start": date(2018, 1, 1), "end": end}
    every = compute_children(**period)
    codes = sorted({code for part in every.values() for code in part["indicators"]})
    for code in codes:
        alone = compute_children(**period, codes=[code])
        for kid in kids:
            assert alone[kid.ident]["indicators"] == {code: every[kid.ident]["indicators"][code]}, (kid, code)
    few = ["patrols.count", "reporting.completeness", "teams.active.by_type", "coverage.villages"]
    together = compute_children(**period, codes=few)
    for kid in kids:
        assert together[kid.ident]["indicators"] == {c: every[kid.ident]["indicators"][c] for c in few}


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
    # A breakdown the code does not have, a model type's indicator no type defines, nothing.
    for wrong in (["teams.weak.by_type"], ["patrols.count.by_type"], ["extra.nope"], ["extra."], [" ", ""]):
        with pytest.raises(UnknownIndicator):
            compute(
                actor=CONSOLE,
                area=Area.objects.get(ident="14"),
                start=date(2025, 1, 1),
                end=date(2025, 12, 31),
                codes=wrong,
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
    assert client.get(url + "&codes=").status_code == 422
    # The official report's contents are fixed: no choice of figures there.
    with pytest.raises(CommandError, match="--codes"):
        call_command("report", *args[:6], "--format", "docx", "-o", "/dev/null", "--codes", "teams.active")
