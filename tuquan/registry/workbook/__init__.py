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

from tuquan.core.workbook import XLSX, CellError, Column, Sheet, SheetCounts, WorkbookErrors
from tuquan.core.workbook.writing import Changes
from tuquan.registry.workbook.export import export_filename, export_workbook
from tuquan.registry.workbook.format import (
    JOURNAL_CHOICES,
    OWN_SHEETS,
    SENSITIVE,
    STORED_ERRORS,
    ImportSummary,
    sheet,
    sheets,
)
from tuquan.registry.workbook.importer import (
    Importer,
    import_job_get_for_user,
    import_jobs_for,
    import_workbook,
)
from tuquan.registry.workbook.plan import Plan

__all__ = [
    "JOURNAL_CHOICES",
    "OWN_SHEETS",
    "SENSITIVE",
    "STORED_ERRORS",
    "XLSX",
    "CellError",
    "Changes",
    "Column",
    "ImportSummary",
    "Importer",
    "Plan",
    "Sheet",
    "SheetCounts",
    "WorkbookErrors",
    "export_filename",
    "export_workbook",
    "import_job_get_for_user",
    "import_jobs_for",
    "import_workbook",
    "sheet",
    "sheets",
]
