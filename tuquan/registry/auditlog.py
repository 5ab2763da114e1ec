"""How the system log tells the registry's rows (core.audit: nouns and phrases)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.core import audit
from tuquan.registry.models import TeamStatus

NOUNS = {
    "registry.teamarea": gettext_lazy("địa bàn hoạt động của tổ"),
    "registry.teamhousehold": gettext_lazy("hộ tham gia tổ"),
    "registry.commitment": gettext_lazy("cam kết của hộ"),
    "registry.training": gettext_lazy("buổi tập huấn"),
    "registry.commendation": gettext_lazy("khen thưởng"),
    "registry.forcesettings": gettext_lazy("thiết lập lực lượng"),
    "registry.membership": gettext_lazy("thành viên của tổ"),
    "registry.workbook": gettext_lazy("sổ theo dõi (tệp Excel)"),
}


def team(entry: Any) -> str | None:
    details = entry.details or {}
    if "status" in details and len(details["status"]) == 2:
        labels = dict(TeamStatus.choices)
        old, new = (str(labels.get(s, s)) for s in details["status"])
        try:
            on = f"{date.fromisoformat(details.get('on', '')):%d/%m/%Y}"
        except ValueError:
            on = details.get("on", "")
        return _("chuyển tổ «%(t)s» từ “%(a)s” sang “%(b)s” từ ngày %(d)s") % {
            "t": entry.object_label,
            "a": old,
            "b": new,
            "d": on,
        }
    if details.get("fields") == ["fund_month_closed"] and "month" in details:
        try:
            month = f"{date.fromisoformat(details['month']):%m/%Y}"
        except ValueError:
            month = details["month"]
        return _("khoá sổ quỹ tháng %(m)s của tổ «%(t)s»") % {"m": month, "t": entry.object_label}
    return None


def register() -> None:
    audit.nouns(NOUNS)
    audit.phrase("registry.team", team)
