from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tuquan.reports"
    label = "reports"
    verbose_name = "Báo cáo"
