"""The import's shared state and lookups: what the file and the database already hold,
references between rows, places (old addresses included), and who may write where. The
sheets' checks are in places.py, teams.py, people.py and records.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.core import scoping
from tuquan.core import workbook as wb
from tuquan.core.actors import Actor
from tuquan.core.models import LEGACY_LEVELS, Area, Level, SuccessionKind
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search
from tuquan.core.workbook import CellError
from tuquan.core.workbook.writing import Changes
from tuquan.registry import selectors
from tuquan.registry.models import (
    Household,
    ModelType,
    Person,
    Team,
)
from tuquan.registry.permissions import can_edit_roster, can_write_at
from tuquan.registry.workbook.format import ImportSummary
from tuquan.registry.workbook.plan import (
    UNIT_PREFIX,
    PersonRow,
    Plan,
    commune_of,
)


class ImporterBase:
    """Reads every row of every sheet, records every error, and plans the writes."""

    def __init__(self, actor: Actor, source: str, progress: Callable[[int], None] | None) -> None:
        self.actor = actor
        self.user = acting_user(actor)
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
        self.person_rows: list[PersonRow] = []
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
            ("approvals", "village"),
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
        row = self.team_rows.get(id(team))
        if team.pk is None and row is not None and row.failed:
            # A new team whose own row was refused (its type or commune unknown): the rows that
            # name it cannot be checked against it, and say why at their own cell.
            c.error(
                column,
                _("Tổ mã “%(k)s” chưa nhận được vì dòng của nó ở trang “Tổ, nhóm” có lỗi.") % {"k": key},
            )
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

    def book_links(
        self, c: wb.Cells, sheet_key: str, column: str, may_write: Callable[[], bool], area: Area | None
    ) -> bool:
        """A row whose only change is a list it links (an entry's participants, a training's
        attendees, a team's areas): still a change of the row, needing the right to write it."""
        if not may_write():
            c.error(column, _("Bạn không có quyền sửa hồ sơ này."))
            return False
        counts = self.summary.of(sheet_key)
        counts.unchanged -= 1
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

    def _communes_of_team(self, team: Team) -> set[str | None]:
        return {commune_of(a) for a in self.team_areas.get(id(team), [])}

    def by_uid(self, model: type[Model], data: wb.SheetData, related: list[str]) -> dict[str, Any]:
        uids = {
            str(u) for u in (wb.as_uuid(str(cells.get("key") or "").strip()) for _n, cells in data.rows) if u
        }
        found: dict[str, Any] = {}
        for batch in wb.chunks(uids):
            for obj in model._default_manager.filter(uid__in=batch).select_related(*related):
                found[str(obj.uid)] = obj  # type: ignore[attr-defined]
        return found

    def existing_key(
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

    def team_visible(self, team: Team) -> bool:
        return team.pk in self.visible_teams or bool(
            selectors.teams_visible(self.actor).filter(pk=team.pk).exists()
        )
