"""Checking the people and households sheets."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search, sort_key
from tuquan.registry.models import (
    Education,
    Gender,
    Household,
    Person,
)
from tuquan.registry.workbook.base import ImporterBase
from tuquan.registry.workbook.format import SENSITIVE
from tuquan.registry.workbook.plan import (
    PersonRow,
    place_column,
)


class PeopleSheets(ImporterBase):
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
                values["sort_name"] = sort_key(full_name)
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
            self.person_rows.append(PersonRow(c, person, values, new, household_key, area, pending))

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
                    self.person_rows.append(PersonRow(c, head, {}, False, None, None, None, counted=False))
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
                where=place_column(c),
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
                where=place_column(c),
                area=place,
            )
            if booked and row.new and row.pending is not None:
                counts.queued += 1
                summary = _("Người: %(n)s") % {"n": person.full_name}
                if person.birth_year:
                    summary += f" ({person.birth_year})"
                self.plan.placements.append((person, row.pending, summary))

    # memberships, households of teams, commitments --------------------------------------------------
