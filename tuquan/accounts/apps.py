from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuquan.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from tuquan.accounts import signals  # noqa: F401
