"""The tip line's section of the home page: tips waiting for the commune's officers, those
untouched for a day first. Registered in `TipsConfig.ready` through `core.hooks.inbox`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.tips.models import TipState
from tuquan.tips.permissions import can_triage_tip
from tuquan.tips.selectors import UNTOUCHED_AFTER, tips_visible


def sections(user: Any) -> list[InboxSection]:
    if not can_triage_tip(user):
        return []
    inbox = reverse("tips:inbox")
    counts = tips_visible(user).aggregate(
        new=Count("id", filter=Q(state=TipState.NEW)),
        open=Count("id", filter=~Q(state=TipState.CLOSED)),
        untouched=Count("id", filter=Q(awaiting_since__lte=timezone.now() - UNTOUCHED_AFTER)),
    )
    items = [
        InboxItem(
            _("Tin báo mới, chưa phân loại"), f"{inbox}?trang-thai={TipState.NEW}", count=counts["new"]
        ),
        InboxItem(
            _("Chờ cán bộ trả lời quá 24 giờ"),
            f"{inbox}?trang-thai=open",
            count=counts["untouched"],
            urgent=bool(counts["untouched"]),
        ),
        InboxItem(_("Tin báo đang mở"), f"{inbox}?trang-thai=open", count=counts["open"]),
    ]
    return [InboxSection(_("Tin báo của người dân"), items, order=30)]
