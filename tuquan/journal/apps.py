from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tuquan.journal"
    label = "journal"
    verbose_name = "Nhật ký hoạt động"

    def ready(self) -> None:
        from tuquan.core.workbook import parts
        from tuquan.journal import (
            indicators,  # noqa: F401  (registers the journal's indicators)
            io,
        )

        # The journal's sheets travel in the registry's workbook (registry.io).
        parts.register(
            parts.Part("journal", ("entries", "aggregates"), export_rows=io.export_rows, check=io.check)
        )
