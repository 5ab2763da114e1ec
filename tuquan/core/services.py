"""Every write in core: villages (add, rename, merge, import) and the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import permissions
from tuquan.core.actors import Actor, account_of
from tuquan.core.audit import audit_record
from tuquan.core.models import (
    VILLAGE_KINDS,
    Area,
    AreaNameChange,
    AreaSuccession,
    AuditAction,
    Level,
)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Tên không được để trống.")})
    return name


def _clean_kind(kind: str) -> str:
    if kind not in VILLAGE_KINDS:
        raise ValidationError({"kind": _("Loại không hợp lệ: %(kind)s.") % {"kind": kind}})
    return kind


# Context managers the domain apps register (in their AppConfig.ready) to follow a change in
# villages' life (given the villages, or the commune that gains one): the registry's stocks
# count a village covered only while it exists.
VILLAGE_LIFE_WATCHERS: list[Callable[[list[int]], AbstractContextManager[Any]]] = []


def village_create(
    *,
    actor: Actor,
    commune: Area,
    kind: str,
    name: str,
    valid_from: date | None = None,
    number: int | None = None,
) -> Area:
    """Add a village or residential group to a commune; its ident is "<commune>.<n>", n never reused.

    `number` recreates a village under the number it has elsewhere (a workbook import), so
    its identifier survives the trip; it must not be taken in the commune, even by an ended village.
    """
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Thôn, tổ dân phố chỉ thuộc về một xã, phường, đặc khu."))
    if not permissions.can_edit_area(actor, commune):
        raise PermissionDenied(_("Bạn không có quyền thay đổi địa bàn này."))
    kind, short = _clean_kind(kind), _clean_name(name)
    with transaction.atomic(), ExitStack() as watching:
        for watcher in VILLAGE_LIFE_WATCHERS:
            watching.enter_context(watcher([commune.pk]))
        # Lock the commune row so two officers adding villages at once get distinct numbers.
        Area.objects.select_for_update().filter(pk=commune.pk).first()
        if commune.children.filter(
            level=Level.VILLAGE, valid_to__isnull=True, short_name__iexact=short
        ).exists():
            raise ValidationError({"name": _("Xã đã có thôn, tổ dân phố tên “%(name)s”.") % {"name": short}})
        if number is None:
            number = (commune.children.filter(level=Level.VILLAGE).aggregate(m=Max("number"))["m"] or 0) + 1
        elif number < 1 or commune.children.filter(level=Level.VILLAGE, number=number).exists():
            raise ValidationError({"number": _("Số thôn %(n)s đã dùng trong xã.") % {"n": number}})
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


def village_rename(*, actor: Actor, village: Area, kind: str, name: str, on: date | None = None) -> Area:
    if not permissions.can_edit_area(actor, village):
        raise PermissionDenied(_("Bạn không có quyền thay đổi địa bàn này."))
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
            changed_by=account_of(actor),
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


def village_merge(*, actor: Actor, sources: Iterable[Area], target: Area, on: date | None = None) -> Area:
    """Villages merged into `target` end on the day before `on`; the link keeps their history."""
    on = on or timezone.localdate()
    sources = list(sources)
    if not permissions.can_edit_area(actor, target):
        raise PermissionDenied(_("Bạn không có quyền thay đổi địa bàn này."))
    if target.level != Level.VILLAGE or not target.is_active:
        raise ValidationError(_("Thôn nhận sáp nhập phải là thôn đang hoạt động."))
    for src in sources:
        if src.pk == target.pk or src.level != Level.VILLAGE or src.parent_id != target.parent_id:
            raise ValidationError(_("Chỉ sáp nhập các thôn khác nhau trong cùng một xã."))
        if not src.is_active:
            raise ValidationError(_("“%(name)s” đã ngừng hoạt động.") % {"name": src.name})
    with transaction.atomic(), ExitStack() as watching:
        for watcher in VILLAGE_LIFE_WATCHERS:
            watching.enter_context(watcher([src.pk for src in sources]))
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


# --- records from split legacy communes ------------------------------------------------------


def placement_create(*, obj: models.Model, legacy_area: Area, summary: str, source: str = "") -> Any:
    """Queue a record whose old commune was split: it keeps `legacy_area` as its area until
    an officer of a successor commune places it (`placement_assign`)."""
    from django.contrib.contenttypes.models import ContentType

    from tuquan.core.models import PendingPlacement

    return PendingPlacement.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        legacy_area=legacy_area,
        summary=summary[:200],
        source=source[:200],
    )


def placement_assign(*, actor: Actor, placement: Any, village: Area) -> Any:
    """Place a queued record in a village of one of its old commune's successor communes."""
    if placement.placed_at is not None:
        raise ValidationError(_("Hồ sơ này đã được xếp địa bàn."))
    if village.level not in (Level.VILLAGE, Level.COMMUNE) or village.is_legacy:
        raise ValidationError({"village": _("Chọn một thôn (hoặc xã) hiện hành.")})
    commune = village if village.level == Level.COMMUNE else village.parent
    successors = set(placement.legacy_area.successor_links.values_list("successor_id", flat=True))
    if commune is None or commune.pk not in successors:
        raise ValidationError({"village": _("Địa bàn này không thuộc các xã kế thừa xã cũ.")})
    if not permissions.can_place_records(actor, village):
        raise PermissionDenied(_("Bạn không có quyền thay đổi địa bàn này."))
    with transaction.atomic():
        record = placement.content_type.get_object_for_this_type(pk=placement.object_id)
        record.area = village
        record.save(update_fields=["area"])
        placement.placed_area = village
        placement.placed_by = account_of(actor)
        placement.placed_at = timezone.now()
        placement.save(update_fields=["placed_area", "placed_by", "placed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=record,
            area=village,
            label=placement.summary,
            details={"placed_from": placement.legacy_area.ident, "placed_in": village.ident},
        )
    return placement
