"""How a workbook's sheets are declared: columns with their kinds, and what was read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tuquan.core.text import normalize_search

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per query when many identifiers are looked up at once (under every database's limit).
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, date, int, bool, list: how the cell is written and read
    required: bool = False
    width: int = 16
    exported: bool = True  # False: read on import only ("Vẫn thêm")
    imported: bool = True  # False: written for people to read, ignored on import ("(để đọc)")
    sensitive: bool = False
    # Headers this column had before (a file exported then still imports).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    def export_columns(self, sensitive: bool) -> list[Column]:
        return [c for c in self.columns if c.exported and (sensitive or not c.sensitive)]


@dataclass
class SheetCounts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    queued: int = 0  # created with an old split commune as their area, waiting to be placed


@dataclass
class SheetData:
    """One sheet as read: where each declared column was found, and its rows' raw values."""

    sheet: Sheet
    letters: dict[str, str]  # column key → its letter in the uploaded sheet
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, column key → raw value)

    def has(self, key: str) -> bool:
        return key in self.letters


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


class Options(dict[str, str]):
    """Normalised code and Vietnamese label → code; `labels` are what a message lists."""

    labels: list[str]


def options(choices: Iterable[tuple[str, Any]]) -> Options:
    """Normalised code and Vietnamese label → code: a cell may hold either."""
    found = Options()
    found.labels = []
    with translation.override("vi"):
        for code, label in choices:
            found[normalize_search(str(label))] = code
            found[normalize_search(code)] = code
            found.labels.append(str(label))
    return found


def label(choices: Iterable[tuple[str, Any]], code: str) -> str | None:
    if not code:
        return None
    return next((str(text) for c, text in choices if c == code), code)
