"""Supervised persons' and team funds' indicators: counts and sums only, never a person."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from tuquan.care.models import Category, CheckIn, FundEntry, FundKind, IncomeBand, SupervisedPerson
from tuquan.core import scoping
from tuquan.core.indicators import Group, Query, define, grouped, money, provider
from tuquan.core.roles import Cap
from tuquan.registry.models import TeamArea

ACTIVE = " Người đang được giúp đỡ vào ngày cuối kỳ (bắt đầu trước đó, chưa kết thúc)."
define(
    "supervised.count",
    "Số người được quản lý, giúp đỡ",
    "Số người đang được quản lý, giúp đỡ vào ngày cuối kỳ; `.by_category` theo diện (prison, rehab,"
    " suspended, minor, other).",
    "stock",
    by=("category",),
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
    return care_indicators_grouped([query])[0]


@grouped(care_indicators)
def care_indicators_grouped(queries: list[Query]) -> list[dict[str, Any]]:
    """Supervision and fund figures for one area or for sibling areas at once, each count
    grouped by the child the person (or the fund's team) falls in. Counts only: no person's
    row is read into Python here."""
    group = Group.of(queries)
    if group is None:
        return [care_indicators(q) for q in queries]
    first, ids = group.first, group.ids
    if first.type_code:
        return [{} for _ in queries]
    people = group.tag(
        SupervisedPerson.objects.filter(
            scoping.subtree_q(first.actor, Cap.AREA_READ, path_field="area__path"),
            area__path__startswith=group.scope.path,
        )
    )
    active = Q(start_on__lte=first.end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=first.end))
    by_category = {pk: dict.fromkeys(Category.values, 0) for pk in ids}
    for kid, category, n in (
        people.filter(active).values_list("child", "category").annotate(n=Count("id")).order_by()
    ):
        by_category[kid][category] = n
    seen = CheckIn.objects.filter(
        person=OuterRef("pk"), occurred_on__gte=first.start, occurred_on__lte=first.end
    )
    counted: dict[int, Any] = {
        row["child"]: row
        for row in people.annotate(seen=Exists(seen))
        .values("child")
        .annotate(
            helped=Count("id", filter=Q(seen=True)),
            employed=Count("id", filter=active & Q(job_found_on__lte=first.end)),
            loans=Count("id", filter=active & Q(loan_on__lte=first.end)),
            family=Count("id", filter=active & Q(family_support=True)),
            income=Count("id", filter=active & Q(income_band=IncomeBand.FROM_2M)),
            reoffended=Count("id", filter=Q(reoffended_on__gte=first.start, reoffended_on__lte=first.end)),
        )
        .order_by()
    }

    # A fund entry counts wherever its team works: once per child however many of the
    # child's villages the team has.
    links = group.tag(
        TeamArea.objects.filter(
            scoping.subtree_q(first.actor, Cap.TEAM_READ, path_field="area__path"),
            area__path__startswith=group.scope.path,
        )
    )
    period: dict[int, dict[str, Decimal]] = {pk: {k: Decimal(0) for k in FundKind.values} for pk in ids}
    upto: dict[int, dict[str, Decimal]] = {pk: {k: Decimal(0) for k in FundKind.values} for pk in ids}
    if group.parent is None:
        entries = FundEntry.objects.filter(
            Exists(links.filter(team=OuterRef("team"))), occurred_on__lte=first.end
        )
        for kind, in_period, total in (
            entries.values_list("kind")
            .annotate(p=Sum("amount", filter=Q(occurred_on__gte=first.start)), t=Sum("amount"))
            .values_list("kind", "p", "t")
        ):
            period[first.area.pk][kind] = Decimal(in_period or 0)
            upto[first.area.pk][kind] = Decimal(total or 0)
    else:
        # The ledger's lines (a few per team and month) with each child their team works in.
        lines = (
            FundEntry.objects.filter(team__team_areas__in=links.values("pk"), occurred_on__lte=first.end)
            .annotate(child=group.key("team__team_areas__area"))
            .values_list("child", "id", "kind", "amount", "occurred_on")
            .distinct()
        )
        for pk, _line, kind, amount, day in lines:
            upto[pk][kind] += amount
            if day >= first.start:
                period[pk][kind] += amount
    empty = {"helped": 0, "employed": 0, "loans": 0, "family": 0, "income": 0, "reoffended": 0}
    out = []
    for pk in ids:
        row: Any = counted.get(pk, empty)
        out.append(
            {
                "supervised.count": sum(by_category[pk].values()),
                "supervised.count.by_category": by_category[pk],
                "supervised.helped": row["helped"],
                "supervised.employed": row["employed"],
                "supervised.loans": row["loans"],
                "supervised.family_support": row["family"],
                "supervised.income_2m_plus": row["income"],
                "supervised.reoffended": row["reoffended"],
                "fund.contributions": money(period[pk][FundKind.CONTRIBUTION]),
                "fund.expenses": money(period[pk][FundKind.EXPENSE]),
                "fund.balance": money(upto[pk][FundKind.CONTRIBUTION] - upto[pk][FundKind.EXPENSE]),
            }
        )
    return out
