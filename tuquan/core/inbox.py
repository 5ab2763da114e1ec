"""Core's sections of the home page: records of split communes waiting to be placed in a
village (`/xep-dia-ban/`), and the system log for who may read it. Registered in
`CoreConfig.ready` like every app's (core.hooks.inbox)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tuquan.core import scoping
from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.models import DataKey
from tuquan.core.permissions import can_place_records, can_view_audit
from tuquan.core.selectors import placement_queue


def sections(user: Any) -> list[InboxSection]:
    found = []
    if can_place_records(user):
        waiting = placement_queue(user).count()
        if waiting or not can_view_audit(user):
            # The commune's officer always sees the line; a province's staff only when
            # something waits (their communes place their own records).
            found.append(
                InboxSection(
                    _("Hồ sơ của xã cũ chờ xếp vào thôn"),
                    [
                        InboxItem(
                            _("Chờ xếp thôn"), reverse("core:placements"), count=waiting, urgent=bool(waiting)
                        )
                    ],
                    order=35,
                )
            )
    if can_view_audit(user):
        items = [InboxItem(_("Nhật ký hệ thống: ai đã làm gì"), reverse("core:audit"))]
        if scoping.is_system_admin(user):
            primary = DataKey.objects.filter(is_primary=True).only("created_at").first()
            items.append(
                InboxItem(
                    _("Khoá mã hoá dữ liệu"),
                    "",
                    note=(
                        _("Khoá chính tạo ngày %(d)s; đổi khoá bằng lệnh “tuquan rotate-keys”.")
                        % {"d": f"{primary.created_at:%d/%m/%Y}"}
                        if primary
                        else _("Chưa có khoá chính: tạo khi ghi dữ liệu nhạy cảm đầu tiên.")
                    ),
                )
            )
        found.append(InboxSection(_("Quản trị"), items, order=80))
    return found
