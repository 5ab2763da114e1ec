"""Importing a registry workbook: every row checked before anything is written."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from tuquan.core import scoping
from tuquan.core import workbook as wb
from tuquan.core.actors import Actor
from tuquan.core.workbook import CellError, WorkbookErrors
from tuquan.registry import services
from tuquan.registry.models import ImportJob
from tuquan.registry.workbook.format import ImportSummary, sheets
from tuquan.registry.workbook.people import PeopleSheets
from tuquan.registry.workbook.places import PlaceSheets
from tuquan.registry.workbook.plan import Plan
from tuquan.registry.workbook.records import RecordSheets
from tuquan.registry.workbook.teams import TeamSheets


class Importer(PlaceSheets, TeamSheets, PeopleSheets, RecordSheets):
    """Reads and checks every sheet (one mixin per group of sheets), then plans the writes."""

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
            if any(declared.key in sheets for declared in part.declared):
                part.check(self, sheets)
        return self.plan


# --- import: the public entry points ---------------------------------------------------------------


def import_workbook(
    *,
    actor: Actor,
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
    importer = Importer(actor, source, progress)
    plan = importer.run(wb.read_sheets(data, sheets()))
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


def import_jobs_for(user: Actor, *, limit: int = 10) -> QuerySet[ImportJob]:
    """A user's own uploads, newest first (a job is seen only by whoever uploaded it)."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(actor_id=user.pk).defer("data")[:limit]


def import_job_get_for_user(user: Actor, pk: int) -> ImportJob:
    return scoping.get_for_user(
        ImportJob.objects.defer("data"),
        user,
        visible_q=Q(actor_id=user.pk) if user.is_authenticated else Q(pk__in=[]),
        pk=pk,
    )
