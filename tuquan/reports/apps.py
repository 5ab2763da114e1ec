from django.apps import AppConfig

from tuquan.core import jobs


class ReportsConfig(AppConfig):
    name = "tuquan.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from tuquan.reports import services

        jobs.on_lost(services.report_jobs_lost)
