"""Every write in core: villages (add, rename, merge, import) and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import scoping
from tuquan.core.models import (
    VILLAGE_KINDS,
    Area,
    AreaNameChange,
    AreaSuccession,
    AuditAction,
    AuditEntry,
    Level,
)
from tuquan.core.roles import Cap


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    area: Area | None = None,
    label: str = "",
    details: dict[str, Any] | None = None,
    object_type: str = "",
) -> AuditEntry:
    """Append one audit entry. `details` must never carry personal data: name the fields."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_label=label[:200],
        area=area,
        area_path=area.path if area is not None else "",
        details=details or {},
    )


def _require_area_write(actor: Any, area: Area) -> None:
    if not scoping.covers(actor, area.path, Cap.AREA_WRITE):
        raise PermissionDenied(_("Bạn không có quyền thay đổi địa bàn này."))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Tên không được để trống.")})
    return name


def _clean_kind(kind: str) -> str:
    if kind not in VILLAGE_KINDS:
        raise ValidationError({"kind": _("Loại không hợp lệ: %(kind)s.") % {"kind": kind}})
    return kind


def village_create(
    *, actor: Any, commune: Area, kind: str, name: str, valid_from: date | None = None
) -> Area:
    """Add a village or residential group to a commune; its ident is "<commune>.<n>", n never reused."""
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Thôn, tổ dân phố chỉ thuộc về một xã, phường, đặc khu."))
    _require_area_write(actor, commune)
    kind, short = _clean_kind(kind), _clean_name(name)
    with transaction.atomic():
        # Lock the commune row so two officers adding villages at once get distinct numbers.
        Area.objects.select_for_update().filter(pk=commune.pk).first()
        if commune.children.filter(
            level=Level.VILLAGE, valid_to__isnull=True, short_name__iexact=short
        ).exists():
            raise ValidationError({"name": _("Xã đã có thôn, tổ dân phố tên “%(name)s”.") % {"name": short}})
        number = (commune.children.filter(level=Level.VILLAGE).aggregate(m=Max("number"))["m"] or 0) + 1
        ident = f"{commune.code}.{number}"
        village = Area(
            ident=ident,
            code="",
            level=Level.VILLAGE,
            kind=kind,
            name=f"{kind} {short}",
            short_name=short,
            parent=commune,
            path=f"{commune.path}{ident}/",
            province_id=commune.province_id,
            number=number,
            latitude=commune.latitude,
            longitude=commune.longitude,
            valid_from=valid_from,
        )
        village.full_clean()
        village.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=village, area=village, label=village.name)
    return village


def village_rename(*, actor: Any, village: Area, kind: str, name: str, on: date | None = None) -> Area:
    _require_area_write(actor, village)
    if village.level != Level.VILLAGE:
        raise ValidationError(_("Chỉ đổi tên được thôn, tổ dân phố."))
    kind, short = _clean_kind(kind), _clean_name(name)
    with transaction.atomic():
        old = village.name
        village.kind, village.short_name, village.name = kind, short, f"{kind} {short}"
        village.full_clean()
        village.save()
        AreaNameChange.objects.create(
            area=village,
            old_name=old,
            new_name=village.name,
            changed_on=on or timezone.localdate(),
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=village,
            area=village,
            label=village.name,
            details={"old_name": old, "new_name": village.name},
        )
    return village


def village_merge(*, actor: Any, sources: Iterable[Area], target: Area, on: date | None = None) -> Area:
    """Villages merged into `target` end on the day before `on`; the link keeps their history."""
    on = on or timezone.localdate()
    sources = list(sources)
    _require_area_write(actor, target)
    if target.level != Level.VILLAGE or not target.is_active:
        raise ValidationError(_("Thôn nhận sáp nhập phải là thôn đang hoạt động."))
    for src in sources:
        if src.pk == target.pk or src.level != Level.VILLAGE or src.parent_id != target.parent_id:
            raise ValidationError(_("Chỉ sáp nhập các thôn khác nhau trong cùng một xã."))
        if not src.is_active:
            raise ValidationError(_("“%(name)s” đã ngừng hoạt động.") % {"name": src.name})
    with transaction.atomic():
        for src in sources:
            src.valid_to = on - timedelta(days=1)
            src.save(update_fields=["valid_to", "updated_at", "search_name"])
            AreaSuccession.objects.create(
                predecessor=src, successor=target, kind="whole", is_default=True, valid_from=on
            )
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=src,
                area=src,
                label=src.name,
                details={"merged_into": target.ident, "on": on.isoformat()},
            )
    return target
