"""Checking the teams, status history, memberships and team households sheets."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Level
from tuquan.core.text import normalize_search, sort_key
from tuquan.registry import services
from tuquan.registry.models import (
    Membership,
    Team,
    TeamArea,
    TeamHousehold,
    TeamStatus,
    TeamStatusChange,
)
from tuquan.registry.workbook.base import ImporterBase
from tuquan.registry.workbook.plan import (
    area_of,
    commune_of,
    team_area_problem,
)


class TeamSheets(ImporterBase):
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
            problem = team_area_problem(model_type, home, areas)
            if problem:
                c.error("areas", problem)
                continue
            if parent is not None:
                parents.append((c, team, parent))
            if new:
                team.type, team.home_area = model_type, home
            if new or "name" in values:
                values["search_name"] = normalize_search(values["name"])
                values["sort_name"] = sort_key(values["name"])
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
                booked = self.book_links(c, "teams", "home", may_write, home)
                if not booked:
                    continue
                self.plan.teams.change(team, ["updated_at"])
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

    def memberships(self, data: wb.SheetData) -> None:
        known = self.by_uid(Membership, data, ["team__home_area", "person__area"])
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
            key, existing, ok = self.existing_key(c, known, seen, lambda m: self.team_visible(m.team))
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
                if area_of(person) is None:
                    continue  # the person's own row failed
                if commune_of(person.area) is None or commune_of(person.area) not in self._communes_of_team(
                    team
                ):
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
            if area_of(household) is None:
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
                if household.area.ident not in villages and commune_of(household.area) not in communes:
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
