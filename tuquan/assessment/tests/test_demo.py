"""The demo province: a full round (proposal → approval) gives its ratios in `tuquan
indicators`, and the paper-only list names exactly the demo teams without verified activity."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from tuquan.assessment.demo import demo_year, load_assessment_demo
from tuquan.assessment.indicators import PAPER_ONLY_MONTHS, paper_only_teams
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, Level


def test_the_demo_round_gives_its_ratios_and_the_paper_only_teams(db: Any) -> None:
    from tuquan.core.demo import load_demo
    from tuquan.journal.demo import load_journal_demo
    from tuquan.journal.models import Entry, EntryStatus
    from tuquan.registry.demo import load_registry_demo
    from tuquan.registry.selectors import active_team_ids_on

    load_demo()
    load_registry_demo()
    load_journal_demo()
    load_assessment_demo()
    from tuquan.registry import stocks

    assert stocks.verify() == []  # every demo write went through the services that keep them
    year = demo_year()
    villages = Area.objects.filter(parent__ident="04099", level=Level.VILLAGE, valid_to__isnull=True).count()
    out = io.StringIO()
    call_command(
        "indicators",
        area="14",
        start=f"{year}-01-01",
        end=f"{year}-12-31",
        format="json",
        stdout=out,
    )
    figures = json.loads(out.getvalue())["indicators"]
    assert figures["assessment.units"] == villages
    met = figures["assessment.met"]
    assert met["denominator"] == villages and met["numerator"] <= villages
    assert figures["assessment.met.by_kind"]["residential"] == met
    assert figures["hotspots.transformed"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    assert figures["rating.teams.by_level"]["good"] == 1

    from tuquan.registry.models import Team

    graded = Team.objects.filter(type__is_statutory=False, status__in=["active", "weak"]).count()
    last = timezone.localdate().year - 1
    out = io.StringIO()
    call_command(
        "indicators", area="14", start=f"{last}-01-01", end=f"{last}-12-31", format="json", stdout=out
    )
    grades = json.loads(out.getvalue())["indicators"]
    assert graded and sum(grades[f"teams.grade.{g}"] for g in ("good", "fair", "average", "weak")) == graded

    today = timezone.localdate()
    since = today - timedelta(days=PAPER_ONLY_MONTHS * 30)
    province = Area.objects.get(ident="14")
    verified = set(
        Entry.objects.filter(status=EntryStatus.VERIFIED, occurred_on__gt=since).values_list(
            "team", flat=True
        )
    )
    expected = {
        t.name
        for t in active_team_ids_on(today)
        if t.pk not in verified and (t.established_on is None or t.established_on <= since)
    }
    names = {t.name for t in paper_only_teams(CONSOLE, province, today)}
    assert names == expected
    assert "Tổ bảo vệ ANTT bản Nà Khoang" not in names  # it patrols every week, verified
    assert names, "the demo has teams that exist only on paper"
    assert date(year, 10, 31) <= today
