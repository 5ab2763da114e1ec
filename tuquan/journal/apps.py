from django.apps import AppConfig

from tuquan.core import hooks
from tuquan.core.actors import Actor
from tuquan.core.workbook import parts


class JournalConfig(AppConfig):
    name = "tuquan.journal"
    label = "journal"
    verbose_name = "Nhật ký hoạt động"

    def ready(self) -> None:
        from tuquan.journal import (
            indicators,  # noqa: F401  (registers the journal's indicators)
            workbook,
        )
        from tuquan.journal.demo import load_journal_demo

        hooks.demo_loader(30, load_journal_demo)
        if _home not in hooks.HOME_CONTEXT:
            hooks.HOME_CONTEXT.append(_home)

        # The journal's sheets travel in the registry's workbook (registry/workbook/), after its own.
        parts.register(
            parts.Part("journal", workbook.SHEETS, export_rows=workbook.export_rows, check=workbook.check)
        )


def _home(user: Actor) -> dict[str, object]:
    # The record button only where the person can record (issue 24), and the review and
    # acceptance pages for the areas the person checks: reachable from home, not typed.
    from tuquan.journal.selectors import home_links

    return home_links(user)
