"""The documents' section of the home page: the summary (tổng quan) of each area the person
reads, which is all the commune committee needs, and last month's report where the person
issues reports and has not yet. Registered in `DocumentsConfig.ready` (core.hooks.inbox)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.models import Level
from tuquan.core.selectors import user_home_areas
from tuquan.documents.models import IssuedReport
from tuquan.documents.permissions import can_edit_template, can_issue_report, can_read_figures
from tuquan.documents.selectors import month_start


def sections(user: Any) -> list[InboxSection]:
    areas = [a for a in user_home_areas(user) if a.level in (Level.COUNTRY, Level.PROVINCE, Level.COMMUNE)]
    if not areas:
        return []
    today = timezone.localdate()
    end = month_start(today) - timedelta(days=1)
    start = month_start(end)
    issuing = [a for a in areas if can_issue_report(user, a)]
    issued = set(
        IssuedReport.objects.filter(area__in=issuing, start__lte=start, end__gte=end).values_list(
            "area_id", flat=True
        )
    )
    items = []
    for area in areas:
        items.append(
            InboxItem(
                _("Tổng quan số liệu: %(a)s") % {"a": area.name},
                reverse("documents:dashboard", args=[area.ident]),
            )
        )
        if area in issuing:
            done = area.pk in issued
            items.append(
                InboxItem(
                    _("Báo cáo tháng %(m)s: %(a)s") % {"m": f"{start:%m/%Y}", "a": area.name},
                    f"{reverse('documents:issued')}?area={area.ident}",
                    note=_("Đã ban hành.") if done else _("Chưa ban hành."),
                    urgent=not done,
                )
            )
    return [InboxSection(_("Số liệu và báo cáo"), items, order=50)]


def area_links(user: Any, area: Any) -> list[tuple[str, str]]:
    """The summary, the issued reports and (for the province) the report's template, on the
    area's page (core.hooks.area_links)."""
    if not can_read_figures(user, area):
        return []
    links = [(_("Báo cáo đã ban hành"), f"{reverse('documents:issued')}?area={area.ident}")]
    if area.level != Level.VILLAGE:
        links.insert(0, (_("Tổng quan số liệu"), reverse("documents:dashboard", args=[area.ident])))
    if can_edit_template(user, area):
        links.append((_("Mẫu báo cáo của tỉnh"), reverse("documents:template", args=[area.ident])))
    return links
