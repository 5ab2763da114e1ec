"""Checking the commitments, trainings and commendations sheets."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area
from tuquan.core.roles import Cap
from tuquan.registry.models import (
    Commendation,
    CommendationLevel,
    Commitment,
    Person,
    Team,
    Training,
)
from tuquan.registry.workbook.base import ImporterBase
from tuquan.registry.workbook.plan import area_of


class RecordSheets(ImporterBase):
    def commitments(self, data: wb.SheetData) -> None:
        known = self.by_uid(Commitment, data, ["household__area", "team"])
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
            key, existing, ok = self.existing_key(
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
        known = self.by_uid(Training, data, ["area", "team__home_area"])
        attended: dict[int, list[Person]] = defaultdict(list)
        through = Training.attendees.through
        for batch in wb.chunks([t.pk for t in known.values()]):
            for link in through.objects.filter(training_id__in=batch).select_related("person__area"):
                attended[link.training_id].append(link.person)
        seen: set[str] = set()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self.existing_key(
                c,
                known,
                seen,
                lambda t: (
                    self.covers(t.area.path, Cap.TEAM_READ)
                    or (t.team_id is not None and self.team_visible(t.team))
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
                booked = self.book_links(c, "trainings", "attendees", may_write, area)
                if not booked:
                    continue
            if booked and (attendees_change or existing is None) and people:
                # People the actor cannot see stay on the list: the file could not have shown them.
                hidden = [p for p in before if not self.may_read_record(p.area)]
                self.plan.attendees.append((training, hidden + people))

    def commendations(self, data: wb.SheetData) -> None:
        known = self.by_uid(Commendation, data, ["person__area", "team__home_area"])
        levels = wb.options(CommendationLevel.choices)
        seen: set[str] = set()
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            key, existing, ok = self.existing_key(
                c,
                known,
                seen,
                lambda x: (
                    (x.person is not None and self.may_read_record(x.person.area))
                    or (x.team is not None and self.team_visible(x.team))
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
            subject = area_of(person) if person is not None else team.home_area if team is not None else None
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
