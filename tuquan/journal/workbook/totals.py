"""Checking the "Tổng hợp kỳ" sheet: period totals, never where records count the same."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Level
from tuquan.core.roles import Cap
from tuquan.core.units import LEGACY_END
from tuquan.journal import services
from tuquan.journal.models import Aggregate, Entry, PeriodKind
from tuquan.journal.permissions import can_enter_totals
from tuquan.journal.workbook.common import Writes, decimal, idents, place

VALUE = Aggregate._meta.get_field("value")


def check_totals(imp: Any, data: Any, writes: Writes) -> None:
    known: dict[str, Aggregate] = imp.by_uid(Aggregate, data, ["area__parent", "area__province"])
    kinds = wb.options(PeriodKind.choices)
    today = timezone.localdate()
    seen: set[str] = set()
    for number, cells in data.rows:
        c = wb.Cells(imp, data, number, cells)
        imp.tick()
        key, existing, ok = imp.existing_key(
            c,
            known,
            seen,
            lambda a: can_enter_totals(imp.actor, a.area) or imp.may_read_record(a.area),
        )
        if not ok:
            continue
        ident = c.text("area", required=True)
        area = imp.area_ref(c, "area", ident) if ident else None
        indicator = c.text("indicator", required=True)
        if indicator and indicator not in services.INDICATOR_KIND:
            c.error("indicator", _("Chỉ tiêu không nhập tổng hợp được: %(c)s.") % {"c": indicator[:60]})
        period_kind = c.choice("period_kind", kinds, required=True)
        given = c.date("period_start", required=True)
        value = decimal(c, "value", places=VALUE.decimal_places, digits=VALUE.max_digits, required=True)
        note = c.text("note", max_length=300)
        if c.failed or area is None or given is None or value is None:
            continue
        start, end = services.period_bounds(period_kind, given)
        if existing is not None:
            if (existing.area_id, existing.indicator, existing.period_kind, existing.period_start) != (
                area.pk,
                indicator,
                period_kind,
                start,
            ):
                c.error("area", _("Địa bàn, chỉ tiêu và kỳ của số tổng hợp không đổi được bằng tệp."))
                continue
            values = {k: v for k, v in {"value": value, "note": note}.items() if c.has(k)}
            imp.book(
                c,
                "aggregates",
                writes.aggregates,
                existing,
                values,
                new=False,
                may_write=lambda a=area: can_enter_totals(imp.actor, a),
                where="area",
                area=area,
            )
            continue
        if area.level == Level.COUNTRY:
            c.error("area", _("Chọn tỉnh, xã hoặc thôn."))
        elif area.is_legacy and end > LEGACY_END:
            c.error("area", _("Huyện, xã cũ chỉ nhận số tổng hợp của kỳ trước 01/7/2025."))
        if end >= today:
            c.error("period_start", _("Chỉ nhập tổng hợp cho kỳ đã kết thúc."))
        if c.failed:
            continue
        kind = services.INDICATOR_KIND[indicator]
        if area.pk is None:  # a village new in this file: nothing recorded there yet
            units, recorded_at = Q(area__ident__in=idents(area) - {area.ident}), Q(pk__in=[])
        else:
            units, recorded_at = services.overlapping_totals(area)
        if Entry.objects.filter(
            recorded_at, kind=kind, occurred_on__gte=start, occurred_on__lte=end
        ).exists():
            c.error(
                "period_start",
                _(
                    "Kỳ này đã có hoạt động ghi chi tiết ở %(a)s: số liệu lấy từ ghi chép, không nhập tổng hợp."
                )
                % {"a": area.name},
            )
            continue
        if Aggregate.objects.filter(
            units, indicator=indicator, period_start__lte=end, period_end__gte=start
        ).exists():
            c.error("area", _("Đã có số tổng hợp trùng kỳ hoặc trùng địa bàn cho chỉ tiêu này."))
            continue
        writes.total_spots.append((area, idents(area), indicator, start, end, c))
        aggregate = Aggregate(uid=wb.as_uuid(key) or uuid.uuid4(), entered_by=imp.user)
        imp.book(
            c,
            "aggregates",
            writes.aggregates,
            aggregate,
            {
                "area": area,
                "indicator": indicator,
                "period_kind": period_kind,
                "period_start": start,
                "period_end": end,
                "value": value,
                "note": note,
            },
            new=True,
            may_write=lambda a=area: (
                imp.covers(place(a).path, Cap.AGGREGATE_WRITE)
                if a.pk is None
                else can_enter_totals(imp.actor, a)
            ),
            where="area",
            area=place(area),
        )
