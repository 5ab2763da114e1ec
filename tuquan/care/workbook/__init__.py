"""Team funds and supervised persons in and out of workbooks. Imports are all-or-nothing
and go through the services, so a closed month refuses an imported entry as it refuses a
typed one. Supervised persons are exported only for their commune officer, never by
default (the export view and `person_workbook` check it), and imported only from the
commune officer of every person in the file.

The persons' workbook has three sheets, "Người được giúp đỡ", "Lần gặp" and "Giới thiệu",
read with the shared workbook reader and cell checks (`core.workbook`), its errors
(`CellError`, `WorkbookErrors`: sheet, row, column, Vietnamese message) likewise. Exporting
and importing the file again changes nothing.
"""

from tuquan.care.workbook.fund import FUND_HEADERS, MAX_ROWS, fund_import, fund_workbook
from tuquan.care.workbook.persons import (
    CHECKINS,
    IMPORT_REFUSED,
    PERSON_SHEETS,
    PERSONS,
    REFERRALS,
    person_import,
    person_workbook,
)
from tuquan.core.workbook import CellError, SheetCounts, WorkbookErrors

__all__ = [
    "CHECKINS",
    "FUND_HEADERS",
    "IMPORT_REFUSED",
    "MAX_ROWS",
    "PERSONS",
    "PERSON_SHEETS",
    "REFERRALS",
    "CellError",
    "SheetCounts",
    "WorkbookErrors",
    "fund_import",
    "fund_workbook",
    "person_import",
    "person_workbook",
]
