from django.apps import AppConfig

from tuquan.core import hooks


class AssessmentConfig(AppConfig):
    name = "tuquan.assessment"
    label = "assessment"
    verbose_name = "Đánh giá, phân loại hằng năm"

    def ready(self) -> None:
        from tuquan.assessment import (
            auditlog,
            inbox,
            indicators,  # noqa: F401  (registers the assessment indicators)
        )
        from tuquan.assessment.demo import load_assessment_demo

        hooks.demo_loader(40, load_assessment_demo)
        hooks.inbox(inbox.sections)
        auditlog.register()
