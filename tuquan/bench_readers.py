"""`make bench`: the three workbook readers on the same file (issue 18).

The import reads with python-calamine (tuquan.core.workbook.reading). This module keeps, for
the measurement only, the two it was chosen over: openpyxl's read-only mode, and the
project's own streaming XML reader that the import used until 2026-12-03 (`_Xlsx`, unchanged
but for its name). All three read every row of every sheet; the ratios are to openpyxl's.
"""

from __future__ import annotations

import io
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _Xlsx:
    """A streaming reader of .xlsx worksheets: (row number, cell values) per row.

    openpyxl's read-only mode builds an object per cell, which for a file written by
    openpyxl itself (inline strings) is most of a 100,000-row import. This reads the same
    XML with the standard library's expat parser and keeps only values: text (shared or
    inline), numbers, booleans, and dates wherever the cell's number format is a date
    format (judged, and converted from Excel's serial numbers, by openpyxl's own helpers).
    """

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())
        book = self._tree("xl/workbook.xml")
        self.epoch = CALENDAR_WINDOWS_1900
        for el in book.iter():
            if _local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
        targets = {}
        rels = "xl/_rels/workbook.xml.rels"
        for el in self._tree(rels).iter() if rels in self.names else ():
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                targets[el.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        self.sheets = [
            (el.get("name", ""), targets.get(el.get(f"{{{REL_NS}}}id"), ""))
            for el in book.iter()
            if _local(el.tag) == "sheet"
        ]
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def _checked(self, name: str) -> IO[bytes]:
        """A part of the file, refused if it declares a DTD. No spreadsheet part has one, and
        entity declarations are what XML bombs are made of; expat (2.4 and later) limits their
        expansion anyway, and ElementTree never fetches external entities."""
        with self.zip.open(name) as stream:
            head = re.sub(rb"<!--.*?(?:-->|\Z)", b"", stream.read(65536), flags=re.S)
        root = re.search(rb"<[A-Za-z_]", head)
        if root is None or b"<!DOCTYPE" in head[: root.start()].upper():
            raise ValueError(f"{name}: no element, or a DTD")
        return self.zip.open(name)

    def _tree(self, name: str) -> Any:
        with self._checked(name) as stream:
            return ET.parse(stream).getroot()  # noqa: S314 (checked above)

    def _elements(self, name: str) -> Iterator[Any]:
        with self._checked(name) as stream:
            for _event, el in ET.iterparse(stream):  # noqa: S314 (checked above)
                yield el

    def _shared_strings(self) -> list[str]:
        found: list[str] = []
        if "xl/sharedStrings.xml" not in self.names:
            return found
        for el in self._elements("xl/sharedStrings.xml"):
            if _local(el.tag) == "si":
                found.append(_text_of(el))
                el.clear()
        return found

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.names:
            return set()
        styles = self._tree("xl/styles.xml")
        formats = dict(BUILTIN_FORMATS)
        for el in styles.iter():
            if _local(el.tag) == "numFmt":
                formats[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
        found: set[int] = set()
        for el in styles.iter():
            if _local(el.tag) == "cellXfs":
                for index, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                    if is_date_format(formats.get(int(xf.get("numFmtId", "0")), "")):
                        found.add(index)
        return found

    def rows(self, path: str) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        columns: dict[str, int] = {}
        for el in self._elements(path):
            if not el.tag.endswith("}row"):
                continue
            number = int(el.get("r") or number + 1)
            values: list[Any] = []
            column = 0
            for cell in el:
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters) or columns.setdefault(
                        letters, column_index_from_string(letters)
                    )
                else:
                    column += 1
                value = self._value(cell)
                if value is not None:
                    values.extend([None] * (column - len(values)))
                    values[column - 1] = value
            el.clear()
            yield number, values

    def _value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return next((_text_of(child) for child in cell if child.tag.endswith("}is")), None)
        raw = next((child.text for child in cell if child.tag.endswith("}v")), None)
        if raw is None:
            return None
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return raw == "1"
        if kind in ("str", "e", "d"):
            return raw
        number: float | int = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        if int(cell.get("s", "0")) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (OverflowError, ValueError):
                return raw
        return number


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_of(el: Any) -> str:
    """A string item's text: its runs joined, phonetic hints (rPh) left out."""
    parts: list[str] = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _hand_written(data: bytes) -> int:
    book = _Xlsx(data)
    return sum(1 for _title, path in book.sheets for _row in book.rows(path))


def _openpyxl_read_only(data: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return sum(1 for ws in book.worksheets for _row in ws.iter_rows(values_only=True))


def _calamine(data: bytes) -> int:
    from tuquan.core.workbook import Book

    book = Book(data)
    return sum(1 for title in book.titles for _row in book.rows(title))


OPENPYXL = "openpyxl read-only"


def run(data: bytes, label: str) -> dict[str, float]:
    """Print each reader's time on `data`, best of two, as a ratio to openpyxl read-only;
    return the times in seconds by reader (`OPENPYXL` the baseline)."""
    timings: dict[str, float] = {}
    rows: dict[str, int] = {}
    for name, reader in (
        (OPENPYXL, _openpyxl_read_only),
        ("own XML reader (replaced 2026-12-03)", _hand_written),
        ("python-calamine (in use)", _calamine),
    ):
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            rows[name] = reader(data)
            best = min(best, time.perf_counter() - started)
        timings[name] = best
    base = timings[OPENPYXL]
    for name, seconds in timings.items():
        print(
            f"{'read ' + label + ': ' + name:<58} {seconds * 1000:9.1f} ms   "
            f"rows {rows[name]:>7,}   ratio to openpyxl read-only {seconds / base:5.2f}"
        )
    return timings
