"""What the journal's sheets share: cell readers, the planned writes, the rosters on a day."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area
from tuquan.core.workbook.writing import Changes
from tuquan.journal.models import Approval, Entry, EntryStatus, IncidentKind, MediationOutcome, TipCategory
from tuquan.registry.models import Membership, Person, Team

DATETIME_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})")
CHOICES: dict[str, Any] = {
    "outcome": MediationOutcome.choices,
    "tip_category": TipCategory.choices,
    "incident_kind": IncidentKind.choices,
}
TEXTS = {"subject": 300, "offence": 200}


def number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else None


@dataclass
class Writes:
    entries: Changes = field(default_factory=Changes)
    participants: list[tuple[Entry, list[Person]]] = field(default_factory=list)
    touched: list[tuple[Area, date]] = field(default_factory=list)
    aggregates: Changes = field(default_factory=Changes)
    approvals: Changes = field(default_factory=Changes)
    # Entries whose check ("Trạng thái") the file sets: audited as imported checks.
    checks: list[Entry] = field(default_factory=list)
    # Each entry row's village-month and the status it will have, for the approvals' check.
    statuses: dict[str, tuple[str, date, str]] = field(default_factory=dict)
    # for the checks across the file: (ancestors and self, kind, day, row)
    entry_spots: list[tuple[set[str], str, date, wb.Cells]] = field(default_factory=list)
    total_spots: list[tuple[Area, set[str], str, date, date, wb.Cells]] = field(default_factory=list)

    def writes_anything(self) -> bool:
        return any(
            changes.new or changes.changed for changes in (self.entries, self.aggregates, self.approvals)
        )


def idents(area: Area) -> set[str]:
    """The area's identifier and its ancestors' (a village not yet saved: its commune's)."""
    if area.pk is None and area.parent is not None:
        return {*area.parent.ancestor_idents(), area.parent.ident, area.ident}
    return {*area.ancestor_idents(), area.ident}


def place(area: Area) -> Area:
    return area.parent if area.pk is None and area.parent is not None else area


def decimal(c: wb.Cells, key: str, *, places: int, digits: int, required: bool = False) -> Decimal | None:
    """A non-negative number the column's field holds as given: a value the database would
    round would differ from the file at every later import."""
    text = c.text(key, required=required).replace(",", ".")
    if not text:
        return None
    try:
        found = Decimal(text)
    except InvalidOperation:
        c.error(key, _("“%(v)s” không phải một số.") % {"v": text[:40]})
        return None
    if not found.is_finite() or found < 0:
        c.error(key, _("Phải là số không âm."))
        return None
    exponent = found.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        c.error(key, _("Tối đa %(n)s chữ số sau dấu phẩy.") % {"n": places})
        return None
    if found >= Decimal(10) ** (digits - places):
        c.error(key, _("Số quá lớn."))
        return None
    return found


def date_time(c: wb.Cells, key: str) -> datetime | None:
    value = c.cells.get(key)
    if isinstance(value, datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    text = c.text(key)
    if not text:
        return None
    match = DATETIME_RE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        day, month, year, hour, minute = (int(g) for g in match.groups())
        return timezone.make_aware(datetime(year, month, day, hour, minute))
    except (ValueError, OverflowError):
        c.error(key, _("“%(v)s” không phải ngày giờ dạng dd/mm/yyyy hh:mm.") % {"v": text[:40]})
        return None


def extra(c: wb.Cells) -> dict[str, int | float]:
    found: dict[str, int | float] = {}
    for part in (p.strip() for p in c.text("extra").split(";")):
        if not part:
            continue
        code, sep, raw = (s.strip() for s in part.partition("="))
        try:
            value = Decimal(raw.replace(",", "."))
            if not sep or not code or not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            c.error("extra", _("Ghi “mã=số” cách nhau bởi “;”: “%(v)s”.") % {"v": part[:40]})
            continue
        found[code] = int(value) if value == value.to_integral_value() else float(value)
    return found


class Members:
    """Active members of a team on a day, as the file leaves the rosters."""

    def __init__(self, imp: Any) -> None:
        spans: dict[Any, dict[Any, tuple[date, date | None]]] = defaultdict(dict)
        team_ids = [t.pk for t in imp.db_teams.values()]
        for m in Membership.objects.filter(team_id__in=team_ids).only("id", "team_id", "start_on", "end_on"):
            spans[("pk", m.team_id)][m.pk] = (m.start_on, m.end_on)
        for m in imp.plan.memberships.changed:
            spans[("pk", m.team_id)][m.pk] = (m.start_on, m.end_on)
        for m in imp.plan.memberships.new:
            spans[self.key(m.team)][id(m)] = (m.start_on, m.end_on)
        self.spans = spans

    @staticmethod
    def key(team: Team) -> tuple[str, int]:
        return ("pk", team.pk) if team.pk is not None else ("id", id(team))

    def on(self, team: Team, day: date) -> int:
        return sum(
            1
            for start, end in self.spans[self.key(team)].values()
            if start <= day and (end is None or end >= day)
        )


def approvals_in(village_ids: set[int]) -> dict[tuple[int, date], Approval]:
    """The recorded approvals of these villages, by (village, month)."""
    found: dict[tuple[int, date], Approval] = {}
    for batch in wb.chunks(village_ids):
        for approval in Approval.objects.filter(village_id__in=batch):
            found[(approval.village_id, approval.month)] = approval
    return found


UNCHECKED = (EntryStatus.SUBMITTED, EntryStatus.RETURNED)
