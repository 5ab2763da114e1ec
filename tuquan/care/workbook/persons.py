"""Supervised persons in and out of a workbook: exported only for their commune officer,
imported only from the commune officer of every person in the file, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tuquan.care import services
from tuquan.care.models import (
    Category,
    CheckIn,
    IncomeBand,
    Referral,
    ReferralOrg,
    ReferralStatus,
    SupervisedPerson,
)
from tuquan.care.permissions import can_supervise_person, can_take_in_person
from tuquan.care.workbook.fund import MAX_ROWS, save
from tuquan.core import workbook
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction
from tuquan.core.services import audit_record
from tuquan.core.workbook import (
    CellError,
    Column,
    Sheet,
    SheetCounts,
    WorkbookErrors,
)
from tuquan.core.workbook.writing import append
from tuquan.registry.models import Person, Team

# --- supervised persons -------------------------------------------------------------------

PERSONS = Sheet(
    "supervised",
    "Người được giúp đỡ",
    (
        Column("ref", "Mã"),
        Column("full_name", "Họ và tên", required=True, width=24),
        Column("birth_year", "Năm sinh", width=10),
        Column("category", "Diện", required=True, width=24),
        Column("area_name", "Thôn, xã", imported=False, width=24),
        Column("area", "Mã địa bàn", required=True, width=12),
        Column("address", "Địa chỉ", width=24),
        Column("legal_basis", "Căn cứ pháp lý", width=24),
        Column("needs", "Nhu cầu, hoàn cảnh", width=30),
        Column("start_on", "Bắt đầu", kind="date", required=True, width=12),
        Column("planned_end_on", "Dự kiến kết thúc", kind="date", width=12),
        Column("team_name", "Tổ giúp đỡ", imported=False, width=20),
        Column("team", "Mã tổ", width=38),
        Column("helper_name", "Người giúp đỡ", imported=False, width=20),
        Column("helper", "Mã người giúp đỡ", width=38),
        Column("job_found_on", "Có việc làm", kind="date", width=12),
        Column("loan_on", "Vay vốn ngày", kind="date", width=12),
        Column("loan_amount", "Vay vốn (đồng)", kind="int", width=14),
        Column("family_support", "Gia đình hỗ trợ", kind="bool", width=10),
        Column("income_band", "Thu nhập", width=24),
        Column("reoffended_on", "Tái phạm", kind="date", width=12),
        Column("closed_on", "Kết thúc", kind="date", width=12),
    ),
)
CHECKINS = Sheet(
    "checkins",
    "Lần gặp",
    (
        Column("person", "Mã hồ sơ", required=True),
        Column("occurred_on", "Ngày gặp", kind="date", required=True, width=12),
        Column("note", "Ghi chú", width=40),
        Column("recorded_by", "Người ghi", imported=False),
    ),
)
REFERRALS = Sheet(
    "referrals",
    "Giới thiệu",
    (
        Column("key", "Mã", width=38),
        Column("person", "Mã hồ sơ", required=True),
        Column("organisation", "Giới thiệu đến", required=True, width=22),
        Column("referred_on", "Ngày giới thiệu", kind="date", required=True, width=12),
        Column("need", "Nhu cầu, lý do", width=30),
        Column("status", "Tình trạng", width=16),
        Column("outcome", "Kết quả", width=30),
        Column("outcome_on", "Ngày có kết quả", kind="date", width=12),
    ),
)
PERSON_SHEETS = (PERSONS, CHECKINS, REFERRALS)
IMPORT_REFUSED = _("Chỉ cán bộ Công an xã nhập danh sách người được giúp đỡ của xã mình.")
# Identity and history columns emptied by minimisation: a minimised person's are left alone.
PERSON_IDENTITY = ("full_name", "birth_year", "address", "legal_basis", "needs")
PERSON_OUTCOMES = (
    "planned_end_on",
    "team",
    "helper",
    "job_found_on",
    "loan_on",
    "loan_amount",
    "family_support",
    "income_band",
    "reoffended_on",
)
FIXED = {
    "category": _("Không đổi được diện của hồ sơ đã có."),
    "area": _("Không đổi được nơi cư trú của hồ sơ đã có."),
    "start_on": _("Không đổi được ngày bắt đầu của hồ sơ đã có."),
}


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def person_workbook(actor: Actor, persons: list[SupervisedPerson]) -> bytes:
    """Names, outcomes, check-ins and referrals, for the commune officer of every person
    listed; refused otherwise. The same file imports back (`person_import`) unchanged."""
    if any(not can_supervise_person(actor, p) for p in persons):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã xuất danh sách người được giúp đỡ."))
    with translation.override("vi"):  # labels as the import reads them, whatever the user's language
        return _person_workbook(persons)


def _person_workbook(persons: list[SupervisedPerson]) -> bytes:
    ids = [p.pk for p in persons]
    refs = {p.pk: p.ref for p in persons}
    rows: dict[str, list[list[Any]]] = {s.key: [] for s in PERSON_SHEETS}
    for p in persons:
        values = {
            "ref": p.ref,
            "full_name": p.full_name,
            "birth_year": p.birth_year,
            "category": workbook.label(Category.choices, p.category),
            "area_name": p.area.name,
            "area": p.area.ident,
            "address": p.address,
            "legal_basis": p.legal_basis,
            "needs": p.needs,
            "start_on": _day(p.start_on),
            "planned_end_on": _day(p.planned_end_on),
            "team_name": p.team.name if p.team else "",
            "team": str(p.team.uid) if p.team else "",
            "helper_name": p.helper.full_name if p.helper else "",
            "helper": str(p.helper.uid) if p.helper else "",
            "job_found_on": _day(p.job_found_on),
            "loan_on": _day(p.loan_on),
            "loan_amount": int(p.loan_amount) if p.loan_amount is not None else "",
            "family_support": workbook.yes_no(p.family_support),
            "income_band": workbook.label(IncomeBand.choices, p.income_band) or "",
            "reoffended_on": _day(p.reoffended_on),
            "closed_on": _day(p.closed_on),
        }
        rows[PERSONS.key].append([values[c.key] for c in PERSONS.columns])
    for c in (
        CheckIn.objects.filter(person_id__in=ids).select_related("recorded_by").order_by("occurred_on", "id")
    ):
        recorded = c.recorded_by.username if c.recorded_by else ""
        rows[CHECKINS.key].append([refs[c.person_id], _day(c.occurred_on), c.note, recorded])
    for r in Referral.objects.filter(person_id__in=ids).order_by("referred_on", "id"):
        rows[REFERRALS.key].append(
            [
                str(r.uid),
                refs[r.person_id],
                workbook.label(ReferralOrg.choices, r.organisation),
                _day(r.referred_on),
                r.need,
                workbook.label(ReferralStatus.choices, r.status),
                r.outcome,
                _day(r.outcome_on),
            ]
        )
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in PERSON_SHEETS:
        ws = wb.create_sheet(sheet.title)
        append(ws, [c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[ws.cell(1, index).column_letter].width = column.width
        for row in rows[sheet.key]:
            append(ws, row)
        ws.freeze_panes = "A2"
    return save(wb)


# --- supervised persons: import -------------------------------------------------------------


def _read_persons(data: bytes) -> dict[str, workbook.SheetData]:
    """The three sheets by their titles, columns by their headers (in any order), with the
    registry workbook's reader. A sheet or column the format does not have refuses the file."""
    found = workbook.read_sheets(data, PERSON_SHEETS, max_rows=MAX_ROWS)
    if PERSONS.key not in found and CHECKINS.key not in found and REFERRALS.key not in found:
        raise WorkbookErrors([CellError("", 0, "", _("Tệp không có trang “%(s)s”.") % {"s": PERSONS.title})])
    return found


def _refusal(c: workbook.Cells, exc: ValidationError, *, default: str = "") -> None:
    """A service's refusal, named by the cell of the field it names (or the row)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                c.error(field if c.has(field) else default, message)
    else:
        for message in exc.messages:
            c.error(default, message)


class _PersonImport:
    """Checks every row of the three sheets, then writes through the services in one
    transaction; any refusal, before or while writing, rolls everything back."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.errors: list[CellError] = []
        self.counts = {s.title: SheetCounts() for s in PERSON_SHEETS}
        self.categories = workbook.options(Category.choices)
        self.incomes = workbook.options(IncomeBand.choices)
        self.organisations = workbook.options(ReferralOrg.choices)
        self.statuses = workbook.options(ReferralStatus.choices)
        self.areas: dict[str, Area | None] = {}
        # ref → (row cells, existing person or None, values)
        self.persons: dict[str, tuple[workbook.Cells, SupervisedPerson | None, dict[str, Any]]] = {}
        self.made: dict[str, SupervisedPerson] = {}

    # -- lookups --

    def _area(self, c: workbook.Cells, current: Area | None) -> Area | None:
        ident = c.text("area", required=True)
        if not ident:
            return None
        if current is not None and ident == current.ident:
            return current  # an existing person's area, even a village merged since
        if ident not in self.areas:
            self.areas[ident] = Area.objects.filter(ident=ident, valid_to__isnull=True).first()
        area = self.areas[ident]
        if area is None:
            c.error("area", _("Không có địa bàn mã “%(v)s”.") % {"v": ident[:40]})
            return None
        if area.level not in ("commune", "village"):
            c.error("area", _("Hãy ghi mã của xã hoặc thôn, tổ dân phố."))
            return None
        if not can_supervise_person(self.actor, _AreaOnly(area)):
            c.error("area", IMPORT_REFUSED)
            return None
        return area

    def _existing(self, c: workbook.Cells, ref: str) -> tuple[bool, SupervisedPerson | None]:
        """(usable, person): an unknown reference is kept for a new person."""
        if not services.REF_RE.fullmatch(ref):
            c.error("ref", _("Mã hồ sơ có dạng GD-XXXXXX (để trống cho người mới)."))
            return False, None
        person = (
            SupervisedPerson.objects.select_related("area", "commune", "team", "helper")
            .filter(ref=ref)
            .first()
        )
        if person is not None and not can_supervise_person(self.actor, person):
            c.error("ref", _("Mã hồ sơ “%(v)s” không thuộc xã bạn phụ trách.") % {"v": ref})
            return False, None
        return True, person

    def _team(self, c: workbook.Cells) -> Team | None:
        key = c.text("team") if c.has("team") else ""
        if not key:
            return None
        found = workbook.as_uuid(key)
        team = Team.objects.select_related("home_area").filter(uid=found).first() if found else None
        if team is None:
            c.error("team", _("Không có tổ mã “%(v)s”.") % {"v": key[:40]})
        return team

    def _helper(self, c: workbook.Cells) -> Person | None:
        key = c.text("helper") if c.has("helper") else ""
        if not key:
            return None
        found = workbook.as_uuid(key)
        helper = Person.objects.select_related("area").filter(uid=found).first() if found else None
        if helper is None:
            c.error("helper", _("Không có người mã “%(v)s”.") % {"v": key[:40]})
        return helper

    def _person_of(self, c: workbook.Cells) -> tuple[str, SupervisedPerson | None] | None:
        """The person a check-in or referral row names: one of the file's, or an existing one."""
        ref = c.text("person", required=True).upper()
        if not ref:
            return None
        if ref in self.persons:
            return ref, self.persons[ref][1]
        person = SupervisedPerson.objects.select_related("area", "commune").filter(ref=ref).first()
        if person is None or not can_supervise_person(self.actor, person):
            c.error(
                "person",
                _("Không có hồ sơ mã “%(v)s” trong trang “%(s)s” hay ở xã bạn phụ trách.")
                % {"v": ref[:20], "s": PERSONS.title},
            )
            return None
        self.persons[ref] = (c, person, {})
        return ref, person

    # -- checking --

    def check_persons(self, data: workbook.SheetData) -> None:
        for number, cells in data.rows:
            c = workbook.Cells(self, data, number, cells)  # type: ignore[arg-type]
            ref = c.text("ref").upper() if c.has("ref") else ""
            person: SupervisedPerson | None = None
            if ref:
                if ref in self.persons:
                    c.error("ref", _("Mã hồ sơ “%(v)s” có hai lần trong trang.") % {"v": ref})
                    continue
                usable, person = self._existing(c, ref)
                if not usable:
                    continue
            values: dict[str, Any] = {
                "full_name": c.text("full_name", max_length=150, collapse=True),
                "birth_year": c.text("birth_year", max_length=4),
                "address": c.text("address", max_length=300),
                "legal_basis": c.text("legal_basis", max_length=500),
                "needs": c.text("needs", max_length=2000),
                "category": c.choice("category", self.categories, required=True),
                "area": self._area(c, person.area if person is not None else None),
                "start_on": c.date("start_on", required=True),
                "planned_end_on": c.date("planned_end_on"),
                "team": self._team(c),
                "helper": self._helper(c),
                "job_found_on": c.date("job_found_on"),
                "loan_on": c.date("loan_on"),
                "loan_amount": c.integer("loan_amount", minimum=1),
                "family_support": c.boolean("family_support", False),
                "income_band": c.choice("income_band", self.incomes),
                "reoffended_on": c.date("reoffended_on"),
                "closed_on": c.date("closed_on"),
            }
            if values["birth_year"] and not values["birth_year"].isdigit():
                c.error("birth_year", _("Năm sinh ghi bốn chữ số."))
            minimised = person is not None and person.minimised_at is not None
            if not values["full_name"] and not minimised:
                c.error("full_name", _("Bắt buộc, không được để trống."))
            for key in PERSON_IDENTITY if minimised else ():
                if values[key]:
                    c.error(key, _("Thông tin nhận dạng của hồ sơ này đã được xoá, không ghi lại được."))
            if person is not None:
                for key, message in FIXED.items():
                    now = person.area if key == "area" else getattr(person, key)
                    if values[key] not in (None, "") and values[key] != now:
                        c.error(key, message)
                if person.closed_on is not None and values["closed_on"] != person.closed_on:
                    c.error(
                        "closed_on",
                        _("Hồ sơ đã kết thúc ngày %(d)s, không đổi được.") % {"d": _day(person.closed_on)},
                    )
            if c.failed:
                continue
            key = ref or f"#{number}"
            self.persons[key] = (c, person, values)

    def check_checkins(self, data: workbook.SheetData) -> list[tuple[workbook.Cells, str, date, str]]:
        found: list[tuple[workbook.Cells, str, date, str]] = []
        for number, cells in data.rows:
            c = workbook.Cells(self, data, number, cells)  # type: ignore[arg-type]
            named = self._person_of(c)
            day = c.date("occurred_on", required=True)
            note = c.text("note", max_length=2000)
            if named is not None and day is not None and not c.failed:
                found.append((c, named[0], day, note))
        return found

    def check_referrals(
        self, data: workbook.SheetData
    ) -> list[tuple[workbook.Cells, str, Referral | None, dict[str, Any]]]:
        found: list[tuple[workbook.Cells, str, Referral | None, dict[str, Any]]] = []
        seen: set[str] = set()
        for number, cells in data.rows:
            c = workbook.Cells(self, data, number, cells)  # type: ignore[arg-type]
            named = self._person_of(c)
            key = c.text("key") if c.has("key") else ""
            uid = workbook.as_uuid(key) if key else None
            if key and uid is None:
                c.error("key", _("Mã giới thiệu không hợp lệ (để trống cho lần giới thiệu mới)."))
            if uid is not None and str(uid) in seen:
                c.error("key", _("Mã giới thiệu có hai lần trong trang."))
            values: dict[str, Any] = {
                "organisation": c.choice("organisation", self.organisations, required=True),
                "referred_on": c.date("referred_on", required=True),
                "need": c.text("need", max_length=2000),
                "status": c.choice("status", self.statuses) or ReferralStatus.PENDING,
                "outcome": c.text("outcome", max_length=2000),
                "outcome_on": c.date("outcome_on"),
            }
            existing = Referral.objects.filter(uid=uid).first() if uid else None
            if existing is not None and named is not None:
                person = named[1]
                if person is None or existing.person_id != person.pk:
                    c.error("key", _("Lần giới thiệu này thuộc hồ sơ khác."))
            if uid is not None:
                seen.add(str(uid))
                values["uid"] = uid
            if named is not None and not c.failed:
                found.append((c, named[0], existing, values))
        return found

    # -- writing --

    def write_persons(self) -> list[tuple[workbook.Cells, SupervisedPerson, date]]:
        closing: list[tuple[workbook.Cells, SupervisedPerson, date]] = []
        counts = self.counts[PERSONS.title]
        for key, (c, person, values) in self.persons.items():
            if not values:
                continue  # named by another sheet only
            outcomes = {f: values[f] for f in PERSON_OUTCOMES}
            try:
                if person is None:
                    person = services.supervised_create(
                        actor=self.actor,
                        area=values["area"],
                        category=values["category"],
                        full_name=values["full_name"],
                        birth_year=values["birth_year"],
                        address=values["address"],
                        legal_basis=values["legal_basis"],
                        needs=values["needs"],
                        start_on=values["start_on"],
                        planned_end_on=values["planned_end_on"],
                        team=values["team"],
                        helper=values["helper"],
                        ref="" if key.startswith("#") else key,
                    )
                    rest = {
                        f: v for f, v in outcomes.items() if f not in ("planned_end_on", "team", "helper")
                    }
                    rest = {f: v for f, v in rest.items() if v not in (None, "", False)}
                    if rest:
                        services.supervised_update(actor=self.actor, person=person, **rest)
                    counts.created += 1
                else:
                    changes = {f: v for f, v in outcomes.items() if not _same(person, f, v)}
                    if person.minimised_at is None:
                        changes.update(
                            {f: values[f] for f in PERSON_IDENTITY if getattr(person, f) != values[f]}
                        )
                    if changes:
                        services.supervised_update(actor=self.actor, person=person, **changes)
                        counts.changed += 1
                    elif not (values["closed_on"] and person.closed_on is None):
                        counts.unchanged += 1
            except ValidationError as exc:
                _refusal(c, exc)
                continue
            except PermissionDenied as exc:
                c.error("area", str(exc))
                continue
            self.made[key] = person
            self.persons[key] = (c, person, values)
            if values["closed_on"] and person.closed_on is None:
                closing.append((c, person, values["closed_on"]))
        return closing

    def _resolve(self, key: str) -> SupervisedPerson | None:
        return self.made.get(key) or self.persons.get(key, (None, None, None))[1]

    def write_checkins(self, rows: list[tuple[workbook.Cells, str, date, str]]) -> None:
        counts = self.counts[CHECKINS.title]
        present: dict[int, list[tuple[date, str]]] = {}
        for c, key, day, note in rows:
            person = self._resolve(key)
            if person is None:
                continue  # its person's row was refused, and named
            if person.pk not in present:
                present[person.pk] = list(
                    CheckIn.objects.filter(person=person).values_list("occurred_on", "note")
                )
            have = present[person.pk]
            if (day, note) in have:
                have.remove((day, note))
                counts.unchanged += 1
                continue
            try:
                services.supervised_checkin(actor=self.actor, person=person, occurred_on=day, note=note)
            except ValidationError as exc:
                _refusal(c, exc, default="occurred_on")
            except PermissionDenied as exc:
                c.error("person", str(exc))
            else:
                counts.created += 1

    def write_referrals(
        self, rows: list[tuple[workbook.Cells, str, Referral | None, dict[str, Any]]]
    ) -> None:
        counts = self.counts[REFERRALS.title]
        for c, key, existing, values in rows:
            person = self._resolve(key)
            if person is None:
                continue
            try:
                if existing is None:
                    services.referral_create(actor=self.actor, person=person, **values)
                    counts.created += 1
                    continue
                values.pop("uid", None)
                changes = {f: v for f, v in values.items() if getattr(existing, f) != v}
                if person.minimised_at is not None:
                    changes.pop("need", None)
                    changes.pop("outcome", None)
                if changes:
                    existing.person = person
                    services.referral_update(actor=self.actor, referral=existing, **changes)
                    counts.changed += 1
                else:
                    counts.unchanged += 1
            except ValidationError as exc:
                _refusal(c, exc)
            except PermissionDenied as exc:
                c.error("person", str(exc))

    def close(self, closing: list[tuple[workbook.Cells, SupervisedPerson, date]]) -> None:
        for c, person, day in closing:
            try:
                services.supervised_close(actor=self.actor, person=person, closed_on=day)
            except ValidationError as exc:
                _refusal(c, exc, default="closed_on")
            else:
                self.counts[PERSONS.title].changed += 1


class _AreaOnly:
    """What `can_supervise_person` reads of a person, for a row that is not one yet."""

    def __init__(self, area: Area) -> None:
        self.area = area


def _same(person: SupervisedPerson, field: str, value: Any) -> bool:
    if field in ("team", "helper"):
        current = getattr(person, f"{field}_id")
        return current == (value.pk if value is not None else None)
    if field == "loan_amount":
        return person.loan_amount == (Decimal(value) if value is not None else None)
    return bool(getattr(person, field) == value)


def person_import(*, actor: Actor, data: bytes) -> dict[str, SheetCounts]:
    """Create and update supervised persons, their check-ins and referrals from the
    workbook `person_workbook` writes, through the services, all or nothing.

    Accepted only from the commune officer of every person in the file (PermissionDenied
    for anyone else). Raises WorkbookErrors naming every bad cell (sheet, row, column,
    Vietnamese message); nothing is then written. Returns the counts per sheet."""
    if not can_take_in_person(actor):
        raise PermissionDenied(IMPORT_REFUSED)
    sheets = _read_persons(data)
    imp = _PersonImport(actor)
    if PERSONS.key in sheets:
        imp.check_persons(sheets[PERSONS.key])
    checkins = imp.check_checkins(sheets[CHECKINS.key]) if CHECKINS.key in sheets else []
    referrals = imp.check_referrals(sheets[REFERRALS.key]) if REFERRALS.key in sheets else []
    if imp.errors:
        raise WorkbookErrors(imp.errors)
    with transaction.atomic():
        closing = imp.write_persons()
        imp.write_checkins(checkins)
        imp.write_referrals(referrals)
        imp.close(closing)
        if imp.errors:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="care.supervisedperson",
                label=_("Nhập người được giúp đỡ từ tệp"),
                details={"sheets": {t: vars(c).copy() for t, c in imp.counts.items()}},
            )
    if imp.errors:
        raise WorkbookErrors(imp.errors)
    return imp.counts
