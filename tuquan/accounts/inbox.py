"""The accounts' section of the home page: the accounts a manager keeps, activation codes
handed out and not yet used, and (for the system administrator) the API keys in use.
Registered in `AccountsConfig.ready` through `core.hooks.inbox`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.models import ApiToken, ResetCode
from tuquan.accounts.selectors import users_visible
from tuquan.core import scoping
from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.permissions import can_manage_accounts

# An API key this close to its end is flagged, so a device is not cut off unannounced.
EXPIRING_WITHIN = timedelta(days=14)


def sections(user: Any) -> list[InboxSection]:
    if not can_manage_accounts(user):
        return []
    now = timezone.now()
    users = reverse("accounts:users")
    managed = users_visible(user)
    counts = managed.aggregate(
        active=Count("id", filter=Q(is_active=True)), blocked=Count("id", filter=Q(is_active=False))
    )
    waiting = ResetCode.objects.filter(user__in=managed, used_at__isnull=True, expires_at__gt=now).count()
    items = [
        InboxItem(_("Tài khoản đang dùng"), users, count=counts["active"]),
        InboxItem(_("Mã kích hoạt đã cấp, chưa dùng"), users, count=waiting),
        InboxItem(_("Tài khoản đã khoá"), users, count=counts["blocked"]),
    ]
    if scoping.is_system_admin(user):
        tokens = ApiToken.objects.filter(expires_at__gt=now).aggregate(
            live=Count("id"), ending=Count("id", filter=Q(expires_at__lte=now + EXPIRING_WITHIN))
        )
        items.append(
            InboxItem(
                _("Khoá API của thiết bị, hệ thống khác"),
                users,
                count=tokens["live"],
                note=_("%(n)s khoá hết hạn trong 14 ngày tới") % {"n": tokens["ending"]}
                if tokens["ending"]
                else "",
                urgent=bool(tokens["ending"]),
            )
        )
    return [InboxSection(_("Tài khoản và khoá"), items, order=70)]
