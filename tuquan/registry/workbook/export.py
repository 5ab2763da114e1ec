"""Exporting an area's registry workbook (every sheet, the rows the exporter may read)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tuquan.core import workbook as wb
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.permissions import can_read_people
from tuquan.core.services import audit_record
from tuquan.core.text import sort_key
from tuquan.core.workbook.writing import append
from tuquan.registry import selectors
from tuquan.registry.models import (
    AttachTo,
    Commendation,
    CommendationLevel,
    Commitment,
    Education,
    Gender,
    Household,
    Membership,
    ModelType,
    Person,
    Team,
    TeamArea,
    TeamHousehold,
    TeamStatus,
    TeamStatusChange,
    Training,
    TypeKind,
)
from tuquan.registry.permissions import can_read_sensitive
from tuquan.registry.workbook.format import (
    JOURNAL_CHOICES,
    SENSITIVE,
    extra_text,
    role_cell,
    roles_text,
    sheets,
)

# --- export --------------------------------------------------------------------------------


def export_workbook(*, actor: Actor, area: Area) -> bytes:
    """The registry of `area` (and what its rows refer to) as one workbook.

    Needs the right to read people over the whole area. The sensitive columns (ID number,
    ethnicity, religion, phone) are written only when the actor may read them everywhere in
    the area; reading them for an export is one audit entry for the export, not one per person.
    """
    if area.is_legacy:
        raise ValidationError(_("Chỉ xuất được địa bàn hiện hành."))
    if not can_read_people(actor, area):
        raise PermissionDenied(_("Bạn không được xuất sổ theo dõi của địa bàn này."))
    sensitive = can_read_sensitive(actor, area)
    # The workbook's words are the format, not the interface: always Vietnamese.
    with translation.override("vi"):
        rows = _Exporter(actor, area, sensitive).rows()
        data = _write_workbook(rows, sensitive)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        area=area,
        label=area.name,
        object_type="registry.workbook",
        details={
            "sheets": {key: len(r) for key, r in rows.items()},
            "sensitive_fields": list(SENSITIVE) if sensitive else [],
        },
    )
    return data


def export_filename(area: Area) -> str:
    return f"so-theo-doi-{area.ident}-{timezone.localdate():%Y%m%d}.xlsx"


class _Exporter:
    """Collects the rows of every sheet with a fixed number of queries.

    Besides the area's own rows it includes what they refer to (a household's head living
    elsewhere, the villages of a team spanning communes, a sub-team's parent), so a file
    imported into an empty database has no reference it cannot resolve.
    """

    def __init__(self, actor: Actor, area: Area, sensitive: bool) -> None:
        self.actor, self.area, self.sensitive = actor, area, sensitive
        self.inside = area.path
        self.area_cache: dict[int, Area] = {}

    def _may_read_person(self, area: Area) -> bool:
        return can_read_people(self.actor, area)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        teams = self._teams()
        team_ids = set(teams)
        people, households = self._people_and_households(team_ids)
        trainings = list(
            Training.objects.filter(Q(area__path__startswith=self.inside) | Q(team_id__in=team_ids))
            .select_related("area", "team")
            # Attendees by identifier only: their sensitive fields are not this query's business.
            .prefetch_related(Prefetch("attendees", queryset=Person.objects.only("id", "uid")))
        )
        trainings = [t for t in trainings if t.team_id is None or t.team_id in team_ids]
        extra_people = {p.pk for t in trainings for p in t.attendees.all()} - set(people)
        people.update(self._fetch_people(extra_people))
        memberships = [
            m
            for m in Membership.objects.filter(team_id__in=team_ids).select_related("team__type")
            if m.person_id in people
        ]
        team_households = [
            th for th in TeamHousehold.objects.filter(team_id__in=team_ids) if th.household_id in households
        ]
        commitments = [
            c for c in Commitment.objects.filter(team_id__in=team_ids) if c.household_id in households
        ]
        commendations = [
            c
            for c in Commendation.objects.filter(
                Q(person__area__path__startswith=self.inside) | Q(team_id__in=team_ids)
            )
            if (c.person_id is None or c.person_id in people) and (c.team_id is None or c.team_id in team_ids)
        ]
        referenced = {t.home_area_id for t in teams.values()}
        referenced |= {a.pk for t in teams.values() for a in t.areas.all()}
        referenced |= {p.area_id for p in people.values()} | {h.area_id for h in households.values()}
        referenced |= {t.area_id for t in trainings}
        villages = self._villages(referenced)
        types = self._types(teams)
        found: dict[str, list[dict[str, Any]]] = {
            "villages": [self._village(v) for v in villages],
            "types": [self._type(t) for t in types],
            "teams": sorted(
                (self._team(t, teams) for t in teams.values()),
                key=lambda r: (r["home"], sort_key(r["name"]), r["key"]),
            ),
            "history": self._history(teams),
            "people": sorted(
                (self._person(p, households) for p in people.values()),
                key=lambda r: (r["area"] or "", sort_key(r["full_name"]), r["key"]),
            ),
            "households": sorted(
                (self._household(h, people) for h in households.values()),
                key=lambda r: (r["area"] or "", r["address"] or "", r["key"]),
            ),
            "memberships": sorted(
                (
                    {
                        "key": str(m.uid),
                        "team": str(teams[m.team_id].uid),
                        "team_name": teams[m.team_id].name,
                        "person": str(people[m.person_id].uid),
                        "person_name": people[m.person_id].full_name,
                        "role": role_cell(m.team.type, m.role),
                        "start_on": m.start_on,
                        "end_on": m.end_on,
                        "decision_number": m.decision_number,
                        "decision_date": m.decision_date,
                        "former_force_start": m.former_force_start,
                        "former_force_end": m.former_force_end,
                        "certificate_number": m.certificate_number,
                        "age_exception": wb.yes_no(m.age_exception),
                        "no_pending_prosecution": wb.yes_no(m.no_pending_prosecution),
                    }
                    for m in memberships
                ),
                key=lambda r: (r["team"], r["start_on"], r["key"]),
            ),
            "team_households": sorted(
                (
                    {
                        "team": str(teams[th.team_id].uid),
                        "team_name": teams[th.team_id].name,
                        "household": str(households[th.household_id].uid),
                        "start_on": th.start_on,
                        "end_on": th.end_on,
                    }
                    for th in team_households
                ),
                key=lambda r: (r["team"], r["household"], r["start_on"]),
            ),
            "commitments": sorted(
                (
                    {
                        "key": str(c.uid),
                        "household": str(households[c.household_id].uid),
                        "team": str(teams[c.team_id].uid),
                        "team_name": teams[c.team_id].name,
                        "signed_on": c.signed_on,
                        "note": c.note,
                    }
                    for c in commitments
                ),
                key=lambda r: (r["team"], r["household"], r["signed_on"], r["key"]),
            ),
            "trainings": sorted(
                (
                    {
                        "key": str(t.uid),
                        "area": t.area.ident,
                        "team": str(teams[t.team_id].uid) if t.team_id else None,
                        "held_on": t.held_on,
                        "topic": t.topic,
                        "attendee_count": t.attendee_count,
                        "attendees": "; ".join(
                            sorted(str(p.uid) for p in t.attendees.all() if p.pk in people)
                        ),
                    }
                    for t in trainings
                ),
                key=lambda r: (r["held_on"], r["area"], r["key"]),
            ),
            "commendations": sorted(
                (
                    {
                        "key": str(c.uid),
                        "person": str(people[c.person_id].uid) if c.person_id else None,
                        "team": str(teams[c.team_id].uid) if c.team_id else None,
                        "subject_name": people[c.person_id].full_name
                        if c.person_id
                        else teams[c.team_id].name,  # type: ignore[index]
                        "awarded_on": c.awarded_on,
                        "level": wb.label(CommendationLevel.choices, c.level),
                        "decision_number": c.decision_number,
                        "reason": c.reason,
                    }
                    for c in commendations
                ),
                key=lambda r: (r["awarded_on"], r["key"]),
            ),
        }
        # Later apps' sheets (the journal's), registered in their AppConfig.ready.
        for part in wb.parts.registered():
            found.update(part.export_rows(self.inside, teams, people))
        return found

    # teams --------------------------------------------------------------------------------

    def _teams(self) -> dict[int, Team]:
        visible = selectors.teams_visible(self.actor)
        touching = Q(home_area__path__startswith=self.inside) | Q(
            Exists(TeamArea.objects.filter(team=OuterRef("pk"), area__path__startswith=self.inside))
        )
        qs = Team.objects.select_related("type", "home_area", "parent").prefetch_related("areas")
        teams = {t.pk: t for t in qs.filter(pk__in=visible.filter(touching).values("pk"))}
        # A sub-team names its parent, so the parent travels with it.
        missing = {t.parent_id for t in teams.values() if t.parent_id and t.parent_id not in teams}
        while missing:
            found = {t.pk: t for t in qs.filter(pk__in=visible.filter(pk__in=missing).values("pk"))}
            teams.update(found)
            missing = {t.parent_id for t in found.values() if t.parent_id and t.parent_id not in teams}
        return teams

    def _team(self, t: Team, teams: dict[int, Team]) -> dict[str, Any]:
        return {
            "key": str(t.uid),
            "type": t.type.code,
            "name": t.name,
            "home": t.home_area.ident,
            "areas": "; ".join(a.ident for a in sorted(t.areas.all(), key=lambda a: a.path)),
            "parent": str(teams[t.parent_id].uid) if t.parent_id in teams else None,
            "status": wb.label(TeamStatus.choices, t.status),
            "established_on": t.established_on,
            "decision_number": t.decision_number,
            "decision_date": t.decision_date,
            "decision_body": t.decision_body,
            "notes": t.notes,
        }

    def _history(self, teams: dict[int, Team]) -> list[dict[str, Any]]:
        changes = TeamStatusChange.objects.filter(team_id__in=set(teams)).order_by("on", "id")
        rows = [
            {
                "team": str(teams[c.team_id].uid),
                "team_name": teams[c.team_id].name,
                "status": wb.label(TeamStatus.choices, c.status),
                "on": c.on,
                "reason": c.reason,
            }
            for c in changes
        ]
        # Stable: rows of one team on one day keep the order they were recorded in.
        return sorted(rows, key=lambda r: (r["team"], r["on"]))

    # people and households ----------------------------------------------------------------

    def _people_qs(self) -> QuerySet[Person]:
        qs = Person.objects.defer("created_at", "updated_at")
        return qs if self.sensitive else qs.defer(*SENSITIVE)

    def _households_qs(self) -> QuerySet[Household]:
        return Household.objects.defer("created_at", "updated_at")

    def _with_areas(self, records: list[Any]) -> list[Any]:
        """Many records share few areas: each area is read once and attached, not joined per row."""
        missing = {r.area_id for r in records} - self.area_cache.keys()
        for batch in wb.chunks(missing):
            self.area_cache.update((a.pk, a) for a in Area.objects.filter(pk__in=batch))
        for record in records:
            record.area = self.area_cache[record.area_id]
        return records

    def _fetch_people(self, ids: set[int]) -> dict[int, Person]:
        found: dict[int, Person] = {}
        for batch in wb.chunks(ids):
            for p in self._with_areas(list(self._people_qs().filter(pk__in=batch))):
                if self._may_read_person(p.area):
                    found[p.pk] = p
        return found

    def _fetch_households(self, ids: set[int]) -> dict[int, Household]:
        found: dict[int, Household] = {}
        for batch in wb.chunks(ids):
            for h in self._with_areas(list(self._households_qs().filter(pk__in=batch))):
                if self._may_read_person(h.area):
                    found[h.pk] = h
        return found

    def _people_and_households(self, team_ids: set[int]) -> tuple[dict[int, Person], dict[int, Household]]:
        inside = selectors.people_visible(self.actor).filter(area__path__startswith=self.inside)
        people = {
            p.pk: p for p in self._with_areas(list(self._people_qs().filter(pk__in=inside.values("pk"))))
        }
        homes = selectors.households_visible(self.actor).filter(area__path__startswith=self.inside)
        households = {
            h.pk: h for h in self._with_areas(list(self._households_qs().filter(pk__in=homes.values("pk"))))
        }
        wanted_people = set(
            Membership.objects.filter(team_id__in=team_ids).values_list("person_id", flat=True)
        )
        wanted_households = set(
            TeamHousehold.objects.filter(team_id__in=team_ids).values_list("household_id", flat=True)
        ) | set(Commitment.objects.filter(team_id__in=team_ids).values_list("household_id", flat=True))
        # Heads and households refer to each other: follow the links until nothing is missing.
        while True:
            wanted_people |= {h.head_id for h in households.values() if h.head_id}
            wanted_households |= {p.household_id for p in people.values() if p.household_id}
            new_people = wanted_people - set(people)
            new_households = wanted_households - set(households)
            if not new_people and not new_households:
                break
            people.update(self._fetch_people(new_people))
            households.update(self._fetch_households(new_households))
            # What could not be read stays out, and is not asked for again.
            wanted_people &= set(people)
            wanted_households &= set(households)
        return people, households

    def _person(self, p: Person, households: dict[int, Household]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "key": str(p.uid),
            "full_name": p.full_name,
            "gender": wb.label(Gender.choices, p.gender),
            "birth_year": p.birth_year,
            "birth_date": p.birth_date,
            "education": wb.label(Education.choices, p.education),
            "area": p.area.ident,
            # Only a household the file carries: one the exporter cannot read is left out.
            "household": str(households[p.household_id].uid) if p.household_id in households else None,
            "resident_since": p.resident_since,
        }
        if self.sensitive:
            row.update({f: getattr(p, f) for f in SENSITIVE})
        return row

    def _household(self, h: Household, people: dict[int, Person]) -> dict[str, Any]:
        head = people.get(h.head_id) if h.head_id else None
        return {
            "key": str(h.uid),
            "head": str(head.uid) if head else None,
            "head_name": head.full_name if head else None,
            "address": h.address,
            "area": h.area.ident,
        }

    # villages and types -------------------------------------------------------------------

    def _villages(self, referenced: set[int]) -> list[Area]:
        qs = (
            Area.objects.filter(level=Level.VILLAGE)
            .select_related("parent")
            .prefetch_related("successor_links__successor")
        )
        villages = {v.pk: v for v in qs.filter(Q(path__startswith=self.inside) | Q(pk__in=referenced))}
        # A merged village names the village it went into.
        while True:
            targets = {link.successor_id for v in villages.values() for link in v.successor_links.all()}
            missing = targets - set(villages)
            if not missing:
                break
            villages.update({v.pk: v for v in qs.filter(pk__in=missing)})
        return sorted(villages.values(), key=lambda v: (v.parent.ident, v.number or 0))  # type: ignore[union-attr]

    def _village(self, v: Area) -> dict[str, Any]:
        merged = sorted(link.successor.ident for link in v.successor_links.all())
        return {
            "ident": v.ident,
            "commune": v.parent.ident,  # type: ignore[union-attr]
            "kind": v.kind,
            "name": v.short_name,
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
            "merged_into": merged[0] if merged else None,
        }

    def _types(self, teams: dict[int, Team]) -> list[ModelType]:
        """The province's own types and any used by the exported teams (national ones travel
        by code: every database has them)."""
        province = self.area.province_id
        q = Q(pk__in={t.type_id for t in teams.values()})
        if self.area.level == Level.COUNTRY:
            q |= Q(province__isnull=False)
        elif province:
            q |= Q(province_id=province)
        return list(
            ModelType.objects.filter(q, province__isnull=False).select_related("province").order_by("code")
        )

    def _type(self, t: ModelType) -> dict[str, Any]:
        return {
            "code": t.code,
            "province": t.province.ident,  # type: ignore[union-attr]
            "name": t.name,
            "short_name": t.short_name,
            "kind": wb.label(TypeKind.choices, t.kind),
            "attaches_to": wb.label(AttachTo.choices, t.attaches_to),
            "roles": roles_text(t.roles),
            "has_subteams": wb.yes_no(t.has_subteams),
            "journal_kinds": "; ".join(wb.label(JOURNAL_CHOICES, k) or k for k in t.journal_kinds),
            "extra_indicators": extra_text(t.extra_indicators),
            "is_active": wb.yes_no(t.is_active),
            "description": t.description,
        }


def _write_workbook(rows: dict[str, list[dict[str, Any]]], sensitive: bool) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets():
        ws = book.create_sheet(sheet.title)
        columns = sheet.export_columns(sensitive)
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = bold
            header.append(cell)
        append(ws, header)
        for row in rows[sheet.key]:
            values: list[Any] = []
            for column in columns:
                value = row.get(column.key)
                if value == "":
                    value = None
                if column.kind == "date" and value is not None:
                    # A real date (sorts and filters in Excel), shown the Vietnamese way.
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    value = cell
                values.append(value)
            append(ws, values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
