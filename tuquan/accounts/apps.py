from django.apps import AppConfig

from tuquan.core import hooks


class AccountsConfig(AppConfig):
    name = "tuquan.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tuquan.accounts import inbox, signals  # noqa: F401  (signals: registers receivers)
        from tuquan.accounts.demo import load_accounts_demo
        from tuquan.core import audit  # it loads models: only once the apps are ready

        hooks.demo_loader(10, load_accounts_demo)
        hooks.inbox(inbox.sections)
        audit.nouns(
            {
                "accounts.user": _("tài khoản"),
                "accounts.roleassignment": _("vai trò được giao"),
                "accounts.apitoken": _("khoá API"),
                "accounts.resetcode": _("mã kích hoạt"),
            }
        )
