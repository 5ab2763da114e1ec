from django.apps import AppConfig

from tuquan.core import hooks


class AccountsConfig(AppConfig):
    name = "tuquan.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from tuquan.accounts import signals  # noqa: F401
        from tuquan.accounts.demo import load_accounts_demo

        hooks.demo_loader(10, load_accounts_demo)
