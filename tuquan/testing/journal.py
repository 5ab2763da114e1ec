"""Journal entries for tests, recorded through the service as the team's leader would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone


def last_month_day(days_before_the_first: int = 2) -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=days_before_the_first)


def record_patrols(world: Any, count: int, *, day: date | None = None, actor: Any = None) -> list[Any]:
    """`count` one-person patrols of linh's team in Bản Nà Khoang on the days before `day`
    (by default in last month), recorded by `actor` (linh)."""
    from tuquan.journal import services

    day = day or last_month_day()
    return [
        services.entry_record(
            actor=actor or world.linh,
            team=world.team,
            village=world.village,
            kind="patrol",
            occurred_on=day - timedelta(days=n),
            participants=[world.person],
            member_turns=1,
        )
        for n in range(count)
    ]


def month_entries(world: Any, month: date) -> QuerySet[Any]:
    """The entries of Bản Nà Khoang in the month starting on `month`."""
    from tuquan.journal.models import Entry
    from tuquan.journal.periods import next_month

    return Entry.objects.filter(
        village=world.village, occurred_on__gte=month, occurred_on__lt=next_month(month)
    )
