from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tuquan.journal"
    label = "journal"
    verbose_name = "Nhật ký hoạt động"

    def ready(self) -> None:
        from tuquan.journal import indicators  # noqa: F401  (registers the journal's indicators)
