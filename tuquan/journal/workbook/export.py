"""The journal's rows of an exported area: its teams' entries with their checks, the totals
entered there, and its villages' approved months."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import LEGACY_LEVELS
from tuquan.journal.models import Aggregate, Approval, ApprovalStatus, Entry, EntryStatus, PeriodKind
from tuquan.journal.workbook.common import CHOICES, moment, number
from tuquan.registry.models import Person, Team
from tuquan.registry.workbook import JOURNAL_CHOICES


def export_rows(
    inside: str, teams: dict[int, Team], people: dict[int, Person]
) -> dict[str, list[dict[str, Any]]]:
    """The entries of the exported teams and the totals entered in the area (or in the old
    units that went into it). Participants the file does not list are left out, as attendees."""
    return {
        "entries": _entries(teams, people),
        "aggregates": _aggregates(inside),
        "approvals": _approvals(inside),
    }


def _entries(teams: dict[int, Team], people: dict[int, Person]) -> list[dict[str, Any]]:
    entries = (
        Entry.objects.filter(team_id__in=list(teams))
        .select_related("village")
        .prefetch_related(Prefetch("participants", queryset=Person.objects.only("id", "uid")))
    )
    rows = []
    for e in entries:
        row: dict[str, Any] = {
            "key": str(e.uid),
            "team": str(teams[e.team_id].uid),
            "village": e.village.ident,
            "kind": wb.label(JOURNAL_CHOICES, e.kind),
            "occurred_on": e.occurred_on,
            "participants": "; ".join(sorted(str(p.uid) for p in e.participants.all() if p.pk in people)),
            "other_participants": e.other_participants,
            "started_at": moment(e.started_at),
            "ended_at": moment(e.ended_at),
            "poppy_m2": number(e.poppy_m2),
            "tip_valuable": None if e.tip_valuable is None else (_("Có") if e.tip_valuable else _("Không")),
            "extra": "; ".join(f"{k}={v}" for k, v in sorted((e.extra or {}).items())),
            "note": e.note,
            "status": wb.label(EntryStatus.choices, e.status),
            "review_comment": e.review_comment,
        }
        for name in ("member_turns", "attendance_persons", "attendance_households", "parties", "cases"):
            row[name] = getattr(e, name)
        for name in ("suspects", "homemade_guns", "guns", "bullets", "explosives", "knives"):
            row[name] = getattr(e, name)
        for name in ("other_items", "migration_cases", "subject", "offence"):
            row[name] = getattr(e, name)
        for name, choices in CHOICES.items():
            row[name] = wb.label(choices, getattr(e, name))
        rows.append(row)
    return sorted(rows, key=lambda r: (r["occurred_on"], r["village"], r["key"]))


def _aggregates(inside: str) -> list[dict[str, Any]]:
    aggregates = (
        Aggregate.objects.filter(
            Q(area__path__startswith=inside)
            | Q(area__level__in=LEGACY_LEVELS, area__successor_links__successor__path__startswith=inside)
        )
        .distinct()
        .select_related("area")
    )
    rows = [
        {
            "key": str(a.uid),
            "area": a.area.ident,
            "indicator": a.indicator,
            "period_kind": wb.label(PeriodKind.choices, a.period_kind),
            "period_start": a.period_start,
            "value": number(a.value),
            "note": a.note,
        }
        for a in aggregates
    ]
    return sorted(rows, key=lambda r: (r["period_start"], r["area"], r["indicator"]))


def _approvals(inside: str) -> list[dict[str, Any]]:
    """Who approved and when stay in this installation's audit log: the file carries what
    was decided, which a receiving installation records as imported."""
    approvals = Approval.objects.filter(village__path__startswith=inside).select_related("village")
    rows = [
        {
            "village": a.village.ident,
            "village_name": a.village.name,
            "month": f"{a.month:%m/%Y}",
            "status": wb.label(ApprovalStatus.choices, a.status),
            "reopen_reason": a.reopen_reason,
        }
        for a in approvals
    ]
    return sorted(rows, key=lambda r: (r["month"][3:], r["month"][:2], r["village"]))
