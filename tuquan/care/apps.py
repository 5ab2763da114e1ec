from django.apps import AppConfig

from tuquan.core import hooks


class CareConfig(AppConfig):
    name = "tuquan.care"
    label = "care"
    verbose_name = "Người được giúp đỡ và quỹ tổ"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tuquan.care import (
            inbox,
            indicators,  # noqa: F401  (registers supervised.* and fund.*)
        )
        from tuquan.care.demo import load_care_demo
        from tuquan.core import audit  # it loads models: only once the apps are ready

        hooks.demo_loader(50, load_care_demo)
        hooks.inbox(inbox.sections)
        hooks.team_links(inbox.team_links)
        audit.nouns(
            {"care.checkin": _("buổi gặp người được giúp đỡ"), "care.fundmonth": _("khoá sổ quỹ tháng")},
            # A fund entry's label is the team and the entry's key; the area names the team's place.
            unlabelled=("care.fundentry",),
        )
