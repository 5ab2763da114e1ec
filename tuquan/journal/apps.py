from django.apps import AppConfig

from tuquan.core import hooks
from tuquan.core.workbook import parts


class JournalConfig(AppConfig):
    name = "tuquan.journal"
    label = "journal"
    verbose_name = "Nhật ký hoạt động"

    def ready(self) -> None:
        from tuquan.journal import (
            auditlog,
            inbox,
            indicators,  # noqa: F401  (registers the journal's indicators)
            workbook,
        )
        from tuquan.journal.demo import load_journal_demo

        hooks.demo_loader(30, load_journal_demo)
        hooks.inbox(inbox.sections)
        hooks.area_links(inbox.area_links)
        hooks.team_links(inbox.team_links)
        auditlog.register()

        # The journal's sheets travel in the registry's workbook (registry/workbook/), after its own.
        parts.register(
            parts.Part("journal", workbook.SHEETS, export_rows=workbook.export_rows, check=workbook.check)
        )
