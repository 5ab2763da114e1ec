"""The journal's rows: exported with the registry's, checked after them and written in the
registry import's transaction (see the package's docstring)."""

from __future__ import annotations

import copy
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import LEGACY_LEVELS, Area, Level
from tuquan.core.roles import Cap
from tuquan.core.units import LEGACY_END
from tuquan.core.workbook.writing import Changes, bulk_create, bulk_update_changed
from tuquan.journal import rollups, services
from tuquan.journal.models import (
    Aggregate,
    Approval,
    ApprovalStatus,
    Entry,
    EntryStatus,
    IncidentKind,
    MediationOutcome,
    PeriodKind,
    TipCategory,
)
from tuquan.journal.workbook.sheets import ENTRIES
from tuquan.registry import stocks
from tuquan.registry.models import Membership, Person, Team
from tuquan.registry.workbook import JOURNAL_CHOICES

DATETIME_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})")
CHOICES: dict[str, Any] = {
    "outcome": MediationOutcome.choices,
    "tip_category": TipCategory.choices,
    "incident_kind": IncidentKind.choices,
}
TEXTS = {"subject": 300, "offence": 200}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else None


# --- export --------------------------------------------------------------------------------


def export_rows(
    inside: str, teams: dict[int, Team], people: dict[int, Person]
) -> dict[str, list[dict[str, Any]]]:
    """The entries of the exported teams and the totals entered in the area (or in the old
    units that went into it). Participants the file does not list are left out, as attendees."""
    entries = (
        Entry.objects.filter(team_id__in=list(teams))
        .select_related("village")
        .prefetch_related(Prefetch("participants", queryset=Person.objects.only("id", "uid")))
    )
    entry_rows = []
    for e in entries:
        row: dict[str, Any] = {
            "key": str(e.uid),
            "team": str(teams[e.team_id].uid),
            "village": e.village.ident,
            "kind": wb.label(JOURNAL_CHOICES, e.kind),
            "occurred_on": e.occurred_on,
            "participants": "; ".join(sorted(str(p.uid) for p in e.participants.all() if p.pk in people)),
            "other_participants": e.other_participants,
            "started_at": _moment(e.started_at),
            "ended_at": _moment(e.ended_at),
            "poppy_m2": _number(e.poppy_m2),
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
        entry_rows.append(row)
    aggregates = (
        Aggregate.objects.filter(
            Q(area__path__startswith=inside)
            | Q(area__level__in=LEGACY_LEVELS, area__successor_links__successor__path__startswith=inside)
        )
        .distinct()
        .select_related("area")
    )
    aggregate_rows = [
        {
            "key": str(a.uid),
            "area": a.area.ident,
            "indicator": a.indicator,
            "period_kind": wb.label(PeriodKind.choices, a.period_kind),
            "period_start": a.period_start,
            "value": _number(a.value),
            "note": a.note,
        }
        for a in aggregates
    ]
    return {
        "entries": sorted(entry_rows, key=lambda r: (r["occurred_on"], r["village"], r["key"])),
        "aggregates": sorted(aggregate_rows, key=lambda r: (r["period_start"], r["area"], r["indicator"])),
    }


# --- import --------------------------------------------------------------------------------


@dataclass
class _Writes:
    entries: Changes = field(default_factory=Changes)
    participants: list[tuple[Entry, list[Person]]] = field(default_factory=list)
    touched: list[tuple[Area, date]] = field(default_factory=list)
    aggregates: Changes = field(default_factory=Changes)
    # for the checks across the file: (ancestors and self, kind, day, row)
    entry_spots: list[tuple[set[str], str, date, wb.Cells]] = field(default_factory=list)
    total_spots: list[tuple[Area, set[str], str, date, date, wb.Cells]] = field(default_factory=list)


def _idents(area: Area) -> set[str]:
    """The area's identifier and its ancestors' (a village not yet saved: its commune's)."""
    if area.pk is None and area.parent is not None:
        return {*area.parent.ancestor_idents(), area.parent.ident, area.ident}
    return {*area.ancestor_idents(), area.ident}


def _place(area: Area) -> Area:
    return area.parent if area.pk is None and area.parent is not None else area


def _decimal(c: wb.Cells, key: str, *, required: bool = False) -> Decimal | None:
    text = c.text(key, required=required).replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        c.error(key, _("“%(v)s” không phải một số.") % {"v": text[:40]})
        return None
    if not number.is_finite() or number < 0:
        c.error(key, _("Phải là số không âm."))
        return None
    return number


def _datetime(c: wb.Cells, key: str) -> datetime | None:
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
    except ValueError:
        c.error(key, _("“%(v)s” không phải ngày giờ dạng dd/mm/yyyy hh:mm.") % {"v": text[:40]})
        return None


def _extra(c: wb.Cells) -> dict[str, int | float]:
    found: dict[str, int | float] = {}
    for part in (p.strip() for p in c.text("extra").split(";")):
        if not part:
            continue
        code, sep, raw = (s.strip() for s in part.partition("="))
        try:
            number = Decimal(raw.replace(",", "."))
            if not sep or not code or not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            c.error("extra", _("Ghi “mã=số” cách nhau bởi “;”: “%(v)s”.") % {"v": part[:40]})
            continue
        found[code] = int(number) if number == number.to_integral_value() else float(number)
    return found


class _Members:
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


def check(imp: Any, sheets: dict[str, Any]) -> None:
    """Check the journal's rows (after the registry's) and plan their writes."""
    entries, aggregates = sheets.get("entries"), sheets.get("aggregates")
    writes = _Writes()
    if entries is not None:
        _entries(imp, entries, writes)
    if aggregates is not None:
        _aggregates(imp, aggregates, writes)
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
    if writes.entries.new or writes.entries.changed or writes.aggregates.new or writes.aggregates.changed:
        imp.plan.later.append(partial(_apply, writes))
        imp.plan.journals |= _journals(writes)


def _locked_months(imp: Any, known: dict[str, Entry]) -> set[tuple[int, date]]:
    villages = {a.pk for a in imp.areas.values() if a.pk and a.level == Level.VILLAGE}
    villages |= {e.village_id for e in known.values()}
    return set(
        Approval.objects.filter(
            village_id__in=villages, status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED]
        ).values_list("village_id", "month")
    )


def _entries(imp: Any, data: Any, writes: _Writes) -> None:
    known: dict[str, Entry] = imp._by_uid(Entry, data, ["team__type", "village__parent"])
    before: dict[int, list[Person]] = defaultdict(list)
    through = Entry.participants.through
    for link in through.objects.filter(entry_id__in=[e.pk for e in known.values()]).select_related(
        "person__area"
    ):
        before[link.entry_id].append(link.person)
    locked = _locked_months(imp, known)
    members = _Members(imp)
    kinds = wb.options(JOURNAL_CHOICES)
    options = {name: wb.options(choices) for name, choices in CHOICES.items()}
    columns = {c.key for c in ENTRIES.columns}
    seen: set[str] = set()
    for number, cells in data.rows:
        c = wb.Cells(imp, data, number, cells)
        imp.tick()
        key, existing, ok = imp._existing_key(
            c, known, seen, lambda e: imp.covers(e.village.path, Cap.TEAM_READ) or imp._team_visible(e.team)
        )
        if not ok:
            continue
        team = imp.team_ref(c, "team", required=True)
        ident = c.text("village", required=True)
        village = imp.area_ref(c, "village", ident) if ident else None
        if village is not None and village.level != Level.VILLAGE:
            c.error("village", _("Ghi một thôn, tổ dân phố."))
        kind = c.choice("kind", kinds, required=True)
        day = c.date("occurred_on", required=True)
        people = [
            p for p in (imp.person_ref(c, "participants", k) for k in c.keys("participants")) if p is not None
        ]
        values: dict[str, Any] = {
            "team": team,
            "village": village,
            "kind": kind,
            "occurred_on": day,
            "other_participants": c.integer("other_participants") or 0,
            "started_at": _datetime(c, "started_at"),
            "ended_at": _datetime(c, "ended_at"),
            "poppy_m2": _decimal(c, "poppy_m2"),
            "extra": _extra(c),
            "note": c.text("note"),
        }
        for name, length in TEXTS.items():
            values[name] = c.text(name, max_length=length)
        for name, choices in options.items():
            values[name] = c.choice(name, choices)
        for name in services.ALL_KIND_FIELDS:
            if name not in values:
                values[name] = c.integer(name)
        allowed = set(services.KIND_FIELDS.get(kind, ()))
        for name in services.ALL_KIND_FIELDS:
            if kind and name not in allowed and values[name] not in (None, ""):
                c.error(name, _("Loại hoạt động này không ghi cột này."))
        values = {
            k: v for k, v in values.items() if c.has(k) or k in ("team", "village", "kind", "occurred_on")
        }
        if c.failed or team is None or village is None or day is None:
            continue
        if existing is not None and (existing.team_id != team.pk or existing.kind != kind):
            c.error(
                "team" if existing.team_id != team.pk else "kind",
                _("Tổ và loại hoạt động không đổi được bằng tệp."),
            )
            continue
        diff = [k for k, v in values.items() if not wb.same(existing, k, v)] if existing is not None else []
        people_change = (
            c.has("participants")
            and existing is not None
            and (
                {p.pk for p in before.get(existing.pk, []) if imp.may_read_record(p.area)}
                != {p.pk for p in people}
                or any(p.pk is None for p in people)
            )
        )
        if existing is not None and not diff and not people_change:
            imp.summary.of("entries").unchanged += 1
            continue
        # The row writes: the journal's rules, as on the form and the API.
        places = [(village, day)] + ([(existing.village, existing.occurred_on)] if existing else [])
        for area, when in places:
            if area.pk is not None and (area.pk, when.replace(day=1)) in locked:
                c.error(
                    "occurred_on",
                    _("Tháng %(m)s của %(v)s đã được duyệt: cần người duyệt mở lại trước khi sửa.")
                    % {"m": when.strftime("%m/%Y"), "v": area.name},
                )
        if c.failed:
            continue
        probe = copy.copy(existing) if existing is not None else Entry(uid=wb.as_uuid(key) or uuid.uuid4())
        for name, value in values.items():
            setattr(probe, name, value)
        areas = imp.team_areas.get(id(team))
        if areas is None:
            areas = list(team.areas.all()) if team.pk is not None else []
        belongs = village in areas or (village.parent is not None and village.parent in areas)
        try:
            probe.full_clean(
                exclude=["team", "village", "participants", "created_by", "reviewed_by"],
                validate_unique=False,
            )
            services.validate_entry(
                probe,
                participants=people,
                confirm=True,  # an outlying value was confirmed when first recorded; the file is checked
                villages=[village] if belongs else [],
                members=members.on(team, day),
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    c.error(name if name in columns and c.has(name) else "key", message)
            continue
        anc = _idents(village)
        covering = Aggregate.objects.filter(
            area__ident__in=anc,
            indicator__in=services.KIND_INDICATORS.get(kind, []),
            period_start__lte=day,
            period_end__gte=day,
        ).first()
        if covering is not None:
            c.error(
                "occurred_on",
                _(
                    "Kỳ này đã được nhập số tổng hợp (%(c)s): không ghi thêm từng hoạt động để tránh đếm hai lần."
                )
                % {"c": covering.indicator},
            )
            continue
        writes.entry_spots.append((anc, kind, day, c))
        if existing is not None and existing.status != EntryStatus.SUBMITTED:
            values["status"] = EntryStatus.SUBMITTED  # what was checked is no longer what is recorded
        entry = existing or Entry(uid=probe.uid, created_by=imp.user, status=EntryStatus.SUBMITTED)

        def may_write(t: Team = team, v: Area = village, old: Entry | None = existing) -> bool:
            def at(a: Area) -> bool:
                return imp.may_edit_roster(t) or imp.covers(_place(a).path)

            return at(v) and (old is None or at(old.village))

        booked = imp.book(
            c,
            "entries",
            writes.entries,
            entry,
            values,
            new=existing is None,
            may_write=may_write,
            where="team",
            area=_place(village),
        )
        if not booked and people_change and not c.failed:
            if not may_write():
                c.error("participants", _("Bạn không có quyền sửa hồ sơ này."))
                continue
            counts = imp.summary.of("entries")
            counts.unchanged -= 1
            counts.changed += 1
            imp.wrote(_place(village))
            booked = True
        if not booked:
            continue
        if existing is None or people_change:
            # People the importer cannot see stay: the file could not have shown them.
            hidden = (
                [p for p in before.get(entry.pk, []) if not imp.may_read_record(p.area)] if existing else []
            )
            writes.participants.append((entry, hidden + people))
        writes.touched.extend(places)


def _aggregates(imp: Any, data: Any, writes: _Writes) -> None:
    known: dict[str, Aggregate] = imp._by_uid(Aggregate, data, ["area__parent", "area__province"])
    kinds = wb.options(PeriodKind.choices)
    today = timezone.localdate()
    seen: set[str] = set()
    for number, cells in data.rows:
        c = wb.Cells(imp, data, number, cells)
        imp.tick()
        key, existing, ok = imp._existing_key(
            c,
            known,
            seen,
            lambda a: services._may_enter_totals(imp.actor, a.area) or imp.may_read_record(a.area),
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
        value = _decimal(c, "value", required=True)
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
                may_write=lambda a=area: services._may_enter_totals(imp.actor, a),
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
            units, recorded_at = Q(area__ident__in=_idents(area) - {area.ident}), Q(pk__in=[])
        else:
            units, recorded_at = services._overlapping(area)
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
        writes.total_spots.append((area, _idents(area), indicator, start, end, c))
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
                imp.covers(_place(a).path, Cap.AGGREGATE_WRITE)
                if a.pk is None
                else services._may_enter_totals(imp.actor, a)
            ),
            where="area",
            area=_place(area),
        )


def _journals(writes: _Writes) -> set[int]:
    """Existing teams whose entries the writes change, as they were and as they will be (an
    entry may change team)."""
    changed = [e.pk for e in writes.entries.changed]
    journals = set(Entry.objects.filter(pk__in=changed).values_list("team_id", flat=True))
    return journals | {
        e.team.pk for e in writes.entries.new + writes.entries.changed if e.team.pk is not None
    }


def _apply(writes: _Writes) -> None:
    """Inside `registry.services.workbook_apply`'s transaction, after the registry's rows."""

    now = timezone.now()
    with stocks.changing(journals=_journals(writes)):
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
    for village_id, month in sorted({(v.pk, d.replace(day=1)) for v, d in writes.touched}):
        rollups.refresh(village_id, month)
