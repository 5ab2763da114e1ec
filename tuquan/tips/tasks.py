"""The tip line's scheduled job: the retention purge (also `tuquan purge-tips`)."""

from __future__ import annotations

from django_tasks import task

from tuquan.core.actors import CONSOLE


@task()
def tips_purge_expired() -> dict[str, int]:
    from tuquan.tips.services import tips_purge

    return tips_purge(actor=CONSOLE)
