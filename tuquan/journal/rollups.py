"""Monthly rollups of journal entries (see models.Rollup).

A write to an entry refreshes its village-month in the same transaction, so a figure read
from rollups reflects a saved entry at once; there is no nightly job to forget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from tuquan.journal.models import Entry, Rollup

# code → (entry kind, summed field or None for a count, extra condition)
ROLLED: dict[str, tuple[str, str | None, Q | None]] = {
    "patrols.count": ("patrol", None, None),
    "patrols.member_turns": ("patrol", "member_turns", None),
    "meetings.count": ("meeting", None, None),
    "awareness.sessions": ("awareness", None, None),
    "awareness.attendance_persons": ("awareness", "attendance_persons", None),
    "awareness.attendance_households": ("awareness", "attendance_households", None),
    "mediations.count": ("mediation", None, None),
    "mediations.reconciled": ("mediation", None, Q(outcome="reconciled")),
    "tips.count": ("tip", None, None),
    "tips.valuable": ("tip", None, Q(tip_valuable=True)),
    "arrests.cases": ("arrest", "cases", None),
    "arrests.suspects": ("arrest", "suspects", None),
    "items.homemade_guns": ("items", "homemade_guns", None),
    "items.guns": ("items", "guns", None),
    "items.bullets": ("items", "bullets", None),
    "items.explosives": ("items", "explosives", None),
    "items.knives": ("items", "knives", None),
    "incidents.count": ("incident", None, None),
    "poppy.area_m2": ("poppy", "poppy_m2", None),
    "migration.prevented": ("migration", "migration_cases", None),
}


def _aggregations() -> dict[str, Any]:
    # Every entry, whatever its kind: lets a report say how many are not yet approved.
    found: dict[str, Any] = {"entries.count": Count("id")}
    for code, (kind, field, extra) in ROLLED.items():
        condition = Q(kind=kind) & (extra or Q())
        found[code] = Count("id", filter=condition) if field is None else Sum(field, filter=condition)
    return found


def compute_rows(entries: Any) -> list[Rollup]:
    """Rollup rows for a set of entries, grouped by village, month and model type."""
    from django.db.models.functions import TruncMonth

    rows = (
        entries.annotate(m=TruncMonth("occurred_on"))
        .values("village_id", "m", "team__type_id")
        .annotate(**_aggregations())
        .order_by()
    )
    villages = _village_parents({r["village_id"] for r in rows})
    made = []
    for r in rows:
        commune_id, province_id = villages[r["village_id"]]
        month = r["m"].date() if hasattr(r["m"], "date") else r["m"]
        for code in ["entries.count", *ROLLED]:
            value = r[code]
            if value:
                made.append(
                    Rollup(
                        village_id=r["village_id"],
                        commune_id=commune_id,
                        province_id=province_id,
                        type_id=r["team__type_id"],
                        month=month,
                        code=code,
                        value=Decimal(value),
                    )
                )
    return made


def _village_parents(ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    from tuquan.core.models import Area

    return {
        v: (c, p)
        for v, c, p in Area.objects.filter(pk__in=list(ids)).values_list("id", "parent_id", "province_id")
    }


def refresh(village_id: int, day: date) -> None:
    """Recount one village-month from its entries (called inside the writing transaction)."""
    month = day.replace(day=1)
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    with transaction.atomic():
        Rollup.objects.filter(village_id=village_id, month=month).delete()
        Rollup.objects.bulk_create(
            compute_rows(
                Entry.objects.filter(village_id=village_id, occurred_on__gte=month, occurred_on__lt=nxt)
            )
        )


def rebuild() -> int:
    with transaction.atomic():
        Rollup.objects.all().delete()
        rows = compute_rows(Entry.objects.all())
        Rollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def verify() -> list[str]:
    """Differences between the stored rollups and a full recount (empty when they agree)."""
    key = ("village_id", "month", "type_id", "code")
    stored = {tuple(getattr(r, k) for k in key): r.value for r in Rollup.objects.all()}
    fresh = {tuple(getattr(r, k) for k in key): r.value for r in compute_rows(Entry.objects.all())}
    problems = []
    for k in sorted(set(stored) | set(fresh), key=str):
        if stored.get(k, Decimal(0)) != fresh.get(k, Decimal(0)):
            problems.append(f"{k}: lưu {stored.get(k, 0)}, đếm lại {fresh.get(k, 0)}")
    return problems


def totals(rows: Any) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for code, value in rows.values_list("code").annotate(v=Sum("value")).values_list("code", "v"):
        sums[code] = value
    return sums


def rollups_for(query: Any) -> Any:
    """Rollup rows of a query's area, period and visibility (and approval, if asked)."""
    from django.db.models import Exists, OuterRef

    from tuquan.core import scoping
    from tuquan.core.models import Level
    from tuquan.core.roles import Cap
    from tuquan.journal.models import Approval, ApprovalStatus

    area = query.area
    where = {
        Level.PROVINCE: {"province": area},
        Level.COMMUNE: {"commune": area},
        Level.VILLAGE: {"village": area},
    }.get(area.level, {"village__path__startswith": area.path})
    qs = Rollup.objects.filter(month__gte=query.start.replace(day=1), month__lte=query.end, **where)
    if query.type_code:
        qs = qs.filter(type__code=query.type_code)
    if not scoping.is_system_admin(query.actor):
        qs = qs.filter(scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="village__path"))
    approved = Approval.objects.filter(
        village=OuterRef("village"),
        month=OuterRef("month"),
        status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED],
    )
    if query.approved_only:
        qs = qs.filter(Exists(approved))
    return qs, approved
