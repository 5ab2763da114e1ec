"""The registry's workbook: every sheet out, and back in all-or-nothing.

One workbook (Vietnamese sheet names and headers, described in docs/import-format.md)
carries an area's villages, its province's own model types, teams and their status
history, people, households, memberships, the households teams cover, commitments,
trainings and commendations. Rows keep identifiers that survive a trip through another
database: areas their contract identifier, everything else its UUID. Exporting, importing
the file into an empty database and exporting again gives the same cells; importing an
exported file again changes nothing.

An import reads and checks every row of every sheet before anything is written; any error
(named by sheet, row and column) means nothing is written. The writing itself is one
service call (`services.workbook_apply`): bulk inserts and updates in one transaction and
one audit entry.
"""

from __future__ import annotations

import io
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tuquan.core import scoping
from tuquan.core import workbook as wb
from tuquan.core.models import LEGACY_LEVELS, VILLAGE_KINDS, Area, AuditAction, Level, SuccessionKind
from tuquan.core.roles import Cap
from tuquan.core.services import audit_record
from tuquan.core.text import normalize_search
from tuquan.core.workbook import XLSX, CellError, Column, Sheet, SheetCounts, WorkbookErrors  # noqa: F401  (part of this module's API)
from tuquan.core.workbook.writing import Changes
from tuquan.registry import selectors, services
from tuquan.registry.models import (
    JOURNAL_KINDS,
    AttachTo,
    Commendation,
    CommendationLevel,
    Commitment,
    Education,
    Gender,
    Household,
    ImportJob,
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
from tuquan.registry.permissions import can_edit_roster, can_write_at

SENSITIVE = ("national_id", "ethnicity", "religion", "phone")
# Jobs keep this many errors for their page; the exception and the CLI carry all of them.
STORED_ERRORS = 1000


# --- the format ----------------------------------------------------------------------------


def _legacy_columns() -> tuple[Column, ...]:
    return (
        Column("old_province", "Tỉnh cũ", width=16),
        Column("old_district", "Huyện cũ", width=18),
        Column("old_commune", "Xã cũ", width=18),
    )


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "villages",
        "Thôn, tổ dân phố",
        (
            Column("ident", "Mã thôn", width=12),
            Column("commune", "Mã xã", required=True, width=9),
            Column("kind", "Loại", required=True, width=12),
            Column("name", "Tên", required=True, width=24),
            Column("valid_from", "Thành lập từ ngày", "date"),
            Column("valid_to", "Hiệu lực đến", "date"),
            Column("merged_into", "Sáp nhập vào", width=12),
        ),
    ),
    Sheet(
        "types",
        "Loại mô hình",
        (
            Column("code", "Mã loại", required=True, width=22),
            Column("province", "Tỉnh", required=True, width=6),
            Column("name", "Tên", required=True, width=36),
            Column("short_name", "Tên ngắn", required=True, width=20),
            Column("kind", "Dạng", required=True, width=14),
            Column("attaches_to", "Gắn với", required=True, width=18),
            Column("roles", "Vai trò", required=True, width=40),
            Column("has_subteams", "Có tổ con", "bool", width=9),
            Column("journal_kinds", "Loại hoạt động", width=36),
            Column("extra_indicators", "Chỉ tiêu riêng", width=30),
            Column("is_active", "Đang dùng", "bool", width=9),
            Column("description", "Mô tả", width=30),
        ),
    ),
    Sheet(
        "teams",
        "Tổ, nhóm",
        (
            Column("key", "Mã tổ", width=38),
            Column("type", "Loại mô hình", required=True, width=20),
            Column("name", "Tên tổ", required=True, width=30),
            Column("home", "Xã quản lý", required=True, width=10),
            Column("areas", "Địa bàn", "list", required=True, width=20),
            Column("parent", "Thuộc tổ", width=38),
            Column("status", "Tình trạng", required=True, width=16),
            Column("established_on", "Ngày thành lập", "date"),
            Column("decision_number", "Số quyết định"),
            Column("decision_date", "Ngày quyết định", "date"),
            Column("decision_body", "Cơ quan ban hành", width=20),
            Column("notes", "Ghi chú", width=24),
        ),
    ),
    Sheet(
        "history",
        "Lịch sử tình trạng",
        (
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=30),
            Column("status", "Tình trạng", required=True, width=16),
            Column("on", "Từ ngày", "date", required=True),
            Column("reason", "Lý do", width=30),
        ),
    ),
    Sheet(
        "people",
        "Người",
        (
            Column("key", "Mã người", width=38),
            Column("full_name", "Họ và tên", required=True, width=24),
            Column("gender", "Giới tính", width=9),
            Column("birth_year", "Năm sinh", "int", width=9),
            Column("birth_date", "Ngày sinh", "date"),
            Column("education", "Trình độ học vấn", width=18),
            Column("area", "Nơi ở", width=10),
            *_legacy_columns(),
            Column("household", "Mã hộ", width=38),
            Column("resident_since", "Cư trú từ ngày", "date"),
            Column("national_id", "Số định danh cá nhân", sensitive=True),
            Column("ethnicity", "Dân tộc", sensitive=True, width=10),
            Column("religion", "Tôn giáo", sensitive=True, width=10),
            Column("phone", "Số điện thoại", sensitive=True, width=14),
            Column("confirm", "Vẫn thêm", "bool", exported=False),
        ),
    ),
    Sheet(
        "households",
        "Hộ gia đình",
        (
            Column("key", "Mã hộ", width=38),
            Column("head", "Chủ hộ", width=38),
            Column("head_name", "Tên chủ hộ (để đọc)", imported=False, width=24),
            Column("address", "Địa chỉ", width=30),
            Column("area", "Nơi ở", width=10),
            *_legacy_columns(),
        ),
    ),
    Sheet(
        "memberships",
        "Thành viên tổ",
        (
            Column("key", "Mã", width=38),
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("person", "Mã người", required=True, width=38),
            Column("person_name", "Họ và tên (để đọc)", imported=False, width=24),
            Column("role", "Vai trò", required=True, width=12),
            Column("start_on", "Từ ngày", "date", required=True),
            Column("end_on", "Đến ngày", "date"),
            Column("decision_number", "Số quyết định"),
            Column("decision_date", "Ngày quyết định", "date"),
            Column("former_force_start", "Vào lực lượng cũ", "date"),
            Column("former_force_end", "Rời lực lượng cũ", "date"),
            Column("certificate_number", "Số giấy chứng nhận CCHT", width=18),
            Column("age_exception", "Ngoại lệ về tuổi", "bool", width=10),
            Column("no_pending_prosecution", "Không bị truy cứu, không có án tích", "bool", width=14),
        ),
    ),
    Sheet(
        "team_households",
        "Hộ thuộc tổ",
        (
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("household", "Mã hộ", required=True, width=38),
            Column("start_on", "Từ ngày", "date", required=True),
            Column("end_on", "Đến ngày", "date"),
        ),
    ),
    Sheet(
        "commitments",
        "Cam kết",
        (
            Column("key", "Mã", width=38),
            Column("household", "Mã hộ", required=True, width=38),
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("signed_on", "Ngày ký", "date", required=True),
            Column("note", "Ghi chú", width=24),
        ),
    ),
    Sheet(
        "trainings",
        "Tập huấn",
        (
            Column("key", "Mã", width=38),
            Column("area", "Địa bàn", required=True, width=10),
            Column("team", "Mã tổ", width=38),
            Column("held_on", "Ngày", "date", required=True),
            Column("topic", "Nội dung", required=True, width=30),
            Column("attendee_count", "Số người dự", "int", width=10),
            Column("attendees", "Người dự", "list", width=40),
        ),
    ),
    Sheet(
        "commendations",
        "Khen thưởng",
        (
            Column("key", "Mã", width=38),
            Column("person", "Mã người", width=38),
            Column("team", "Mã tổ", width=38),
            Column("subject_name", "Người, tổ được khen (để đọc)", imported=False, width=24),
            Column("awarded_on", "Ngày", "date", required=True),
            Column("level", "Cấp khen", required=True, width=16),
            Column("decision_number", "Số quyết định", required=True),
            Column("reason", "Thành tích", width=30),
        ),
    ),
    # The journal's sheets (issue 4): checked and written by `tuquan.journal.io`.
    Sheet(
        "entries",
        "Nhật ký",
        (
            Column("key", "Mã", width=38),
            Column("team", "Mã tổ", required=True, width=38),
            Column("village", "Thôn", required=True, width=10),
            Column("kind", "Loại hoạt động", required=True, width=16),
            Column("occurred_on", "Ngày", "date", required=True),
            Column("participants", "Người tham gia", "list", width=40),
            Column("other_participants", "Người khác tham gia", "int", width=10),
            Column("started_at", "Bắt đầu", width=17),
            Column("ended_at", "Kết thúc", width=17),
            Column("member_turns", "Lượt người", "int", width=10),
            Column("attendance_persons", "Số người dự", "int", width=10),
            Column("attendance_households", "Số hộ dự", "int", width=10),
            Column("subject", "Nội dung hoà giải", width=24),
            Column("parties", "Số bên", "int", width=8),
            Column("outcome", "Kết quả hoà giải", width=16),
            Column("tip_category", "Loại thông tin", width=16),
            Column("tip_valuable", "Có giá trị (để đọc)", imported=False, width=10),
            Column("cases", "Số vụ", "int", width=8),
            Column("suspects", "Số đối tượng", "int", width=8),
            Column("offence", "Hành vi", width=20),
            Column("homemade_guns", "Súng tự chế", "int", width=8),
            Column("guns", "Súng", "int", width=8),
            Column("bullets", "Đạn", "int", width=8),
            Column("explosives", "Vật liệu nổ", "int", width=8),
            Column("knives", "Dao, kiếm", "int", width=8),
            Column("other_items", "Vật khác", "int", width=8),
            Column("incident_kind", "Loại sự việc", width=16),
            Column("poppy_m2", "Diện tích thuốc phiện phá (m²)", width=12),
            Column("migration_cases", "Số trường hợp di cư tự do được ngăn", "int", width=10),
            Column("extra", "Chỉ tiêu riêng", width=24),
            Column("note", "Ghi chú", width=24),
            Column("status", "Trạng thái (để đọc)", imported=False, width=14),
            Column("review_comment", "Nhận xét (để đọc)", imported=False, width=24),
        ),
    ),
    Sheet(
        "aggregates",
        "Tổng hợp kỳ",
        (
            Column("key", "Mã", width=38),
            Column("area", "Địa bàn", required=True, width=14),
            Column("indicator", "Chỉ tiêu", required=True, width=24),
            Column("period_kind", "Kỳ", required=True, width=8),
            Column("period_start", "Từ ngày", "date", required=True),
            Column("value", "Giá trị", required=True, width=10),
            Column("note", "Ghi chú", width=24),
        ),
    ),
)
SHEET = {s.key: s for s in SHEETS}


# --- errors and the summary ----------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import created, changed and left alone, sheet by sheet (workbook order)."""

    sheets: dict[str, SheetCounts] = field(default_factory=lambda: {s.title: SheetCounts() for s in SHEETS})
    dry_run: bool = False

    def of(self, key: str) -> SheetCounts:
        return self.sheets[SHEET[key].title]

    @property
    def created(self) -> int:
        return sum(c.created for c in self.sheets.values())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.sheets.values())

    @property
    def queued(self) -> int:
        return sum(c.queued for c in self.sheets.values())

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "sheets": {t: vars(c).copy() for t, c in self.sheets.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        summary = cls(dry_run=bool(data.get("dry_run")))
        for title, counts in (data.get("sheets") or {}).items():
            summary.sheets[title] = SheetCounts(**counts)
        return summary


# --- shared helpers ------------------------------------------------------------------------


JOURNAL_CHOICES = [(code, label) for code, label in JOURNAL_KINDS]


def _roles_text(roles: list[dict[str, str]]) -> str:
    return "; ".join(f"{r['code']}={r['label']}" for r in roles)


def _extra_text(extra: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['code']}={e['label']}" + (f"|{e['unit']}" if e.get("unit") else "") for e in extra)


def _role_cell(model_type: ModelType, code: str) -> str:
    """A role's label when it names one role of the type, otherwise its code."""
    label = model_type.role_label(code)
    same = [r for r in model_type.roles if normalize_search(r["label"]) == normalize_search(label)]
    return label if len(same) == 1 else code


# --- export --------------------------------------------------------------------------------


def export_workbook(*, actor: Any, area: Area) -> bytes:
    """The registry of `area` (and what its rows refer to) as one workbook.

    Needs the right to read people over the whole area. The sensitive columns (ID number,
    ethnicity, religion, phone) are written only when the actor may read them everywhere in
    the area; reading them for an export is one audit entry for the export, not one per person.
    """
    if area.is_legacy:
        raise ValidationError(_("Chỉ xuất được địa bàn hiện hành."))
    if not scoping.covers(actor, area.path, Cap.PEOPLE_READ):
        raise PermissionDenied(_("Bạn không được xuất sổ theo dõi của địa bàn này."))
    sensitive = scoping.covers(actor, area.path, Cap.SENSITIVE_READ)
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

    def __init__(self, actor: Any, area: Area, sensitive: bool) -> None:
        self.actor, self.area, self.sensitive = actor, area, sensitive
        self.inside = area.path
        self.area_cache: dict[int, Area] = {}

    def _may_read_person(self, path: str) -> bool:
        return scoping.covers(self.actor, path, Cap.PEOPLE_READ)

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
                (self._team(t, teams) for t in teams.values()), key=lambda r: (r["home"], r["name"], r["key"])
            ),
            "history": self._history(teams),
            "people": sorted(
                (self._person(p, households) for p in people.values()),
                key=lambda r: (r["area"] or "", normalize_search(r["full_name"]), r["key"]),
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
                        "role": _role_cell(m.team.type, m.role),
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
                if self._may_read_person(p.area.path):
                    found[p.pk] = p
        return found

    def _fetch_households(self, ids: set[int]) -> dict[int, Household]:
        found: dict[int, Household] = {}
        for batch in wb.chunks(ids):
            for h in self._with_areas(list(self._households_qs().filter(pk__in=batch))):
                if self._may_read_person(h.area.path):
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
            "roles": _roles_text(t.roles),
            "has_subteams": wb.yes_no(t.has_subteams),
            "journal_kinds": "; ".join(wb.label(JOURNAL_CHOICES, k) or k for k in t.journal_kinds),
            "extra_indicators": _extra_text(t.extra_indicators),
            "is_active": wb.yes_no(t.is_active),
            "description": t.description,
        }


def _write_workbook(rows: dict[str, list[dict[str, Any]]], sensitive: bool) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in SHEETS:
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
        ws.append(header)
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
            ws.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- import: reading ---------------------------------------------------------------------


# "Huyện Mai Sơn", "H. Mai Sơn", "TP. Sơn La", "Xã Phiêng Khoài": the short name follows one of these.
UNIT_PREFIX = re.compile(
    r"^(?:(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu|tp|tx|tt)\s+|(?:tp|tx|tt|h|q|x|p)\.\s*)"
)
KIND_OPTIONS = {normalize_search(k): k for k in VILLAGE_KINDS}


# --- import: checking every row and planning the writes ---------------------------------------


@dataclass
class Plan:
    """Everything an import will write, already checked. `services.workbook_apply` writes it."""

    source: str
    summary: ImportSummary
    villages_new: list[Area] = field(default_factory=list)  # unsaved; their parent is the commune
    village_renames: list[tuple[Area, str, str]] = field(default_factory=list)
    village_merges: list[tuple[Area, Area, date]] = field(default_factory=list)
    types: Changes = field(default_factory=Changes)
    teams: Changes = field(default_factory=Changes)
    team_areas_new: list[TeamArea] = field(default_factory=list)
    team_areas_removed: list[tuple[Team, set[int]]] = field(default_factory=list)
    statuses_new: list[TeamStatusChange] = field(default_factory=list)
    people: Changes = field(default_factory=Changes)
    households: Changes = field(default_factory=Changes)
    memberships: Changes = field(default_factory=Changes)
    team_households: Changes = field(default_factory=Changes)
    commitments: Changes = field(default_factory=Changes)
    trainings: Changes = field(default_factory=Changes)
    attendees: list[tuple[Training, list[Person]]] = field(default_factory=list)
    commendations: Changes = field(default_factory=Changes)
    placements: list[tuple[Model, Area, str]] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)  # areas written, for the audit entry's area
    # Writes of later apps' sheets (the journal's), run in the same transaction after the rest.
    later: list[Callable[[], None]] = field(default_factory=list)
    # Existing teams whose journal those writes change (declared to the stocks up front).
    journals: set[int] = field(default_factory=set)


def _place_column(c: wb.Cells) -> str:
    """Where a row says where it lives: "Nơi ở", or the old commune of an old address."""
    if c.has("area") and c.text("area"):
        return "area"
    return "old_commune" if c.has("old_commune") and c.text("old_commune") else "key"


def _area_of(obj: Any) -> Area | None:
    """A record's area; None for a new row whose own line failed (its error is already listed)."""
    try:
        return obj.area
    except ObjectDoesNotExist:
        return None


def _commune(area: Area | None) -> str | None:
    """The identifier of the current commune an area lies in (a village's is the part before
    its dot), compared by identifier because the same commune comes from several queries."""
    if area is None:
        return None
    if area.level == Level.COMMUNE:
        return area.ident
    if area.level == Level.VILLAGE:
        return area.ident.rsplit(".", 1)[0] if area.ident else getattr(area.parent, "ident", None)
    return None


def _team_area_problem(model_type: ModelType, home: Area, areas: list[Area]) -> str | None:
    """services._check_team_areas' rules, except that an ended village is accepted: a team
    recorded at a village that was merged later is history, not an error."""
    if not areas:
        return _("Ghi ít nhất một địa bàn hoạt động.")
    if any(a.is_legacy or a.level not in (Level.VILLAGE, Level.COMMUNE) for a in areas):
        return _("Địa bàn hoạt động phải là thôn hoặc xã hiện hành.")
    communes = {_commune(a) for a in areas}
    if model_type.attaches_to == AttachTo.COMMUNES:
        if len(communes) < 2 or home.ident not in communes:
            return _("Cụm giáp ranh gồm ít nhất hai xã, trong đó có xã quản lý.")
        return None
    if communes != {home.ident}:
        return _("Địa bàn hoạt động phải thuộc xã quản lý.")
    if model_type.attaches_to == AttachTo.COMMUNE and (len(areas) != 1 or areas[0].level != Level.COMMUNE):
        return _("Mô hình này áp dụng cho cả một xã.")
    if model_type.attaches_to == AttachTo.VILLAGE and any(a.level != Level.VILLAGE for a in areas):
        return _("Mô hình này hoạt động ở thôn, tổ dân phố.")
    if model_type.attaches_to == AttachTo.VILLAGE and not model_type.is_statutory and len(areas) != 1:
        return _("Mô hình này gắn với một thôn, tổ dân phố.")
    return None


@dataclass
class _PersonRow:
    cells: wb.Cells
    person: Person
    values: dict[str, Any]
    new: bool
    household_key: str | None  # None: the sheet has no household column
    area: Area | None
    pending: Area | None
    counted: bool = True


class _Importer:
    """Reads every row of every sheet, records every error, and plans the writes."""

    def __init__(self, actor: Any, source: str, progress: Callable[[int], None] | None) -> None:
        self.actor = actor
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.errors: list[CellError] = []
        self.summary = ImportSummary()
        self.plan = Plan(source=source, summary=self.summary)
        self._progress = progress
        self._rows_done = 0
        self._rows_total = 1
        self._last_percent = -1
        self._covers: dict[tuple[str, str], bool] = {}
        self._rosters: dict[int, bool] = {}
        self._legacy_children: dict[tuple[str, int | None], list[Area]] = {}
        self._successors: dict[int, list[tuple[str, Area]]] = {}
        self._legacy_visible: set[int] | None = None
        self._area_cache: dict[int, Area] = {}
        self.areas: dict[str, Area] = {}
        self.types: dict[str, ModelType] = {}
        # Rows of this workbook by their key (a UUID or a key local to the file) ...
        self.teams: dict[str, Team] = {}
        self.people: dict[str, Person] = {}
        self.households: dict[str, Household] = {}
        # ... and records already in the database that the workbook names by UUID.
        self.db_teams: dict[str, Team] = {}
        self.db_people: dict[str, Person] = {}
        self.db_households: dict[str, Household] = {}
        self.visible_teams: set[int] = set()
        self.team_areas: dict[int, list[Area]] = {}  # id(team) → its areas after the import
        self.team_rows: dict[int, wb.Cells] = {}
        self.head_of: dict[int, Household] = {}  # id(person) → the sheet household they head
        self.person_rows: list[_PersonRow] = []
        self.new_history: dict[int, tuple[Team, list[tuple[date, str, wb.Cells]]]] = {}

    # progress and permissions -----------------------------------------------------------------

    def tick(self, rows: int = 1) -> None:
        self._rows_done += rows
        if self._progress is not None:
            # Checking is most of the work; the last fifth is the writing.
            percent = min(80, self._rows_done * 80 // self._rows_total)
            if percent != self._last_percent:
                self._last_percent = percent
                self._progress(percent)

    def covers(self, path: str, cap: str = Cap.REGISTRY_WRITE) -> bool:
        found = self._covers.get((path, cap))
        if found is None:
            # Cached: a large file asks the same question for thousands of rows.
            allowed = (
                can_write_at(self.actor, path)
                if cap == Cap.REGISTRY_WRITE
                else scoping.covers(self.actor, path, cap)
            )
            found = self._covers[(path, cap)] = allowed
        return found

    def may_edit_roster(self, team: Team) -> bool:
        if team.pk is None:
            return self.covers(team.home_area.path)
        found = self._rosters.get(team.pk)
        if found is None:
            found = self._rosters[team.pk] = can_edit_roster(self.actor, team)
        return found

    def may_read_record(self, area: Area) -> bool:
        if area.is_legacy:
            # Queued records: seen by the officers of the communes their old commune flowed into.
            if self._legacy_visible is None:
                self._legacy_visible = set(
                    Area.objects.filter(scoping.area_q(self.actor), level__in=LEGACY_LEVELS).values_list(
                        "pk", flat=True
                    )
                )
            return area.pk in self._legacy_visible
        return self.covers(area.path, Cap.PEOPLE_READ)

    def wrote(self, area: Area) -> None:
        self.plan.paths.add(area.province.path if area.is_legacy and area.province else area.path)

    # the run ----------------------------------------------------------------------------------

    def run(self, sheets: dict[str, wb.SheetData]) -> Plan:
        self._rows_total = max(1, sum(len(d.rows) for d in sheets.values()))
        self._preload(sheets)
        steps: list[tuple[str, Callable[[wb.SheetData], None]]] = [
            ("villages", self.villages),
            ("types", self.model_types),
            ("teams", self.teams_sheet),
            ("history", self.history),
            ("people", self.people_sheet),
            ("households", self.households_sheet),
        ]
        for key, step in steps:
            if key in sheets:
                step(sheets[key])
        self.check_team_statuses()
        self.finish_people()
        later: list[tuple[str, Callable[[wb.SheetData], None]]] = [
            ("memberships", self.memberships),
            ("team_households", self.team_households_sheet),
            ("commitments", self.commitments),
            ("trainings", self.trainings),
            ("commendations", self.commendations),
        ]
        for key, step in later:
            if key in sheets:
                step(sheets[key])
        for part in wb.parts.registered():
            if any(key in sheets for key in part.sheets):
                part.check(self, sheets)
        return self.plan

    def _uuids(self, sheets: dict[str, wb.SheetData], where: list[tuple[str, str]]) -> set[str]:
        found: set[str] = set()
        for sheet_key, column in where:
            data = sheets.get(sheet_key)
            if data is None:
                continue
            for _number, cells in data.rows:
                value = cells.get(column)
                if value is None:
                    continue
                for part in wb.LIST_SPLIT.split(str(value)):
                    parsed = wb.as_uuid(part.strip())
                    if parsed is not None:
                        found.add(str(parsed))
        return found

    def _preload(self, sheets: dict[str, wb.SheetData]) -> None:
        """Every area, team, person and household the workbook names, in a few queries."""
        idents: set[str] = set()
        for sheet_key, column in [
            ("villages", "ident"),
            ("villages", "commune"),
            ("villages", "merged_into"),
            ("types", "province"),
            ("teams", "home"),
            ("teams", "areas"),
            ("people", "area"),
            ("households", "area"),
            ("trainings", "area"),
            ("entries", "village"),
            ("aggregates", "area"),
        ]:
            data = sheets.get(sheet_key)
            for _number, cells in data.rows if data else ():
                value = cells.get(column)
                if value is not None:
                    idents.update(p.strip() for p in wb.LIST_SPLIT.split(str(value)) if p.strip())
        for batch in wb.chunks(idents):
            for area in Area.objects.filter(ident__in=batch).select_related("parent", "province"):
                self.areas[area.ident] = area
        self.types = {t.code: t for t in selectors.model_types_for(self.actor, include_inactive=True)}

        team_keys = self._uuids(
            sheets,
            [
                ("teams", "key"),
                ("teams", "parent"),
                ("history", "team"),
                ("memberships", "team"),
                ("team_households", "team"),
                ("commitments", "team"),
                ("trainings", "team"),
                ("commendations", "team"),
                ("entries", "team"),
            ],
        )
        for batch in wb.chunks(team_keys):
            qs = Team.objects.filter(uid__in=batch).select_related("type", "home_area", "parent")
            for team in qs.prefetch_related("areas"):
                self.db_teams[str(team.uid)] = team
                self.team_areas[id(team)] = list(team.areas.all())
            self.visible_teams.update(
                selectors.teams_visible(self.actor).filter(uid__in=batch).values_list("pk", flat=True)
            )
        person_keys = self._uuids(
            sheets,
            [
                ("people", "key"),
                ("households", "head"),
                ("memberships", "person"),
                ("trainings", "attendees"),
                ("commendations", "person"),
                ("entries", "participants"),
            ],
        )
        # Many records share few areas: each area is read once and attached, not joined per row.
        for batch in wb.chunks(person_keys):
            people = list(Person.objects.filter(uid__in=batch).defer("created_at", "updated_at"))
            for person in self._with_areas(people):
                self.db_people[str(person.uid)] = person
        household_keys = self._uuids(
            sheets,
            [
                ("households", "key"),
                ("people", "household"),
                ("team_households", "household"),
                ("commitments", "household"),
            ],
        )
        for batch in wb.chunks(household_keys):
            households = list(Household.objects.filter(uid__in=batch).defer("created_at", "updated_at"))
            for household in self._with_areas(households):
                self.db_households[str(household.uid)] = household

    def _with_areas(self, records: list[Any]) -> list[Any]:
        missing = {r.area_id for r in records} - self._area_cache.keys()
        for batch in wb.chunks(missing):
            self._area_cache.update(
                (a.pk, a) for a in Area.objects.filter(pk__in=batch).select_related("province")
            )
        for record in records:
            record.area = self._area_cache[record.area_id]
        return records

    # references -------------------------------------------------------------------------------

    def team_ref(self, c: wb.Cells, column: str, *, required: bool = False) -> Team | None:
        key = c.key(column)
        if not key:
            if required:
                c.error(column, _("Bắt buộc, không được để trống."))
            return None
        team = self.teams.get(key) or self.db_teams.get(key)
        if team is None or (
            team.pk is not None and key not in self.teams and team.pk not in self.visible_teams
        ):
            c.error(column, _("Không có tổ mã “%(k)s” trong tệp hoặc trong phạm vi của bạn.") % {"k": key})
            return None
        return team

    def person_ref(self, c: wb.Cells, column: str, key: str, *, required: bool = False) -> Person | None:
        if not key:
            if required:
                c.error(column, _("Bắt buộc, không được để trống."))
            return None
        person = self.people.get(key) or self.db_people.get(key)
        if person is None or (key not in self.people and not self.may_read_record(person.area)):
            c.error(column, _("Không có người mã “%(k)s” trong tệp hoặc trong phạm vi của bạn.") % {"k": key})
            return None
        return person

    def household_ref(
        self, c: wb.Cells, column: str, key: str, *, required: bool = False
    ) -> Household | None:
        if not key:
            if required:
                c.error(column, _("Bắt buộc, không được để trống."))
            return None
        household = self.households.get(key) or self.db_households.get(key)
        if household is None or (key not in self.households and not self.may_read_record(household.area)):
            c.error(column, _("Không có hộ mã “%(k)s” trong tệp hoặc trong phạm vi của bạn.") % {"k": key})
            return None
        return household

    def area_ref(self, c: wb.Cells, column: str, ident: str) -> Area | None:
        area = self.areas.get(ident)
        if area is None:
            c.error(column, _("Không có địa bàn mã “%(v)s”.") % {"v": ident[:40]})
        return area

    def book(
        self,
        c: wb.Cells,
        sheet_key: str,
        changes: Changes,
        obj: Model,
        values: dict[str, Any],
        *,
        new: bool,
        may_write: Callable[[], bool],
        where: str,
        area: Area | None,
    ) -> bool:
        """Count the row as created, changed or unchanged, and plan its write. A row that
        would write needs the right to write there; one that changes nothing does not."""
        counts = self.summary.of(sheet_key)
        if c.failed:
            return False
        if new:
            if not may_write():
                c.error(where, _("Bạn không có quyền ghi ở địa bàn này."))
                return False
            for name, value in values.items():
                setattr(obj, name, value)
            changes.new.append(obj)
            counts.created += 1
        else:
            diff = [name for name, value in values.items() if not wb.same(obj, name, value)]
            if not diff:
                counts.unchanged += 1
                return False
            if not may_write():
                c.error(where, _("Bạn không có quyền sửa hồ sơ này."))
                return False
            for name in diff:
                setattr(obj, name, values[name])
            changes.change(obj, diff)
            counts.changed += 1
        if area is not None:
            self.wrote(area)
        return True

    # legacy addresses ----------------------------------------------------------------------------

    def _legacy(self, level: str, parent_id: int | None) -> list[Area]:
        found = self._legacy_children.get((level, parent_id))
        if found is None:
            qs = Area.objects.filter(level=level).select_related("province")
            if level != Level.LEGACY_PROVINCE:
                qs = qs.filter(parent_id=parent_id)
            found = self._legacy_children[(level, parent_id)] = list(qs)
        return found

    @staticmethod
    def _named(areas: list[Area], text: str) -> list[Area]:
        wanted = normalize_search(text)
        short = UNIT_PREFIX.sub("", wanted)
        return [
            a
            for a in areas
            if wanted in (normalize_search(a.name), normalize_search(a.short_name))
            or short == normalize_search(a.short_name)
        ]

    def legacy_by_names(self, c: wb.Cells) -> Area | None:
        province_name, district_name = c.text("old_province"), c.text("old_district")
        commune_name = c.text("old_commune")
        if not province_name:
            c.error("old_province", _("Ghi tên tỉnh cũ."))
        if not commune_name:
            c.error("old_commune", _("Ghi tên xã cũ."))
        if not province_name or not commune_name:
            return None
        provinces = self._named(self._legacy(Level.LEGACY_PROVINCE, None), province_name)
        if len(provinces) != 1:
            c.error("old_province", _("Không có tỉnh cũ “%(v)s”.") % {"v": province_name[:60]})
            return None
        districts = self._legacy(Level.LEGACY_DISTRICT, provinces[0].pk)
        if district_name:
            districts = self._named(districts, district_name)
            if not districts:
                c.error(
                    "old_district",
                    _("Không có huyện cũ “%(v)s” ở %(p)s.")
                    % {"v": district_name[:60], "p": provinces[0].name},
                )
                return None
        communes = [
            a for d in districts for a in self._named(self._legacy(Level.LEGACY_COMMUNE, d.pk), commune_name)
        ]
        if not communes:
            c.error(
                "old_commune",
                _("Không có xã cũ “%(v)s” ở %(p)s.")
                % {
                    "v": commune_name[:60],
                    "p": districts[0].name if len(districts) == 1 else provinces[0].name,
                },
            )
            return None
        if len(communes) > 1:
            c.error(
                "old_commune",
                _("Có %(n)s xã cũ tên “%(v)s”: ghi huyện cũ, hoặc ghi mã xã cũ (%(ids)s) ở cột Nơi ở.")
                % {"n": len(communes), "v": commune_name[:60], "ids": ", ".join(a.ident for a in communes)},
            )
            return None
        return communes[0]

    def successors(self, legacy: Area) -> list[tuple[str, Area]]:
        found = self._successors.get(legacy.pk)
        if found is None:
            links = legacy.successor_links.select_related("successor").order_by("successor__ident")
            found = self._successors[legacy.pk] = [(link.kind, link.successor) for link in links]
        return found

    def place(self, c: wb.Cells, *, required: bool) -> tuple[Area | None, Area | None, bool]:
        """The row's area, from "Nơi ở" or the old address columns: (area, the old commune when
        the record must wait in the queue because it was split, whether an old address was used)."""
        ident = c.text("area")
        old = [k for k in ("old_province", "old_district", "old_commune") if c.has(k) and c.text(k)]
        if ident and old:
            c.error(old[0], _("Ghi mã nơi ở hoặc địa chỉ cũ, không ghi cả hai."))
            return None, None, False
        if ident:
            area = self.area_ref(c, "area", ident)
            if area is None:
                return None, None, False
            if not area.is_legacy:
                if area.level not in (Level.VILLAGE, Level.COMMUNE):
                    c.error("area", _("Nơi ở phải là một thôn hoặc một xã hiện hành."))
                    return None, None, False
                return area, None, False
            legacy, where = area, "area"
        elif old:
            found = self.legacy_by_names(c)
            if found is None:
                return None, None, True
            legacy, where = found, "old_commune"
        else:
            if required:
                c.error("area", _("Ghi mã nơi ở (thôn hoặc xã) hoặc địa chỉ cũ (tỉnh, huyện, xã cũ)."))
            return None, None, False
        links = self.successors(legacy)
        if not links:
            c.error(where, _("%(n)s không có đơn vị kế thừa trong danh mục.") % {"n": legacy.name})
            return None, None, True
        if len(links) == 1 and links[0][0] == SuccessionKind.WHOLE:
            return links[0][1], None, True  # merged whole into one commune: nothing to decide
        return legacy, legacy, True  # split: an officer of a successor commune decides, not us

    def may_write_place(self, area: Area, pending: Area | None) -> bool:
        if pending is not None:
            return any(self.covers(s.path) for _kind, s in self.successors(pending))
        return self.covers(area.path)

    # villages -------------------------------------------------------------------------------------

    def villages(self, data: wb.SheetData) -> None:
        counts = self.summary.of("villages")
        commune_ids = {a.pk for a in self.areas.values() if a.level == Level.COMMUNE}
        known = list(
            Area.objects.filter(level=Level.VILLAGE, parent_id__in=commune_ids)
            .select_related("parent")
            .prefetch_related("successor_links__successor")
        )
        for village in known:
            self.areas[village.ident] = village
        numbers: dict[int, set[int]] = defaultdict(set)
        for village in known:
            numbers[village.parent_id].add(village.number or 0)  # type: ignore[index]
        # Names of the villages that stay active: a new village may not repeat one (village_create's rule).
        active: dict[int, dict[str, str]] = defaultdict(dict)
        for village in known:
            if village.valid_to is None:
                active[village.parent_id][village.short_name.lower()] = village.ident  # type: ignore[index]
        seen: dict[str, int] = {}
        rows: list[tuple[wb.Cells, Area | None, str, str, date | None, date | None, str]] = []
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            ident = c.text("ident")
            commune_ident = c.text("commune", required=True)
            kind = c.choice("kind", KIND_OPTIONS, required=True)
            name = c.text("name", required=True, max_length=120, collapse=True)
            valid_from, valid_to = c.date("valid_from"), c.date("valid_to")
            merged = c.text("merged_into")
            commune = self.areas.get(commune_ident) if commune_ident else None
            if commune_ident and (commune is None or commune.level != Level.COMMUNE):
                c.error("commune", _("Không có xã, phường, đặc khu mã “%(v)s”.") % {"v": commune_ident[:20]})
                commune = None
            if ident:
                if ident in seen:
                    c.error("ident", _("Mã thôn trùng với dòng %(n)s.") % {"n": seen[ident]})
                seen[ident] = number
                if commune is not None:
                    match = re.fullmatch(rf"{re.escape(commune.code)}\.([1-9]\d*)", ident)
                    if match is None:
                        c.error("ident", _("Mã thôn phải có dạng “%(c)s.<số>”.") % {"c": commune.code})
                    else:
                        numbers[commune.pk].add(int(match[1]))
            if valid_to and not merged:
                c.error("merged_into", _("Thôn ngừng hoạt động khi sáp nhập: ghi mã thôn nhận sáp nhập."))
            if merged and not valid_to:
                c.error("valid_to", _("Ghi ngày cuối cùng thôn còn hoạt động trước khi sáp nhập."))
            if valid_from and valid_to and valid_to < valid_from:
                c.error("valid_to", _("Ngày này trước ngày thành lập."))
            rows.append((c, commune, ident, kind, valid_from, valid_to, merged))
            if commune is not None and name and not c.failed:
                existing = self.areas.get(ident) if ident else None
                if existing is not None and existing.level == Level.VILLAGE:
                    self._village_existing(c, existing, kind, name, valid_from, valid_to, merged)
                    if existing.valid_to is None:
                        active[commune.pk].pop(existing.short_name.lower(), None)
                        active[commune.pk][name.lower()] = ident
                    continue
                number_ = int(ident.rsplit(".", 1)[1]) if ident else None
                village = Area(
                    ident=ident,
                    code="",
                    level=Level.VILLAGE,
                    kind=kind,
                    name=f"{kind} {name}",
                    short_name=name,
                    parent=commune,
                    province_id=commune.province_id,
                    number=number_,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    path=f"{commune.path}{ident}/",
                )
                clash = active[commune.pk].get(name.lower())
                if clash is not None:
                    c.error(
                        "name", _("Xã đã có thôn, tổ dân phố tên “%(n)s” (%(i)s).") % {"n": name, "i": clash}
                    )
                    continue
                active[commune.pk][name.lower()] = ident or f"#{number}"
                if not self.covers(commune.path, Cap.AREA_WRITE):
                    c.error("commune", _("Bạn không có quyền thêm thôn ở xã này."))
                    continue
                if ident:
                    self.areas[ident] = village
                self.plan.villages_new.append(village)
                self.wrote(commune)
                counts.created += 1
        # Rows without a code get the commune's next numbers, never one used before.
        for village in self.plan.villages_new:
            if village.number is None:
                commune = village.parent
                assert commune is not None
                village.number = max(numbers[commune.pk] | {0}) + 1
                numbers[commune.pk].add(village.number)
                village.ident = f"{commune.code}.{village.number}"
                village.path = f"{commune.path}{village.ident}/"
        self.plan.villages_new.sort(key=lambda v: (v.parent.ident, v.number))  # type: ignore[union-attr]
        merges: list[tuple[Area, Area, date]] = []
        for c, commune, ident, _kind, _from, valid_to, merged in rows:
            source = self.areas.get(ident) if ident else None
            if not merged or source is None or source.pk is not None or c.failed:
                continue
            target = self.areas.get(merged)
            if (
                valid_to is None
                or target is None
                or target.level != Level.VILLAGE
                or _commune(target) != getattr(commune, "ident", None)
                or target is source
            ):
                c.error(
                    "merged_into", _("“%(v)s” không phải một thôn khác của cùng xã.") % {"v": merged[:20]}
                )
                continue
            if target.valid_to is not None and target.valid_to <= valid_to:
                c.error("merged_into", _("Thôn nhận sáp nhập đã ngừng hoạt động trước ngày đó."))
                continue
            merges.append((source, target, valid_to + timedelta(days=1)))
        # Merges run oldest first, so a village that later merged on is still active when it receives.
        self.plan.village_merges = sorted(merges, key=lambda m: m[2])

    def _village_existing(
        self,
        c: wb.Cells,
        village: Area,
        kind: str,
        name: str,
        valid_from: date | None,
        valid_to: date | None,
        merged: str,
    ) -> None:
        counts = self.summary.of("villages")
        current = sorted(link.successor.ident for link in village.successor_links.all())
        fixed = [
            ("valid_from", valid_from, village.valid_from),
            ("valid_to", valid_to, village.valid_to),
            ("merged_into", merged or None, current[0] if current else None),
        ]
        for column, wanted, has in fixed:
            if wanted != has:
                c.error(
                    column,
                    _("Thôn đã có: ngày thành lập, ngừng hoạt động và sáp nhập chỉ sửa trên trang của thôn."),
                )
        if c.failed:
            return
        if (kind, name) == (village.kind, village.short_name):
            counts.unchanged += 1
            return
        if not self.covers(village.path, Cap.AREA_WRITE):
            c.error("name", _("Bạn không có quyền đổi tên thôn này."))
            return
        self.plan.village_renames.append((village, kind, name))
        self.wrote(village)
        counts.changed += 1

    # model types -----------------------------------------------------------------------------------

    def model_types(self, data: wb.SheetData) -> None:
        kinds, attaches = wb.options(TypeKind.choices), wb.options(AttachTo.choices)
        journal = wb.options(JOURNAL_CHOICES)
        codes = {str(cells.get("code") or "").strip() for _n, cells in data.rows}
        taken = {t.code: t for t in ModelType.objects.filter(code__in=codes).select_related("province")}
        seen: dict[str, int] = {}
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            code = c.text("code", required=True, max_length=60)
            if code and not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
                c.error("code", _("Mã loại chỉ gồm chữ không dấu, số, “-” và “_”."))
            if code in seen:
                c.error("code", _("Mã loại trùng với dòng %(n)s.") % {"n": seen[code]})
            seen[code] = number
            province = self.areas.get(c.text("province", required=True))
            if c.text("province") and (province is None or province.level != Level.PROVINCE):
                c.error("province", _("Ghi mã một tỉnh hiện hành, ví dụ “14”."))
                province = None
            roles = self._pairs(c, "roles")
            extra = [
                {
                    "code": k,
                    "label": v.split("|", 1)[0].strip(),
                    **({"unit": v.split("|", 1)[1].strip()} if "|" in v else {}),
                }
                for k, v in self._pairs_raw(c, "extra_indicators")
            ]
            journal_kinds: list[str] = []
            for part in wb.LIST_SPLIT.split(c.text("journal_kinds")):
                if part.strip():
                    found = journal.get(normalize_search(part))
                    if found is None:
                        c.error(
                            "journal_kinds", _("Loại hoạt động “%(v)s” không có.") % {"v": part.strip()[:40]}
                        )
                    else:
                        journal_kinds.append(found)
            values = {
                "name": c.text("name", required=True, max_length=200),
                "short_name": c.text("short_name", required=True, max_length=80),
                "kind": c.choice("kind", kinds, required=True),
                "attaches_to": c.choice("attaches_to", attaches, required=True),
                "roles": roles,
                "has_subteams": c.boolean("has_subteams", False),
                "journal_kinds": journal_kinds,
                "extra_indicators": extra,
                "is_active": c.boolean("is_active", True),
                "description": c.text("description"),
            }
            values = {k: v for k, v in values.items() if c.has(k)}
            if roles or c.has("roles"):
                try:
                    services._clean_type_lists(roles=roles, journal_kinds=journal_kinds, extra=extra)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            c.error(name, message)
            existing = taken.get(code)
            if existing is not None and existing.province_id is None:
                c.error(
                    "code",
                    _("“%(c)s” là loại mô hình toàn quốc: các tổ chỉ cần ghi mã của nó.") % {"c": code},
                )
            elif existing is not None and (
                existing.code not in self.types
                or existing.province_id != getattr(province, "pk", existing.province_id)
            ):
                c.error(
                    "code", _("Mã loại “%(c)s” đã được dùng cho loại mô hình của tỉnh khác.") % {"c": code}
                )
            if c.failed or province is None:
                continue
            model_type = existing or ModelType(code=code, province=province)
            self.types[code] = model_type
            self.book(
                c,
                "types",
                self.plan.types,
                model_type,
                values,
                new=existing is None,
                may_write=partial(self.covers, province.path, Cap.TYPE_MANAGE),
                where="province",
                area=province,
            )

    def _pairs_raw(self, c: wb.Cells, column: str) -> list[tuple[str, str]]:
        pairs = []
        for part in c.text(column).split(";"):
            if not part.strip():
                continue
            code, sep, label = part.partition("=")
            if not sep or not code.strip() or not label.strip():
                c.error(column, _("Ghi dạng “mã=tên; mã=tên”, ví dụ “leader=Tổ trưởng; member=Tổ viên”."))
                return []
            pairs.append((code.strip(), label.strip()))
        return pairs

    def _pairs(self, c: wb.Cells, column: str) -> list[dict[str, str]]:
        return [{"code": k, "label": v} for k, v in self._pairs_raw(c, column)]

    # teams and their history ------------------------------------------------------------------------

    def teams_sheet(self, data: wb.SheetData) -> None:
        statuses = wb.options(TeamStatus.choices)
        rows: list[tuple[wb.Cells, Team, bool]] = []
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            key = c.key("key")
            if key and key in self.teams:
                c.error("key", _("Mã tổ trùng với một dòng trên."))
                continue
            existing = self.db_teams.get(key) if key else None
            if existing is not None and existing.pk not in self.visible_teams:
                c.error("key", _("Mã này đã được dùng cho một tổ ngoài phạm vi của bạn."))
                continue
            team = existing or Team(uid=wb.as_uuid(key) or uuid.uuid4())
            self.teams[key or f"#{number}"] = team
            self.team_rows[id(team)] = c
            rows.append((c, team, existing is None))
        parents: list[tuple[wb.Cells, Team, Team]] = []
        for c, team, new in rows:
            self.tick()
            model_type = self.types.get(c.text("type", required=True))
            if c.text("type") and model_type is None:
                c.error("type", _("Không có loại mô hình mã “%(v)s”.") % {"v": c.text("type")[:60]})
            home = self.areas.get(c.text("home", required=True))
            if c.text("home") and (home is None or home.level != Level.COMMUNE):
                c.error("home", _("Xã quản lý phải là mã một xã, phường, đặc khu hiện hành."))
                home = None
            areas = [a for a in (self.area_ref(c, "areas", i) for i in c.keys("areas")) if a is not None]
            if not c.keys("areas"):
                c.text("areas", required=True)
            parent = self.team_ref(c, "parent")
            values: dict[str, Any] = {
                "name": c.text("name", required=True, max_length=200, collapse=True),
                "parent": parent,
                "status": c.choice("status", statuses, required=True),
                "established_on": c.date("established_on"),
                "decision_number": c.text("decision_number", max_length=60),
                "decision_date": c.date("decision_date"),
                "decision_body": c.text("decision_body", max_length=200),
                "notes": c.text("notes"),
            }
            values = {k: v for k, v in values.items() if c.has(k)}
            if not new and model_type is not None and home is not None:
                if team.type_id != model_type.pk:
                    c.error("type", _("Không đổi được loại mô hình của một tổ đã có."))
                if team.home_area_id != home.pk:
                    c.error("home", _("Không đổi được xã quản lý của một tổ đã có."))
            if model_type is None or home is None or c.failed:
                continue
            problem = _team_area_problem(model_type, home, areas)
            if problem:
                c.error("areas", problem)
                continue
            if parent is not None:
                parents.append((c, team, parent))
            if new:
                team.type, team.home_area = model_type, home
                values["search_name"] = normalize_search(values["name"])
            elif "name" in values:
                values["search_name"] = normalize_search(values["name"])
            before = self.team_areas.get(id(team), [])
            self.team_areas[id(team)] = areas
            areas_changed = {a.pk for a in before} != {a.pk for a in areas} or any(
                a.pk is None for a in areas
            )
            may_write = partial(self.covers, home.path)
            booked = self.book(
                c,
                "teams",
                self.plan.teams,
                team,
                values,
                new=new,
                may_write=may_write,
                where="home",
                area=home,
            )
            if areas_changed and not new and not booked and not c.failed:
                # Only the areas changed: still a change of the team.
                if not may_write():
                    c.error("home", _("Bạn không có quyền sửa hồ sơ này."))
                    continue
                counts = self.summary.of("teams")
                counts.unchanged -= 1
                counts.changed += 1
                self.plan.teams.change(team, ["updated_at"])
                self.wrote(home)
                booked = True
            if booked and areas_changed:
                wanted = {a.pk for a in areas if a.pk is not None}
                removed = {a.pk for a in before} - wanted
                if removed:
                    self.plan.team_areas_removed.append((team, removed))
                had = {a.pk for a in before}
                self.plan.team_areas_new.extend(
                    TeamArea(team=team, area=a) for a in areas if a.pk is None or a.pk not in had
                )
        for c, team, parent in parents:
            if parent.type_id is None:
                continue  # the parent's own row failed
            if parent is team or parent.home_area_id != team.home_area_id or not parent.type.has_subteams:
                c.error("parent", _("Tổ cha phải cùng xã quản lý và thuộc mô hình có tổ con."))
                continue
            ancestor: Team | None = parent
            for _depth in range(50):
                if ancestor is None:
                    break
                if ancestor is team:
                    c.error("parent", _("Các tổ không thể là tổ cha của nhau."))
                    break
                ancestor = ancestor.parent

    def history(self, data: wb.SheetData) -> None:
        statuses = wb.options(TeamStatus.choices)
        known: dict[int, set[tuple[str, date, str]]] = defaultdict(set)
        db_ids = {t.pk for t in self.db_teams.values()}
        for change in TeamStatusChange.objects.filter(team_id__in=db_ids):
            known[change.team_id].add((change.status, change.on, change.reason))
        seen: dict[tuple[int, str, date, str], int] = {}
        counts = self.summary.of("history")
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            team = self.team_ref(c, "team", required=True)
            status = c.choice("status", statuses, required=True)
            on = c.date("on", required=True)
            reason = c.text("reason", max_length=300)
            if team is None or not status or on is None or c.failed:
                continue
            key = (id(team), status, on, reason)
            if key in seen:
                c.error("on", _("Trùng với dòng %(n)s.") % {"n": seen[key]})
                continue
            seen[key] = number
            if team.pk is not None and (status, on, reason) in known[team.pk]:
                counts.unchanged += 1
                continue
            if team.home_area_id is None:
                continue  # a new team whose own row failed: its error is already listed
            if not self.covers(team.home_area.path):
                c.error("team", _("Chỉ xã quản lý được ghi tình trạng của tổ này."))
                continue
            self.plan.statuses_new.append(
                TeamStatusChange(team=team, status=status, on=on, reason=reason, by=self.user)
            )
            self.new_history.setdefault(id(team), (team, []))[1].append((on, status, c))
            self.wrote(team.home_area)
            counts.created += 1

    def check_team_statuses(self) -> None:
        """A team's status is the latest entry of its history, in the file as in the database."""
        teams = {id(t): t for t in self.teams.values()}
        teams.update({key: team for key, (team, _entries) in self.new_history.items()})
        latest: dict[int, tuple[date, str]] = {}
        db_ids = [t.pk for t in teams.values() if t.pk is not None]
        for change in TeamStatusChange.objects.filter(team_id__in=db_ids).order_by("on", "id"):
            latest[change.team_id] = (change.on, change.status)
        booked = {id(t) for t in self.plan.teams.new} | {id(t) for t in self.plan.teams.changed}
        for key, team in teams.items():
            row = self.team_rows.get(key)
            if row is not None and row.failed:
                continue
            entries = self.new_history.get(key, (team, []))[1]
            if team.pk is None and not entries:
                if key in booked:
                    # A new team without history starts it as team_create does.
                    self.plan.statuses_new.append(
                        TeamStatusChange(
                            team=team,
                            status=team.status,
                            on=team.established_on or timezone.localdate(),
                            reason=_("Lập tổ"),
                            by=self.user,
                        )
                    )
                continue
            last = latest.get(team.pk) if team.pk is not None else None
            for on, status, _c in entries:
                if last is None or on >= last[0]:
                    last = (on, status)
            if last is None or last[1] == team.status:
                continue
            message = _(
                "Tình trạng khác với dòng mới nhất ở trang Lịch sử tình trạng (“%(s)s” từ %(d)s)."
            ) % {"s": wb.label(TeamStatus.choices, last[1]), "d": last[0].strftime("%d/%m/%Y")}
            if row is not None and row.has("status"):
                row.error("status", message)
            elif entries:
                entries[-1][2].error("status", message)

    # people and households --------------------------------------------------------------------------

    def people_sheet(self, data: wb.SheetData) -> None:
        genders, educations = wb.options(Gender.choices), wb.options(Education.choices)
        today = timezone.localdate()
        rows: list[tuple[wb.Cells, Person, bool, bool]] = []
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            key = c.key("key")
            if key and key in self.people:
                c.error("key", _("Mã người trùng với một dòng trên."))
                continue
            existing = self.db_people.get(key) if key else None
            if existing is not None and not self.may_read_record(existing.area):
                c.error("key", _("Mã này đã được dùng cho một người ngoài phạm vi của bạn."))
                continue
            person = existing or Person(uid=wb.as_uuid(key) or uuid.uuid4())
            self.people[key or f"#{number}"] = person
            rows.append((c, person, existing is None, wb.as_uuid(key) is not None))
        # Likely duplicates of a row typed without a UUID: same name ignoring accents, birth year, place.
        likely: dict[tuple[str, int | None, int], str] = {}
        places = {a.pk for a in self.areas.values() if a.level in (Level.VILLAGE, Level.COMMUNE) and a.pk}
        for batch in wb.chunks(places):
            for name, year, area_id in Person.objects.filter(area_id__in=batch).values_list(
                "search_name", "birth_year", "area_id"
            ):
                likely[(name, year, area_id)] = _("một người đã có")
        for c, person, new, has_uuid in rows:
            self.tick()
            full_name = c.text("full_name", required=True, max_length=150, collapse=True)
            birth_year = c.integer("birth_year", minimum=1900, maximum=today.year)
            birth_date = c.date("birth_date")
            if birth_date is not None:
                if birth_date > today:
                    c.error("birth_date", _("Ngày sinh ở tương lai."))
                elif birth_year is not None and birth_year != birth_date.year:
                    c.error("birth_year", _("Năm sinh khác với ngày sinh."))
                birth_year = birth_date.year
            area, pending, from_legacy = self.place(c, required=new)
            values: dict[str, Any] = {
                "full_name": full_name,
                "gender": c.choice("gender", genders),
                "birth_year": birth_year,
                "birth_date": birth_date,
                "education": c.choice("education", educations),
                "resident_since": c.date("resident_since"),
            }
            for name in SENSITIVE:
                values[name] = c.text(name, max_length=100)
            values = {
                k: v for k, v in values.items() if c.has(k) or (k == "birth_year" and c.has("birth_date"))
            }
            if "full_name" in values:
                values["search_name"] = normalize_search(full_name)
            if new and area is not None:
                values["area"] = area
                if not has_uuid and full_name and not c.boolean("confirm", False):
                    spot = (normalize_search(full_name), birth_year, area.pk or id(area))
                    if spot in likely:
                        c.error(
                            "full_name",
                            _(
                                "Có thể trùng với %(w)s: cùng tên, năm sinh, nơi ở. Nếu đúng là "
                                "người khác, ghi “Có” ở cột “Vẫn thêm”."
                            )
                            % {"w": likely[spot]},
                        )
                    likely[spot] = _("dòng %(n)s") % {"n": c.number}
            elif area is not None and not from_legacy:
                values["area"] = area  # an old address places a new record only; it never moves one
            where = area if area is not None else (None if new else person.area)
            sensitive_given = [n for n in SENSITIVE if values.get(n) and values[n] != getattr(person, n, "")]
            if (
                where is not None
                and sensitive_given
                and not (
                    self.covers(where.path, Cap.SENSITIVE_READ)
                    if pending is None
                    else self.may_write_place(where, pending)
                )
            ):
                c.error(
                    sensitive_given[0],
                    _("Bạn không được ghi số định danh, dân tộc, tôn giáo, số điện thoại."),
                )
            household_key = c.key("household") if c.has("household") else None
            self.person_rows.append(_PersonRow(c, person, values, new, household_key, area, pending))

    def households_sheet(self, data: wb.SheetData) -> None:
        rows: list[tuple[wb.Cells, Household, bool]] = []
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            key = c.key("key")
            if key and key in self.households:
                c.error("key", _("Mã hộ trùng với một dòng trên."))
                continue
            existing = self.db_households.get(key) if key else None
            if existing is not None and not self.may_read_record(existing.area):
                c.error("key", _("Mã này đã được dùng cho một hộ ngoài phạm vi của bạn."))
                continue
            household = existing or Household(uid=wb.as_uuid(key) or uuid.uuid4())
            self.households[key or f"#{number}"] = household
            rows.append((c, household, existing is None))
        person_row = {id(r.person): r for r in self.person_rows}
        for c, household, new in rows:
            self.tick()
            head = self.person_ref(c, "head", c.key("head")) if c.has("head") else None
            area, pending, from_legacy = self.place(c, required=new)
            values: dict[str, Any] = {"address": c.text("address", max_length=300, collapse=True)}
            if c.has("head"):
                values["head"] = head
            values = {k: v for k, v in values.items() if c.has(k) or k == "head"}
            if area is not None and (new or not from_legacy):
                values["area"] = area
            if head is not None:
                if id(head) in self.head_of:
                    c.error("head", _("Người này đã là chủ một hộ khác trong tệp."))
                row = person_row.get(id(head))
                if row is not None and row.household_key:
                    named = self.households.get(row.household_key) or self.db_households.get(
                        row.household_key
                    )
                    if named is not household:
                        c.error(
                            "head",
                            _("Chủ hộ ghi mã hộ khác ở trang Người (dòng %(n)s).") % {"n": row.cells.number},
                        )
                elif row is None and head.household_id is not None and head.household_id != household.pk:
                    c.error("head", _("Chủ hộ đang thuộc một hộ khác."))
                self.head_of[id(head)] = household
                if row is None and head.household_id is None and not c.failed:
                    # A head already in the database joins the household, as household_create does.
                    self.person_rows.append(_PersonRow(c, head, {}, False, None, None, None, counted=False))
            place = area if area is not None else (None if new else household.area)
            if place is None:
                continue

            def may_write(
                a: Area = place, p: Area | None = pending, h: Household = household, n: bool = new
            ) -> bool:
                return self.may_write_place(a, p) and (n or self.covers(h.area.path))

            if self.book(
                c,
                "households",
                self.plan.households,
                household,
                values,
                new=new,
                may_write=may_write,
                where=_place_column(c),
                area=place,
            ):
                if new and pending is not None:
                    self.summary.of("households").queued += 1
                    self.plan.placements.append(
                        (household, pending, _("Hộ: %(a)s") % {"a": household.address or "—"})
                    )

    def finish_people(self) -> None:
        """People are booked once households are known: a person's household may be a row of
        the households sheet, and a head with no household code joins the one they head."""
        for row in self.person_rows:
            c, person, values = row.cells, row.person, dict(row.values)
            if row.household_key is not None:
                household = (
                    self.household_ref(c, "household", row.household_key)
                    if row.household_key
                    else self.head_of.get(id(person))
                )
                values["household"] = household
            elif id(person) in self.head_of:
                values["household"] = self.head_of[id(person)]
            place = row.area if row.area is not None else (None if row.new else person.area)
            if place is None:
                continue
            counts = self.summary.of("people")
            if not row.counted:
                if c.failed or wb.same(person, "household", values.get("household")):
                    continue
                # A head named only on the households sheet: counted there, written here.
                if not self.covers(person.area.path):
                    c.error("head", _("Bạn không có quyền sửa hồ sơ này."))
                    continue
                person.household = values["household"]
                self.plan.people.change(person, ["household"])
                continue

            def may_write(
                a: Area = place, p: Area | None = row.pending, o: Person = person, n: bool = row.new
            ) -> bool:
                return self.may_write_place(a, p) and (n or self.covers(o.area.path))

            booked = self.book(
                c,
                "people",
                self.plan.people,
                person,
                values,
                new=row.new,
                may_write=may_write,
                where=_place_column(c),
                area=place,
            )
            if booked and row.new and row.pending is not None:
                counts.queued += 1
                summary = _("Người: %(n)s") % {"n": person.full_name}
                if person.birth_year:
                    summary += f" ({person.birth_year})"
                self.plan.placements.append((person, row.pending, summary))

    # memberships, households of teams, commitments --------------------------------------------------

    def _communes_of_team(self, team: Team) -> set[str | None]:
        return {_commune(a) for a in self.team_areas.get(id(team), [])}

    def _by_uid(self, model: type[Model], data: wb.SheetData, related: list[str]) -> dict[str, Any]:
        uids = {
            str(u) for u in (wb.as_uuid(str(cells.get("key") or "").strip()) for _n, cells in data.rows) if u
        }
        found: dict[str, Any] = {}
        for batch in wb.chunks(uids):
            for obj in model._default_manager.filter(uid__in=batch).select_related(*related):
                found[str(obj.uid)] = obj  # type: ignore[attr-defined]
        return found

    def _existing_key(
        self, c: wb.Cells, known: dict[str, Any], seen: set[str], visible: Callable[[Any], bool]
    ) -> tuple[str, Any, bool]:
        """(key, the database row it names or None, whether the row may go on)."""
        key = c.key("key")
        if key and key in seen:
            c.error("key", _("Mã trùng với một dòng trên."))
            return key, None, False
        seen.add(key)
        existing = known.get(key) if key else None
        if existing is not None and not visible(existing):
            c.error("key", _("Mã này đã được dùng ngoài phạm vi của bạn."))
            return key, None, False
        return key, existing, True

    def _team_visible(self, team: Team) -> bool:
        return team.pk in self.visible_teams or bool(
            selectors.teams_visible(self.actor).filter(pk=team.pk).exists()
        )

    def memberships(self, data: wb.SheetData) -> None:
        known = self._by_uid(Membership, data, ["team__home_area", "person__area"])
        db_teams = {t.pk for t in self.db_teams.values()}
        open_db: dict[tuple[int, int], str] = {
            (t, p): str(u)
            for t, p, u in Membership.objects.filter(team_id__in=db_teams, end_on__isnull=True).values_list(
                "team_id", "person_id", "uid"
            )
        }
        open_sheet: dict[tuple[int, int], int] = {}
        seen: set[str] = set()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self._existing_key(c, known, seen, lambda m: self._team_visible(m.team))
            if not ok:
                continue
            team = self.team_ref(c, "team", required=True)
            person = self.person_ref(c, "person", c.key("person"), required=True)
            start_on, end_on = c.date("start_on", required=True), c.date("end_on")
            if start_on and end_on and end_on < start_on:
                c.error("end_on", _("Ngày rời tổ trước ngày vào tổ."))
            role = ""
            if team is not None and team.type_id is not None:
                roles = {normalize_search(r["label"]): r["code"] for r in team.type.roles}
                roles.update({normalize_search(code): code for code in team.type.role_codes()})
                role = c.text("role", required=True)
                if role:
                    found = roles.get(normalize_search(role))
                    if found is None:
                        c.error(
                            "role",
                            _("Vai trò “%(v)s” không có trong mô hình này (dùng: %(r)s).")
                            % {"v": role[:40], "r": ", ".join(r["label"] for r in team.type.roles)},
                        )
                    role = found or ""
            values: dict[str, Any] = {
                "role": role,
                "start_on": start_on,
                "end_on": end_on,
                "decision_number": c.text("decision_number", max_length=60),
                "decision_date": c.date("decision_date"),
                "former_force_start": c.date("former_force_start"),
                "former_force_end": c.date("former_force_end"),
                "certificate_number": c.text("certificate_number", max_length=60),
                "age_exception": c.boolean("age_exception", False),
                "no_pending_prosecution": c.boolean("no_pending_prosecution", True),
            }
            values = {k: v for k, v in values.items() if c.has(k)}
            if team is None or person is None or team.home_area_id is None or c.failed:
                continue
            if existing is not None:
                if existing.team_id != team.pk or existing.person_id != person.pk:
                    c.error("team", _("Không đổi được tổ hoặc người của một dòng thành viên đã có."))
                    continue
                membership = existing
            else:
                membership = Membership(uid=wb.as_uuid(key) or uuid.uuid4(), team=team, person=person)
                if _area_of(person) is None:
                    continue  # the person's own row failed
                if _commune(person.area) is None or _commune(person.area) not in self._communes_of_team(team):
                    c.error("person", _("Người này không sống trên địa bàn của tổ."))
                    continue
                if end_on is None:
                    pair = (id(team), id(person))
                    clash = (
                        team.pk is not None and person.pk is not None and (team.pk, person.pk) in open_db
                    ) or pair in open_sheet
                    if clash:
                        c.error("person", _("Người này đang ở trong tổ."))
                        continue
                    open_sheet[pair] = number
                if team.type.is_statutory:
                    problems = services.force_eligibility(
                        person=person,
                        team=team,
                        start_on=start_on,  # type: ignore[arg-type]
                        age_exception=values.get("age_exception", False),
                        no_pending_prosecution=values.get("no_pending_prosecution", True),
                    )
                    for problem in problems:
                        c.error("person", problem)
                    if not values.get("decision_number"):
                        c.error("decision_number", _("Ghi số quyết định của Chủ tịch UBND xã."))
                    if c.failed:
                        continue
            self.book(
                c,
                "memberships",
                self.plan.memberships,
                membership,
                values,
                new=existing is None,
                may_write=partial(self.may_edit_roster, team),
                where="team",
                area=team.home_area,
            )

    def team_households_sheet(self, data: wb.SheetData) -> None:
        db_teams = {t.pk for t in self.db_teams.values()}
        links = {
            (th.team_id, th.household_id, th.start_on): th
            for th in TeamHousehold.objects.filter(team_id__in=db_teams)
        }
        open_links = {(t, h) for (t, h, _s), th in links.items() if th.end_on is None}
        seen: dict[tuple[int, int, date], int] = {}
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            team = self.team_ref(c, "team", required=True)
            household = self.household_ref(c, "household", c.key("household"), required=True)
            start_on, end_on = c.date("start_on", required=True), c.date("end_on")
            if start_on and end_on and end_on < start_on:
                c.error("end_on", _("Ngày rời tổ trước ngày vào tổ."))
            if team is None or household is None or start_on is None or team.home_area_id is None or c.failed:
                continue
            if _area_of(household) is None:
                continue  # the household's own row failed
            key = (id(team), id(household), start_on)
            if key in seen:
                c.error("start_on", _("Trùng với dòng %(n)s.") % {"n": seen[key]})
                continue
            seen[key] = number
            existing = links.get((team.pk, household.pk, start_on)) if team.pk and household.pk else None
            if existing is None:
                areas = self.team_areas.get(id(team), [])
                # As team_household_add: a household of one of the team's villages, or anywhere in
                # a commune the team covers whole.
                villages = {a.ident for a in areas if a.level == Level.VILLAGE}
                communes = {a.ident for a in areas if a.level == Level.COMMUNE}
                if household.area.ident not in villages and _commune(household.area) not in communes:
                    c.error("household", _("Hộ không ở trên địa bàn của tổ."))
                    continue
                if end_on is None and team.pk and household.pk and (team.pk, household.pk) in open_links:
                    c.error("household", _("Hộ đã thuộc tổ."))
                    continue
                existing_link = TeamHousehold(team=team, household=household, start_on=start_on)
            else:
                existing_link = existing
            self.book(
                c,
                "team_households",
                self.plan.team_households,
                existing_link,
                {"end_on": end_on},
                new=existing is None,
                may_write=partial(self.may_edit_roster, team),
                where="team",
                area=team.home_area,
            )

    def commitments(self, data: wb.SheetData) -> None:
        known = self._by_uid(Commitment, data, ["household__area", "team"])
        db_teams = {t.pk for t in self.db_teams.values()}
        taken = {
            (h, t, s): str(u)
            for h, t, s, u in Commitment.objects.filter(team_id__in=db_teams).values_list(
                "household_id", "team_id", "signed_on", "uid"
            )
        }
        seen_keys: set[str] = set()
        seen: dict[tuple[int, int, date], int] = {}
        today = timezone.localdate()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self._existing_key(
                c, known, seen_keys, lambda x: self.may_read_record(x.household.area)
            )
            if not ok:
                continue
            household = self.household_ref(c, "household", c.key("household"), required=True)
            team = self.team_ref(c, "team", required=True)
            signed_on = c.date("signed_on", required=True)
            if signed_on and signed_on > today:
                c.error("signed_on", _("Ngày ký ở tương lai."))
            values: dict[str, Any] = {"signed_on": signed_on, "note": c.text("note", max_length=300)}
            values = {k: v for k, v in values.items() if c.has(k)}
            if (
                household is None
                or team is None
                or signed_on is None
                or team.home_area_id is None
                or c.failed
            ):
                continue
            natural = (id(household), id(team), signed_on)
            if natural in seen:
                c.error("signed_on", _("Trùng với dòng %(n)s.") % {"n": seen[natural]})
                continue
            seen[natural] = number
            other = taken.get((household.pk, team.pk, signed_on)) if household.pk and team.pk else None
            if other is not None and other != key:
                c.error("signed_on", _("Hộ đã có cam kết này (cùng mô hình, cùng ngày ký)."))
                continue
            if existing is not None and (
                existing.household_id != household.pk or existing.team_id != team.pk
            ):
                c.error("household", _("Không đổi được hộ hoặc mô hình của một cam kết đã có."))
                continue
            commitment = existing or Commitment(
                uid=wb.as_uuid(key) or uuid.uuid4(), household=household, team=team
            )
            self.book(
                c,
                "commitments",
                self.plan.commitments,
                commitment,
                values,
                new=existing is None,
                may_write=partial(self.may_edit_roster, team),
                where="team",
                area=household.area,
            )

    # trainings and commendations ----------------------------------------------------------------------

    def trainings(self, data: wb.SheetData) -> None:
        known = self._by_uid(Training, data, ["area", "team__home_area"])
        attended: dict[int, list[Person]] = defaultdict(list)
        through = Training.attendees.through
        for batch in wb.chunks([t.pk for t in known.values()]):
            for link in through.objects.filter(training_id__in=batch).select_related("person__area"):
                attended[link.training_id].append(link.person)
        seen: set[str] = set()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self._existing_key(
                c,
                known,
                seen,
                lambda t: (
                    self.covers(t.area.path, Cap.TEAM_READ)
                    or (t.team_id is not None and self._team_visible(t.team))
                ),
            )
            if not ok:
                continue
            area = self.area_ref(c, "area", c.text("area", required=True)) if c.text("area") else None
            if area is not None and area.is_legacy:
                c.error("area", _("Địa bàn tập huấn phải là địa bàn hiện hành."))
            team = self.team_ref(c, "team")
            people = [
                p for p in (self.person_ref(c, "attendees", k) for k in c.keys("attendees")) if p is not None
            ]
            count = c.integer("attendee_count") or 0
            values: dict[str, Any] = {
                "area": area,
                "team": team,
                "held_on": c.date("held_on", required=True),
                "topic": c.text("topic", required=True, max_length=300),
                "attendee_count": max(count, len(people)),
            }
            values = {
                k: v for k, v in values.items() if c.has(k) or (k == "attendee_count" and c.has("attendees"))
            }
            if area is None or c.failed or (team is not None and team.home_area_id is None):
                continue
            training = existing or Training(uid=wb.as_uuid(key) or uuid.uuid4())
            before = attended.get(training.pk, []) if existing is not None else []
            visible_before = [p for p in before if self.may_read_record(p.area)]
            attendees_change = c.has("attendees") and (
                {p.pk for p in visible_before} != {p.pk for p in people} or any(p.pk is None for p in people)
            )

            def may_write(a: Area = area, t: Team | None = team, old: Training | None = existing) -> bool:
                allowed = self.covers(a.path) or (t is not None and self.may_edit_roster(t))
                if old is not None and old.area_id != a.pk:
                    allowed = allowed and (
                        self.covers(old.area.path)
                        or (old.team is not None and self.may_edit_roster(old.team))
                    )
                return allowed

            booked = self.book(
                c,
                "trainings",
                self.plan.trainings,
                training,
                values,
                new=existing is None,
                may_write=may_write,
                where="area",
                area=area,
            )
            if not booked and attendees_change and not c.failed:
                if not may_write():
                    c.error("attendees", _("Bạn không có quyền sửa hồ sơ này."))
                    continue
                counts = self.summary.of("trainings")
                counts.unchanged -= 1
                counts.changed += 1
                self.wrote(area)
                booked = True
            if booked and (attendees_change or existing is None) and people:
                # People the actor cannot see stay on the list: the file could not have shown them.
                hidden = [p for p in before if not self.may_read_record(p.area)]
                self.plan.attendees.append((training, hidden + people))

    def commendations(self, data: wb.SheetData) -> None:
        known = self._by_uid(Commendation, data, ["person__area", "team__home_area"])
        levels = wb.options(CommendationLevel.choices)
        seen: set[str] = set()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self._existing_key(
                c,
                known,
                seen,
                lambda x: (
                    (x.person is not None and self.may_read_record(x.person.area))
                    or (x.team is not None and self._team_visible(x.team))
                ),
            )
            if not ok:
                continue
            person = self.person_ref(c, "person", c.key("person")) if c.has("person") else None
            team = self.team_ref(c, "team") if c.has("team") else None
            if not (c.has("person") and c.key("person")) and not (c.has("team") and c.key("team")):
                c.error("person" if c.has("person") else "team", _("Ghi người hoặc tổ được khen."))
            values: dict[str, Any] = {
                "person": person,
                "team": team,
                "awarded_on": c.date("awarded_on", required=True),
                "level": c.choice("level", levels, required=True),
                "decision_number": c.text("decision_number", required=True, max_length=60),
                "reason": c.text("reason", max_length=300),
            }
            values = {k: v for k, v in values.items() if c.has(k)}
            subject = _area_of(person) if person is not None else team.home_area if team is not None else None
            if subject is None or c.failed:
                continue
            commendation = existing or Commendation(uid=wb.as_uuid(key) or uuid.uuid4())
            self.book(
                c,
                "commendations",
                self.plan.commendations,
                commendation,
                values,
                new=existing is None,
                may_write=partial(self.covers, subject.path),
                where="decision_number",
                area=subject,
            )


# --- import: the public entry points ---------------------------------------------------------------


def import_workbook(
    *,
    actor: Any,
    data: bytes,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    source: str = "",
) -> ImportSummary:
    """Check every row of every sheet; write everything in one transaction, or nothing.

    Raises WorkbookErrors naming every bad cell (sheet, row, Excel column, Vietnamese
    message). `dry_run` checks and counts without writing. `progress(percent)` is called as
    the work advances (for the background job's page). `source` names the file in the queue
    of records waiting to be placed and in the audit entry.
    """
    importer = _Importer(actor, source, progress)
    plan = importer.run(wb.read_sheets(data, SHEETS))
    if importer.errors:
        raise WorkbookErrors(importer.errors)
    importer.summary.dry_run = dry_run
    if not dry_run and (importer.summary.created or importer.summary.changed or plan.people.changed):
        try:
            services.workbook_apply(actor=actor, plan=plan)
        except ValidationError as exc:
            # The checks above mirror the services' rules; should a service still refuse a row,
            # the whole import is rolled back and its message shown like any other.
            raise WorkbookErrors([CellError("", 0, "", m) for m in exc.messages]) from exc
    if progress is not None:
        progress(100)
    return importer.summary


# --- jobs ----------------------------------------------------------------------------------------


def import_jobs_for(user: Any, *, limit: int = 10) -> QuerySet[ImportJob]:
    """A user's own uploads, newest first (a job is seen only by whoever uploaded it)."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(actor=user).defer("data")[:limit]


def import_job_get_for_user(user: Any, pk: int) -> ImportJob:
    return scoping.get_for_user(
        ImportJob.objects.defer("data"),
        user,
        visible_q=Q(actor_id=getattr(user, "pk", None) or 0)
        if getattr(user, "is_authenticated", False)
        else Q(pk__in=[]),
        pk=pk,
    )
