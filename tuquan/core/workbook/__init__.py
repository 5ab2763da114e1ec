"""Workbooks, for every app: reading (.xlsx, .xls, .ods), cells and their errors, the format's
declarations. Each app declares its own sheets and reads its rows with `Cells`; see
docs/architecture.md ("Workbooks") for how to add a sheet.
"""

from tuquan.core.workbook import parts
from tuquan.core.workbook.cells import LIST_SPLIT, Cells, ErrorSink, as_uuid, canonical_key, parse_date, same
from tuquan.core.workbook.errors import CellError, WorkbookErrors
from tuquan.core.workbook.format import (
    CHUNK,
    XLSX,
    Column,
    Sheet,
    SheetCounts,
    SheetData,
    chunks,
    label,
    options,
    yes_no,
)
from tuquan.core.workbook.reading import (
    SUFFIXES,
    Book,
    first_sheet_rows,
    read_sheets,
    unreadable,
    upload_rows,
)

__all__ = [
    "CHUNK",
    "LIST_SPLIT",
    "SUFFIXES",
    "XLSX",
    "Book",
    "CellError",
    "Cells",
    "Column",
    "ErrorSink",
    "Sheet",
    "SheetCounts",
    "SheetData",
    "WorkbookErrors",
    "as_uuid",
    "canonical_key",
    "chunks",
    "first_sheet_rows",
    "label",
    "options",
    "parse_date",
    "parts",
    "read_sheets",
    "same",
    "unreadable",
    "upload_rows",
    "yes_no",
]
