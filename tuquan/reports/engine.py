"""The report engine: every indicator for an area and period, broken down by child area,
model type or the pre-2025 structure, with comparisons. It reads the same providers as
`tuquan indicators` (so the `indicators` object is identical) and the journal's rollups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.indicators import compute, compute_children, select
from tuquan.core.models import Area, Level
from tuquan.journal.models import Aggregate
from tuquan.registry.selectors import model_types_for

DIMENSIONS = ("child", "type", "legacy")
UNASSIGNED = "chua-xac-dinh"
# Figures that are not sums: a breakdown that adds areas together leaves them empty.
NOT_ADDITIVE = {"tipline.first_response_hours"}
REFORM = date(2025, 7, 1)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The same length just before. A period of whole months (a year, a half-year, a
    quarter: the reports' periods) is preceded by as many whole months, so 2025 is compared
    with 2024, not with 02/01–31/12/2024 (and its figures come from monthly rollups alone)."""
    prev_end = start - timedelta(days=1)
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        return date(index // 12, index % 12 + 1, 1), prev_end
    days = (end - start).days
    return prev_end - timedelta(days=days), prev_end


def year_before(start: date, end: date) -> tuple[date, date]:
    def back(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return back(start), back(end)


def children(actor: Actor, area: Area) -> list[Area]:
    below: dict[str, str] = {"country": Level.PROVINCE, "province": Level.COMMUNE, "commune": Level.VILLAGE}
    level = below.get(area.level)
    if level is None:
        return []
    return list(
        Area.objects.filter(scoping.area_q(actor), parent=area, level=level, valid_to__isnull=True).order_by(
            "ident"
        )
    )


def add(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Add one area's indicators into a running total (counts, sums, ratios, breakdowns)."""
    for code, value in part.items():
        if isinstance(value, dict) and "ratio" in value:
            mine = total.setdefault(code, {"numerator": 0, "denominator": 0, "ratio": None})
            mine["numerator"] += value["numerator"]
            mine["denominator"] += value["denominator"]
            mine["ratio"] = round(mine["numerator"] / mine["denominator"], 4) if mine["denominator"] else None
        elif isinstance(value, dict):
            total[code] = add(dict(total.get(code, {})), value)
        elif isinstance(value, str):
            total[code] = str(Decimal(total.get(code, "0")) + Decimal(value))
        elif code in NOT_ADDITIVE or value is None or (code in total and total[code] is None):
            # A median (or a figure some part could not give) does not add up across areas.
            total[code] = None
        else:
            total[code] = _tidy(total.get(code, 0) + value)
    return total


def _tidy(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def legacy_members(
    actor: Actor,
    area: Area,
    commune_parts: dict[str, dict[str, Any]],
    start: date,
    end: date,
    approved_only: bool,
    codes: frozenset[str] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Today's communes summed into the old districts (of a province) or old communes (of a
    commune) they came from. A commune formed from several old districts goes to
    `chua-xac-dinh`; totals entered at old districts are added to their district."""
    members: dict[str, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    communes = Area.objects.filter(ident__in=list(commune_parts)).prefetch_related(
        "predecessor_links__predecessor__parent"
    )
    for commune in communes:
        preds = [
            link.predecessor
            for link in commune.predecessor_links.all()
            if link.predecessor.level == Level.LEGACY_COMMUNE
        ]
        owners = {p.parent for p in preds if p.parent} if area.level != Level.COMMUNE else set(preds)
        if len(owners) == 1:
            owner: Area = next(iter(owners))
            key, labels[owner.ident] = owner.ident, owner.name
        else:
            key = UNASSIGNED
            labels[key] = "Chưa xác định (xã mới hình thành từ nhiều đơn vị cũ)"
        members[key] = add(members.get(key, {}), commune_parts[commune.ident])
    if area.level in (Level.PROVINCE, Level.COUNTRY):
        extra = Aggregate.objects.filter(
            area__level__in=[Level.LEGACY_DISTRICT, Level.LEGACY_PROVINCE, Level.LEGACY_COMMUNE],
            period_start__gte=start,
            period_end__lte=end,
        ).select_related("area__parent")
        if area.level == Level.PROVINCE:
            extra = extra.filter(area__province=area)
        for agg in extra:
            if (
                agg.area.level == Level.LEGACY_COMMUNE
                and agg.area.successor_links.filter(kind="whole").exists()
            ):
                continue  # already inside its commune's figures
            holder = agg.area if agg.area.level != Level.LEGACY_COMMUNE else agg.area.parent
            if holder is None or (codes is not None and agg.indicator not in codes):
                continue
            labels[holder.ident] = holder.name
            members[holder.ident] = add(
                members.get(holder.ident, {}), {agg.indicator: _tidy(float(agg.value))}
            )
    return members, labels


def build(
    *,
    actor: Actor,
    area: Area,
    start: date,
    end: date,
    by: Iterable[str] = ("child",),
    approved_only: bool = False,
    codes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The report: every indicator (or the `codes` asked for) of the area and period, its
    breakdowns and its comparisons."""
    by = [d for d in by if d in DIMENSIONS]
    asked = select(codes)
    base = compute(actor=actor, area=area, start=start, end=end, approved_only=approved_only, codes=asked)
    report: dict[str, Any] = {**base, "breakdowns": {}, "labels": {}, "comparison": {}}
    child_parts: dict[str, dict[str, Any]] = {}
    if "child" in by or "legacy" in by:
        kids = children(actor, area) if area.level != Level.COMMUNE or "child" in by else []
        # All children in one go: each provider's grouped form reads them together.
        parts = compute_children(
            actor=actor, areas=kids, start=start, end=end, approved_only=approved_only, codes=asked
        )
        for child in kids:
            child_parts[child.ident] = parts[child.ident]["indicators"]
            report["labels"][child.ident] = child.name
    if "child" in by:
        report["breakdowns"]["child"] = child_parts
    if "type" in by:
        report["breakdowns"]["type"] = {}
        for model_type in model_types_for(actor):
            report["breakdowns"]["type"][model_type.code] = compute(
                actor=actor,
                area=area,
                start=start,
                end=end,
                approved_only=approved_only,
                type_code=model_type.code,
                codes=asked,
            )["indicators"]
            report["labels"][model_type.code] = model_type.short_name
    if "legacy" in by:
        if area.level == Level.COMMUNE:
            parts = {area.ident: base["indicators"]}
        elif area.level == Level.PROVINCE:
            parts = child_parts
        else:
            parts = {}
            report["notes"]["legacy"] = "Cơ cấu cũ chỉ có cho một tỉnh hoặc một xã."
        members, labels = legacy_members(actor, area, parts, start, end, approved_only, asked)
        report["breakdowns"]["legacy"] = members
        report["labels"].update(labels)
        if start >= REFORM:
            report["notes"]["legacy"] = "Kỳ sau 01/7/2025: cơ cấu cũ chỉ để đối chiếu."
    for name, (s, e) in (("previous", previous_period(start, end)), ("year_before", year_before(start, end))):
        report["comparison"][name] = {
            "from": s.isoformat(),
            "to": e.isoformat(),
            "indicators": compute(
                actor=actor, area=area, start=s, end=e, approved_only=approved_only, codes=asked
            )["indicators"],
        }
    return report
