from django.apps import AppConfig

from tuquan.core import hooks


class CareConfig(AppConfig):
    name = "tuquan.care"
    label = "care"
    verbose_name = "Người được giúp đỡ và quỹ tổ"

    def ready(self) -> None:
        from tuquan.care import indicators  # noqa: F401  (registers supervised.* and fund.*)
        from tuquan.care.demo import load_care_demo

        hooks.demo_loader(50, load_care_demo)
