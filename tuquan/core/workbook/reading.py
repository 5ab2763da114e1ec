"""Reading workbooks: .xlsx, .xls and .ods through python-calamine (Rust), chosen by
measurement over openpyxl's read-only mode and the project's own XML reader (docs/decisions.md;
`make bench` prints all three on the 100,000-household file).

`read_sheets` finds the declared sheets by title and their columns by header, refuses the
file for a structural problem before any row is read (row errors would only repeat it), and
returns each sheet's rows as raw values: text, int or float, bool, datetime for date cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tuquan.core.text import has_control, nfc, normalize_search
from tuquan.core.workbook.errors import CellError, WorkbookErrors
from tuquan.core.workbook.format import Sheet, SheetData

# What a workbook may unpack to. A zip bomb (a few KB that inflate to gigabytes) is refused
# before the reader, which holds a sheet in memory, sees it. 100,000 households with their
# heads unpack to about 60 MB.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
SUFFIXES = (".xlsx", ".xls", ".ods")


def unreadable() -> WorkbookErrors:
    return WorkbookErrors(
        [CellError("", 0, "", _("Không đọc được tệp: hãy dùng tệp Excel (.xlsx, .xls) hoặc bảng tính .ods."))]
    )


def _value(value: Any) -> Any:
    """Calamine's value as the rest of the import expects it: empty as None, whole numbers
    as int, a date cell as a datetime (as openpyxl gives it)."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _check_archive(data: bytes) -> None:
    """Refuse a zip bomb, and any XML part that declares a DTD: no spreadsheet part has one,
    and entity declarations are what XML bombs are made of."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise WorkbookErrors([CellError("", 0, "", _("Tệp giải nén ra quá lớn."))])
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as stream:
                        head = re.sub(rb"<!--.*?(?:-->|\Z)", b"", stream.read(65536), flags=re.S)
                    root = re.search(rb"<[A-Za-z_]", head)
                    if root is None or b"<!DOCTYPE" in head[: root.start()].upper():
                        raise unreadable()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise unreadable() from exc


class Book:
    """A workbook's sheets, by title, each as (Excel row number, values from column A)."""

    def __init__(self, data: bytes) -> None:
        from python_calamine import CalamineWorkbook

        if data[:4] == b"PK\x03\x04":  # .xlsx and .ods are zip files
            _check_archive(data)
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises its own kinds for each format's faults
            raise unreadable() from exc
        self.titles: list[str] = list(self.book.sheet_names)

    def rows(self, title: str) -> Iterator[tuple[int, list[Any]]]:
        try:
            # From cell A1, whatever the first filled cell: the row numbers and column letters
            # in errors are Excel's own.
            table = self.book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:
            raise unreadable() from exc
        for index, values in enumerate(table):
            row = [_value(v) for v in values]
            while row and row[-1] is None:
                row.pop()
            yield index + 1, row


def read_sheets(data: bytes, sheets: Iterable[Sheet], max_rows: int | None = None) -> dict[str, SheetData]:
    """The declared sheets found in the file, by title; each one's header is its first row
    with anything in it. Other workbooks (the supervised persons') pass their own sheets
    and, if they cap a file, the most rows it may hold."""
    book = Book(data)
    by_title = {normalize_search(s.title): s for s in sheets}
    errors: list[CellError] = []
    found: dict[str, SheetData] = {}
    total = 0
    for title in book.titles:
        sheet = by_title.get(normalize_search(title))
        rows = (row for row in book.rows(title) if row[1])
        header_number, header = next(rows, (1, []))
        if sheet is None:
            if any(v not in (None, "") for v in header):
                errors.append(
                    CellError(
                        title,
                        header_number,
                        "",
                        _("Trang này không có trong mẫu (xem docs/import-format.md)."),
                    )
                )
            continue
        if sheet.key in found:
            errors.append(CellError(title, 1, "", _("Trang “%(s)s” có hai lần.") % {"s": sheet.title}))
            continue
        by_header = {normalize_search(h): c for c in sheet.columns for h in (c.header, *c.aliases)}
        letters: dict[str, str] = {}
        positions: list[tuple[int, str]] = []
        for index, value in enumerate(header):
            text = str(value).strip() if value is not None else ""
            if not text:
                continue
            letter = get_column_letter(index + 1)
            column = by_header.get(normalize_search(text))
            if column is None:
                errors.append(
                    CellError(
                        sheet.title,
                        header_number,
                        letter,
                        _("Cột “%(h)s” không có trong mẫu của trang này.") % {"h": text},
                    )
                )
            elif column.key in letters:
                errors.append(
                    CellError(sheet.title, header_number, letter, _("Cột “%(h)s” có hai lần.") % {"h": text})
                )
            else:
                letters[column.key] = letter
                if column.imported:
                    positions.append((index, column.key))
        if not letters:
            continue  # an empty sheet is a sheet left out
        for column in sheet.columns:
            if column.required and column.key not in letters:
                errors.append(
                    CellError(sheet.title, header_number, "", _("Thiếu cột “%(h)s”.") % {"h": column.header})
                )
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, values in rows:
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                continue
            total += 1
            if max_rows is not None and total > max_rows:
                raise WorkbookErrors(
                    [
                        CellError(
                            sheet.title, number, "", _("Tối đa %(n)s dòng mỗi lần nhập.") % {"n": max_rows}
                        )
                    ]
                )
            parsed.append((number, {key: values[i] if i < len(values) else None for i, key in positions}))
        found[sheet.key] = SheetData(sheet, letters, parsed)
    if errors:
        raise WorkbookErrors(errors)
    return found


def first_sheet_rows(data: bytes, max_rows: int) -> list[list[Any]]:
    """The first sheet's rows from A1, empty rows kept (a simple list such as villages)."""
    book = Book(data)
    if not book.titles:
        return []
    return [
        values for _index, (_number, values) in zip(range(max_rows), book.rows(book.titles[0]), strict=False)
    ]


def upload_rows(name: str, data: bytes, max_rows: int) -> list[list[Any]]:
    """A one-sheet upload (villages, a fund's ledger): a CSV file or a workbook's first
    sheet, rows from 1. An unreadable file is a ValidationError with a Vietnamese message."""
    import csv

    from django.core.exceptions import ValidationError

    if name.lower().endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text))][:max_rows]
    else:
        try:
            rows = first_sheet_rows(data, max_rows)
        except WorkbookErrors as exc:
            raise ValidationError(
                _("Không đọc được tệp: hãy dùng tệp Excel (.xlsx, .xls), bảng tính .ods hoặc .csv.")
            ) from exc
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if isinstance(value, str) and has_control(value):
                raise ValidationError(
                    _(
                        "Dòng %(r)s, cột %(c)s có ký tự điều khiển không in được: xoá ký tự đó rồi tải lên lại."
                    )
                    % {"r": number, "c": get_column_letter(index + 1)}
                )
    return [[nfc(v) if isinstance(v, str) else v for v in row] for row in rows]
