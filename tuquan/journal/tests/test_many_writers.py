"""Eight connections recording into one village-month at once, on PostgreSQL (SQLite admits
one writer at a time; tested over HTTP in core/tests/test_served_tryout.py): every write
succeeds and the village, commune and province figures stay exact."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.journal import services
from tuquan.journal.models import Entry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="PostgreSQL only (CI's second run): concurrent writers on separate connections",
    ),
]
WRITERS, EACH = 8, 15


def test_eight_writers_in_one_village_month_leave_every_figure_exact(live_world: Any) -> None:
    day = timezone.localdate().replace(day=1) - timedelta(days=2)
    before = Entry.objects.count()
    failures: list[str] = []
    start = threading.Barrier(WRITERS)

    def write() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                services.entry_record(
                    actor=CONSOLE,
                    team=live_world.team,
                    village=live_world.village,
                    kind="patrol",
                    occurred_on=day,
                    other_participants=2,
                    member_turns=2,
                )
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Entry.objects.count() == before + WRITERS * EACH
    call_command("rollups", "--verify")  # raises when a village, commune or province total is off
