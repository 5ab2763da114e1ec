from django.apps import AppConfig

from tuquan.core import hooks


class TipsConfig(AppConfig):
    name = "tuquan.tips"
    label = "tips"
    verbose_name = "Tin báo của người dân"

    def ready(self) -> None:
        from tuquan.tips import (
            auditlog,
            inbox,
            indicators,  # noqa: F401  (registers the tip line's indicators)
        )

        hooks.inbox(inbox.sections)
        auditlog.register()
