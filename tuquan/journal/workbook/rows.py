"""The journal's sheets in an import: checked after the registry's rows and written in the
registry import's transaction (see the package's docstring)."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction
from tuquan.core.services import audit_record
from tuquan.core.workbook.writing import bulk_create, bulk_update_changed
from tuquan.journal import rollups, services
from tuquan.journal.models import Aggregate, Approval, Entry
from tuquan.journal.workbook.approvals import check_approvals
from tuquan.journal.workbook.common import Writes, place
from tuquan.journal.workbook.entries import check_entries
from tuquan.journal.workbook.totals import check_totals
from tuquan.registry import stocks


def check(imp: Any, sheets: dict[str, Any]) -> None:
    """Check the journal's rows (after the registry's) and plan their writes."""
    entries, aggregates, approvals = sheets.get("entries"), sheets.get("aggregates"), sheets.get("approvals")
    writes = Writes()
    if entries is not None:
        check_entries(imp, entries, writes)
    if aggregates is not None:
        check_totals(imp, aggregates, writes)
    if approvals is not None:
        check_approvals(imp, approvals, writes)  # after the entries: their checks as planned
    for anc, kind, day, c in writes.entry_spots:
        for area, _anc, indicator, start, end, _t in writes.total_spots:
            if area.ident in anc and services.INDICATOR_KIND[indicator] == kind and start <= day <= end:
                c.error(
                    "occurred_on",
                    _("Tệp cũng nhập số tổng hợp %(c)s của %(a)s cho kỳ này: không ghi cả hai.")
                    % {"c": indicator, "a": area.ident},
                )
    for i, (a, anc_a, ind_a, start_a, end_a, c) in enumerate(writes.total_spots):
        for b, anc_b, ind_b, start_b, end_b, _c in writes.total_spots[:i]:
            if (
                ind_a == ind_b
                and start_a <= end_b
                and start_b <= end_a
                and (a.ident in anc_b or b.ident in anc_a)
            ):
                c.error("area", _("Trùng kỳ hoặc trùng địa bàn với một dòng trên cho chỉ tiêu này."))
    if writes.writes_anything():
        imp.plan.later.append(partial(_apply, writes, imp.actor, imp.plan.source))
        imp.plan.journals |= _journals(writes)


def _journals(writes: Writes) -> set[int]:
    """Existing teams whose entries the writes change, as they were and as they will be (an
    entry may change team)."""
    changed = [e.pk for e in writes.entries.changed]
    journals = set(Entry.objects.filter(pk__in=changed).values_list("team_id", flat=True))
    return journals | {
        e.team.pk for e in writes.entries.new + writes.entries.changed if e.team.pk is not None
    }


def _apply(writes: Writes, actor: Actor, source: str) -> None:
    """Inside `registry.services.workbook_apply`'s transaction, after the registry's rows."""

    now = timezone.now()
    with stocks.changing(journals=_journals(writes)):
        # The village-months it writes are held whole until it commits: their entries change
        # many at once, then each month is recounted (an increment per row would cost more).
        # Taken after the teams' locks, in the order every entry write takes them.
        rollups.hold(*((v.pk, d) for v, d in writes.touched), exclusive=True)
        bulk_create(Entry, writes.entries.new)
        bulk_update_changed(Entry, writes.entries, now)
    through = Entry.participants.through
    through.objects.filter(entry_id__in=[e.pk for e, _p in writes.participants]).delete()
    through.objects.bulk_create(
        [through(entry_id=e.pk, person_id=p.pk) for e, people in writes.participants for p in people],
        batch_size=500,
    )
    bulk_create(Aggregate, writes.aggregates.new)
    bulk_update_changed(Aggregate, writes.aggregates, now)
    bulk_create(Approval, writes.approvals.new)
    bulk_update_changed(Approval, writes.approvals, now)
    for village_id, month in sorted({(v.pk, d.replace(day=1)) for v, d in writes.touched}):
        rollups.recount(village_id, month)
    _audit(writes, actor, source)


def _audit(writes: Writes, actor: Actor, source: str) -> None:
    """Checks and approvals are decisions: each village's imported checks, and each month's
    imported approval, get their own audit entry beside the import's (counts, no content)."""
    checks: dict[int, Counter[str]] = defaultdict(Counter)
    villages: dict[int, Area] = {}
    for entry in writes.checks:
        village = place(entry.village)
        villages[village.pk] = village
        checks[village.pk][entry.status] += 1
    for pk, counts in checks.items():
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="journal.entry",
            area=villages[pk],
            label=villages[pk].name,
            details={"imported_checks": dict(counts), "source": source},
        )
    for approval in writes.approvals.new + writes.approvals.changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=approval,
            area=approval.village,
            label=f"{approval.month:%m/%Y}",
            details={"imported": approval.status, "month": approval.month.isoformat(), "source": source},
        )
