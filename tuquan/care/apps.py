from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "tuquan.care"
    label = "care"
    verbose_name = "Người được giúp đỡ và quỹ tổ"

    def ready(self) -> None:
        from tuquan.care import indicators  # noqa: F401  (registers supervised.* and fund.*)
        from tuquan.care.demo import load_care_demo
        from tuquan.core import hooks

        hooks.demo_loader(50, load_care_demo)
