from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuquan.core"
    label = "core"
    verbose_name = "Tự Quản: địa bàn, phân quyền, nhật ký"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tuquan.core import audit, checks, hooks, inbox, units  # noqa: F401  (registers checks, guards the unit package)

        hooks.inbox(inbox.sections)
        audit.nouns(
            {
                "core.datakey": _("khoá mã hoá dữ liệu"),
                "core.pendingplacement": _("hồ sơ chờ xếp thôn"),
                "core.areasuccession": _("sáp nhập, chia tách địa bàn"),
                "core.areanamechange": _("đổi tên địa bàn"),
            }
        )
