"""Checking the "Duyệt tháng" sheet: a village's month approved by the commune, accepted by
the province or reopened, as the file says, when the importer may decide it and when every
entry of that month is checked once the file's rows are written."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.journal.models import Approval, ApprovalStatus, Entry, EntryStatus
from tuquan.journal.workbook.common import Writes, approvals_in, place

MONTH_RE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
LOCKING = (ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED)


def month_cell(c: wb.Cells, key: str) -> date | None:
    """A month as "mm/yyyy", or any day of it (a date cell, "dd/mm/yyyy")."""
    value = c.cells.get(key)
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = c.text(key, required=True)
    if not text:
        return None
    match = MONTH_RE.fullmatch(text)
    if match is None:
        if text.count("/") == 2 or text.count("-") == 2:  # a whole date: its month
            day = c.date(key)
            return date(day.year, day.month, 1) if day is not None else None
        c.error(key, _("“%(v)s” không phải một tháng dạng mm/yyyy.") % {"v": text[:40]})
        return None
    month, year = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1900:
        c.error(key, _("“%(v)s” không phải một tháng dạng mm/yyyy.") % {"v": text[:40]})
        return None
    return date(year, month, 1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _unchecked(imp: Any, wanted: set[tuple[str, date]], writes: Writes) -> Counter[tuple[str, date]]:
    """Entries of these village-months that will not be checked once the file is written:
    the file's own rows as planned, the others as recorded."""
    found: Counter[tuple[str, date]] = Counter(
        (ident, month)
        for ident, month, status in writes.statuses.values()
        if (ident, month) in wanted and status != EntryStatus.VERIFIED
    )
    villages = {imp.areas[ident].pk for ident, _m in wanted if imp.areas[ident].pk is not None}
    if not villages:
        return found
    first = min(m for _i, m in wanted)
    last = _next_month(max(m for _i, m in wanted))
    for batch in wb.chunks(villages):
        rows = (
            Entry.objects.filter(village_id__in=batch, occurred_on__gte=first, occurred_on__lt=last)
            .exclude(status=EntryStatus.VERIFIED)
            .values_list("uid", "village__ident", "occurred_on")
        )
        for uid, ident, day in rows:
            spot = (ident, day.replace(day=1))
            if spot in wanted and str(uid) not in writes.statuses:
                found[spot] += 1
    return found


def check_approvals(imp: Any, data: Any, writes: Writes) -> None:
    statuses = wb.options(ApprovalStatus.choices)
    this_month = timezone.localdate().replace(day=1)
    rows: list[tuple[wb.Cells, Area, date, str, str]] = []
    seen: set[tuple[str, date]] = set()
    for number, cells in data.rows:
        c = wb.Cells(imp, data, number, cells)
        imp.tick()
        ident = c.text("village", required=True)
        village = imp.area_ref(c, "village", ident) if ident else None
        if village is not None and (village.level != Level.VILLAGE or village.is_legacy):
            c.error("village", _("Ghi một thôn, tổ dân phố hiện hành."))
        elif village is not None and not imp.covers(place(village).path, Cap.AREA_READ):
            c.error("village", _("Không có địa bàn mã “%(v)s”.") % {"v": ident[:40]})
        month = month_cell(c, "month")
        status = c.choice("status", statuses, required=True)
        reason = c.text("reopen_reason", max_length=300)
        if status == ApprovalStatus.REOPENED and not reason:
            c.error("reopen_reason", _("Ghi lý do mở lại."))
        if month is not None and month >= this_month and status in LOCKING:
            c.error("month", _("Chỉ duyệt được tháng đã kết thúc."))
        if c.failed or village is None or month is None:
            continue
        if (village.ident, month) in seen:
            c.error("month", _("Thôn và tháng trùng với một dòng trên."))
            continue
        seen.add((village.ident, month))
        rows.append((c, village, month, status, reason))
    known = approvals_in({v.pk for _c, v, _m, _s, _r in rows if v.pk is not None})
    unchecked = _unchecked(imp, {(v.ident, m) for _c, v, m, s, _r in rows if s in LOCKING}, writes)
    now = timezone.now()
    for c, village, month, status, reason in rows:
        existing = known.get((village.pk, month)) if village.pk is not None else None
        if existing is not None and existing.status == status and existing.reopen_reason == reason:
            imp.summary.of("approvals").unchanged += 1
            continue
        where = place(village).path
        needs = [Cap.JOURNAL_ACCEPT if status == ApprovalStatus.ACCEPTED else Cap.JOURNAL_REVIEW]
        if existing is not None and existing.status == ApprovalStatus.ACCEPTED:
            needs.append(Cap.JOURNAL_ACCEPT)  # only the province undoes what the province accepted
        if not all(imp.covers(where, cap) for cap in needs):
            c.error(
                "status",
                _("Chỉ cán bộ tỉnh chấp nhận hoặc mở lại tháng đã chấp nhận.")
                if Cap.JOURNAL_ACCEPT in needs
                else _("Chỉ cán bộ xã duyệt hoặc mở lại số liệu tháng."),
            )
            continue
        pending = unchecked.get((village.ident, month), 0)
        if status in LOCKING and pending:
            c.error(
                "status",
                _("Còn %(n)s hoạt động chưa kiểm tra ở %(v)s tháng %(m)s.")
                % {"n": pending, "v": village.name, "m": f"{month:%m/%Y}"},
            )
            continue
        approval = existing or Approval(village=village, month=month)
        values: dict[str, Any] = {"status": status, "reopen_reason": reason}
        if status in LOCKING and (existing is None or existing.status not in LOCKING):
            values.update(approved_by=imp.user, approved_at=now)
        if status == ApprovalStatus.ACCEPTED and (existing is None or existing.status != status):
            values.update(accepted_by=imp.user, accepted_at=now)
        imp.book(
            c,
            "approvals",
            writes.approvals,
            approval,
            values,
            new=existing is None,
            may_write=lambda: True,  # the rights were checked above, by status
            where="status",
            area=village,
        )
        writes.touched.append((village, month))
