from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuquan.core"
    label = "core"
    verbose_name = "Tự Quản: địa bàn, phân quyền, nhật ký"

    def ready(self) -> None:
        from tuquan.core import checks, hooks, inbox, units  # noqa: F401  (registers checks, guards the unit package)

        hooks.inbox(inbox.sections)
