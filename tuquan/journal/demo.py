"""A year of journal entries for the demo teams, the older months verified and approved."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.journal import selectors, services
from tuquan.journal.models import Entry
from tuquan.journal.selectors import active_members
from tuquan.registry.models import Team


def load_journal_demo() -> int:
    if Entry.objects.exists():
        return 0
    rng = random.Random(2025)  # the same demo every time
    today = timezone.localdate()
    first = services.month_start(today - timedelta(days=365))
    teams = {
        t.name: t
        for t in Team.objects.filter(
            name__in=[
                "Tổ bảo vệ ANTT bản Nà Khoang",
                "Tổ tuần tra nhân dân bản Pá Sàng",
                "Nhóm liên gia tự quản số 1 bản Nà Khoang",
            ]
        )
    }
    created = 0
    with transaction.atomic():
        for team in teams.values():
            villages = selectors.team_villages(team)
            kinds = team.type.journal_kinds
            day = first
            while day < today:
                members = active_members(team, day)
                village = villages[rng.randrange(len(villages))]
                if "patrol" in kinds and day.weekday() == 5:
                    services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="patrol",
                        occurred_on=day,
                        participants=members,
                        member_turns=len(members),
                    )
                    created += 1
                if "meeting" in kinds and day.day == 10:
                    services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="meeting",
                        occurred_on=day,
                        participants=members,
                    )
                    created += 1
                if "tip" in kinds and rng.random() < 0.03:
                    entry = services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="tip",
                        occurred_on=day,
                        tip_category=rng.choice(["drugs", "theft", "suspicious"]),
                    )
                    services.tip_assess(actor=CONSOLE, entry=entry, valuable=rng.random() < 0.5)
                    created += 1
                if "mediation" in kinds and rng.random() < 0.01:
                    services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="mediation",
                        occurred_on=day,
                        subject="Tranh chấp ranh giới đất nương",
                        parties=2,
                        outcome=rng.choice(["reconciled", "reconciled", "referred"]),
                    )
                    created += 1
                if "arrest" in kinds and rng.random() < 0.005:
                    services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="arrest",
                        occurred_on=day,
                        cases=1,
                        suspects=rng.randint(1, 3),
                        offence="Tàng trữ trái phép chất ma tuý",
                    )
                    created += 1
                if "items" in kinds and rng.random() < 0.005:
                    services.entry_record(
                        actor=CONSOLE,
                        team=team,
                        village=village,
                        kind="items",
                        occurred_on=day,
                        homemade_guns=rng.randint(0, 1),
                        bullets=rng.randint(0, 20),
                        knives=rng.randint(1, 4),
                    )
                    created += 1
                day += timedelta(days=1)
        # Months before last are checked and approved; the last two stay open for the officer.
        cutoff = services.month_start(services.month_start(today) - timedelta(days=1))
        for entry in Entry.objects.filter(occurred_on__lt=cutoff).select_related("village"):
            services.entry_review(actor=CONSOLE, entry=entry, verdict="verified")
        month = first
        while month < cutoff:
            for village in {
                e.village
                for e in Entry.objects.filter(occurred_on__year=month.year, occurred_on__month=month.month)
            }:
                services.month_approve(actor=CONSOLE, village=village, month=month)
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return created
