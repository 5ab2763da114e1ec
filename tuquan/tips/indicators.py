"""The tip line's indicators: residents' tips received and assessed in a period.

These count tips sent by residents to the commune police; the journal's `tips.*` count
information the teams passed on. A tip linked to a journal entry counts once in each.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from statistics import median
from typing import Any

from django.db.models import Count
from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.indicators import Group, Query, define, grouped, provider
from tuquan.core.roles import Cap
from tuquan.tips.models import Tip, TipCategory, TipEvent, TipState

SOURCE = (
    " Tin người dân gửi qua đường dây tin báo (tin ẩn danh có mã biên nhận), khác với “tips.*” của nhật ký"
    " (tin các tổ cung cấp); một tin báo được liên kết với một hoạt động trong nhật ký được tính một lần ở mỗi bên."
)
define(
    "tipline.received",
    "Số tin báo người dân gửi",
    "Số tin báo nhận trong kỳ." + SOURCE,
    "flow",
    by=("category", "state"),
)
define(
    "tipline.valuable",
    "Số tin báo có giá trị",
    "Số tin báo nhận trong kỳ đã được cán bộ đánh giá “có giá trị” (kể cả khi sau đó chuyển đơn vị khác, đóng)."
    + SOURCE,
    "flow",
)
define(
    "tipline.first_response_hours",
    "Thời gian phản hồi đầu tiên (giờ, trung vị)",
    "Trung vị số giờ từ khi nhận đến lần đầu cán bộ trả lời hoặc đổi trạng thái, của các tin nhận trong kỳ đã"
    " được phản hồi; null khi không có tin nào được phản hồi." + SOURCE,
    "flow",
)


def _bounds(query: Query) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(query.start, time.min, tzinfo=tz)
    end = datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


@provider
def tipline_indicators(query: Query) -> dict[str, Any]:
    if query.type_code:
        return {}  # tips belong to no model type
    return tipline_indicators_grouped([query])[0]


@grouped(tipline_indicators)
def tipline_indicators_grouped(queries: list[Query]) -> list[dict[str, Any]]:
    """The tip line's figures for one area or for sibling areas at once: each count grouped
    by the area (child) the tip falls in, read at their parent."""
    group = Group.of(queries)
    if group is None:
        return [tipline_indicators(q) for q in queries]
    first, ids = group.first, group.ids
    if first.type_code:
        return [{} for _ in queries]
    start, end = _bounds(first)
    tips = group.tag(
        Tip.objects.filter(
            scoping.subtree_q(first.actor, Cap.AREA_READ, path_field="area__path"),
            area__path__startswith=group.scope.path,
            received_at__gte=start,
            received_at__lt=end,
        )
    )
    by_category = {pk: dict.fromkeys(TipCategory.values, 0) for pk in ids}
    for child, category, n in tips.values_list("child", "category").annotate(n=Count("id")).order_by():
        by_category[child][category] = n
    by_state = {pk: dict.fromkeys(TipState.values, 0) for pk in ids}
    for child, state, n in tips.values_list("child", "state").annotate(n=Count("id")).order_by():
        by_state[child][state] = n
    valued = dict.fromkeys(ids, 0)
    events = TipEvent.objects.filter(tip__in=tips.values("pk"), to_state=TipState.VALUABLE)
    for row in (
        events.annotate(child=group.key("tip__area"))
        .values("child")
        .annotate(n=Count("tip_id", distinct=True))
        .order_by()
    ):
        valued[row["child"]] = row["n"]
    hours: dict[int, list[float]] = {pk: [] for pk in ids}
    for child, received, responded in tips.filter(first_response_at__isnull=False).values_list(
        "child", "received_at", "first_response_at"
    ):
        if responded is not None:
            hours[child].append((responded - received).total_seconds() / 3600)
    return [
        {
            "tipline.received": sum(by_category[pk].values()),
            "tipline.received.by_category": by_category[pk],
            "tipline.received.by_state": by_state[pk],
            "tipline.valuable": valued[pk],
            "tipline.first_response_hours": round(median(hours[pk]), 1) if hours[pk] else None,
        }
        for pk in ids
    ]
