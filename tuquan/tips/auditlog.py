"""How the system log tells the tip line's rows (core.audit: nouns and phrases)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.core import audit
from tuquan.tips.models import TipState

NOUNS = {"tips.tipmessage": gettext_lazy("trả lời người báo tin"), "tips.tip": gettext_lazy("tin báo")}


def tip(entry: Any) -> str | None:
    details = entry.details or {}
    if "from" in details and "to" in details:
        labels = dict(TipState.choices)
        return _("chuyển tin báo «%(t)s» từ “%(a)s” sang “%(b)s”") % {
            "t": entry.object_label,
            "a": labels.get(details["from"], details["from"]),
            "b": labels.get(details["to"], details["to"]),
        }
    return None


def message(entry: Any) -> str | None:
    if entry.action == "create":
        return _("trả lời người báo tin «%(t)s»") % {"t": entry.object_label}
    return None


def register() -> None:
    audit.nouns(NOUNS)
    audit.phrase("tips.tip", tip)
    audit.phrase("tips.tipmessage", message)
