"""Supervised persons' and team funds' indicators: counts and sums only, never a person."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from tuquan.care.models import Category, CheckIn, FundEntry, FundKind, IncomeBand, SupervisedPerson
from tuquan.core import scoping
from tuquan.core.indicators import Query, define, money, provider
from tuquan.core.roles import Cap

ACTIVE = " Người đang được giúp đỡ vào ngày cuối kỳ (bắt đầu trước đó, chưa kết thúc)."
define(
    "supervised.count",
    "Số người được quản lý, giúp đỡ",
    "Số người đang được quản lý, giúp đỡ vào ngày cuối kỳ; `.by_category` theo diện (prison, rehab,"
    " suspended, minor, other).",
    "stock",
)
define(
    "supervised.helped",
    "Số người được gặp, giúp đỡ trong kỳ",
    "Số người được giúp đỡ có ít nhất một lần gặp (kiểm tra) trong kỳ.",
    "flow",
)
define("supervised.employed", "Số người có việc làm", "Số người có việc làm." + ACTIVE, "stock")
define("supervised.loans", "Số người được vay vốn", "Số người được vay vốn ngân hàng." + ACTIVE, "stock")
define(
    "supervised.family_support",
    "Số người được gia đình hỗ trợ",
    "Số người được gia đình nhận, hỗ trợ." + ACTIVE,
    "stock",
)
define(
    "supervised.income_2m_plus",
    "Số người có thu nhập từ 2 triệu đồng/tháng",
    "Số người có thu nhập từ 2 triệu đồng mỗi tháng trở lên." + ACTIVE,
    "stock",
)
define(
    "supervised.reoffended",
    "Số người tái phạm",
    "Số người được giúp đỡ tái phạm trong kỳ (theo ngày tái phạm).",
    "flow",
)
define(
    "fund.contributions",
    "Tiền quỹ tổ đóng góp (đồng)",
    "Tổng tiền các hộ đóng góp vào quỹ tổ trong kỳ, kể cả bút toán sửa; chuỗi số đồng.",
    "money",
)
define(
    "fund.expenses",
    "Tiền quỹ tổ đã chi (đồng)",
    "Tổng tiền chi từ quỹ tổ trong kỳ, kể cả bút toán sửa; chuỗi số đồng.",
    "money",
)
define(
    "fund.balance",
    "Số dư quỹ tổ (đồng)",
    "Số dư quỹ các tổ vào ngày cuối kỳ: đóng góp trừ chi từ trước đến ngày đó; chuỗi số đồng.",
    "money",
)


@provider
def care_indicators(query: Query) -> dict[str, Any]:
    if query.type_code:
        return {}
    people = SupervisedPerson.objects.filter(
        scoping.subtree_q(query.actor, Cap.AREA_READ, path_field="area__path"),
        area__path__startswith=query.area.path,
    )
    active = people.filter(start_on__lte=query.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=query.end)
    )
    by_category = dict.fromkeys(Category.values, 0)
    for category, n in active.values_list("category").annotate(n=Count("id")).values_list("category", "n"):
        by_category[category] = n
    seen = CheckIn.objects.filter(
        person=OuterRef("pk"), occurred_on__gte=query.start, occurred_on__lte=query.end
    )
    figures: dict[str, Any] = {
        "supervised.count": sum(by_category.values()),
        "supervised.count.by_category": by_category,
        "supervised.helped": people.filter(Exists(seen)).count(),
        "supervised.employed": active.filter(job_found_on__lte=query.end).count(),
        "supervised.loans": active.filter(loan_on__lte=query.end).count(),
        "supervised.family_support": active.filter(family_support=True).count(),
        "supervised.income_2m_plus": active.filter(income_band=IncomeBand.FROM_2M).count(),
        "supervised.reoffended": people.filter(
            reoffended_on__gte=query.start, reoffended_on__lte=query.end
        ).count(),
    }
    from tuquan.registry.models import TeamArea

    in_area = TeamArea.objects.filter(
        scoping.subtree_q(query.actor, Cap.TEAM_READ, path_field="area__path"),
        area__path__startswith=query.area.path,
        team=OuterRef("team"),
    )
    entries = FundEntry.objects.filter(Exists(in_area))
    period = entries.filter(occurred_on__gte=query.start, occurred_on__lte=query.end)
    sums = {k: Decimal(0) for k in FundKind.values}
    for kind, total in period.values_list("kind").annotate(t=Sum("amount")).values_list("kind", "t"):
        sums[kind] = Decimal(total or 0)
    upto = {k: Decimal(0) for k in FundKind.values}
    for kind, total in (
        entries.filter(occurred_on__lte=query.end)
        .values_list("kind")
        .annotate(t=Sum("amount"))
        .values_list("kind", "t")
    ):
        upto[kind] = Decimal(total or 0)
    figures["fund.contributions"] = money(sums[FundKind.CONTRIBUTION])
    figures["fund.expenses"] = money(sums[FundKind.EXPENSE])
    figures["fund.balance"] = money(upto[FundKind.CONTRIBUTION] - upto[FundKind.EXPENSE])
    return figures
