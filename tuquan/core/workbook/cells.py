"""One row's cells, each read with its error recorded by sheet, row and column."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any, Protocol

from django.db.models import Model
from django.utils.translation import gettext as _

from tuquan.core.text import has_control, nfc, normalize_search
from tuquan.core.workbook.errors import CellError
from tuquan.core.workbook.format import SheetData, yes_no

DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"khong", "0", "false", "no", "sai"}
LIST_SPLIT = re.compile(r"[;,\n]+")


class ErrorSink(Protocol):
    """Whatever collects a workbook's errors (an import keeps them all, then refuses)."""

    errors: list[CellError]


def as_uuid(key: str) -> uuid.UUID | None:
    # Most local codes ("P1", "H12") are far shorter than any spelling of a UUID: no exception.
    if not 32 <= len(key) <= 45:
        return None
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def canonical_key(text: str) -> str:
    """A UUID in its one spelling; anything else is a key local to this file."""
    found = as_uuid(text)
    return str(found) if found is not None else text


def same(obj: Model, name: str, value: Any) -> bool:
    """Whether a model's field already holds what a cell says (a foreign key by its id)."""
    f = obj._meta.get_field(name)
    if f.many_to_one:
        current = getattr(obj, f.attname)  # type: ignore[union-attr]
        if value is None:
            return current is None
        return value.pk is not None and current == value.pk
    current = getattr(obj, name)
    if isinstance(current, str) and isinstance(value, str):
        # A cell is read stripped; what the form or the API stored with a trailing space or
        # line break is the same text, not a change at every import.
        return current.strip() == value
    return current == value


def parse_date(value: Any) -> date | None:
    """A date cell, or text as dd/mm/yyyy or yyyy-mm-dd; ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError


class Cells:
    """One row's cells, each read with its error recorded by sheet, row and column."""

    __slots__ = ("cells", "data", "failed", "imp", "number")

    def __init__(self, imp: ErrorSink, data: SheetData, number: int, cells: dict[str, Any]) -> None:
        self.imp, self.data, self.number, self.cells = imp, data, number, cells
        self.failed = False

    def has(self, key: str) -> bool:
        return self.data.has(key)

    def error(self, key: str, message: str) -> None:
        self.failed = True
        self.imp.errors.append(
            CellError(self.data.sheet.title, self.number, self.data.letters.get(key, ""), message)
        )

    def text(
        self, key: str, *, required: bool = False, max_length: int | None = None, collapse: bool = False
    ) -> str:
        """The cell as text, stripped; `collapse` also joins inner runs of spaces and line
        breaks, as the services do for names and addresses (notes keep their lines)."""
        value = self.cells.get(key)
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = " ".join(value.split()) if collapse else value.strip()
        elif isinstance(value, bool):
            text = yes_no(value)
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, datetime | date):
            text = value.strftime("%d/%m/%Y")
        else:
            text = str(value)
        if has_control(text):
            # Refused like the forms and the API (core/input_guard.py): it would break exports.
            self.error(
                key, _("Ô có ký tự điều khiển không in được (thường do dán từ nơi khác): xoá ký tự đó.")
            )
            return ""
        text = nfc(text)
        if required and not text:
            self.error(key, _("Bắt buộc, không được để trống."))
        elif max_length and len(text) > max_length:
            self.error(key, _("Dài quá %(n)s ký tự.") % {"n": max_length})
        return text

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self.cells.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key, _("Bắt buộc, không được để trống."))
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        match = DATE_RE.fullmatch(text)
        if match:
            try:
                return date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                self.error(key, _("Ngày “%(v)s” không có thật.") % {"v": text})
                return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.error(key, _("“%(v)s” không phải một ngày dạng dd/mm/yyyy.") % {"v": text[:40]})
            return None

    def integer(self, key: str, *, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self.cells.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None:
            self.error(key, _("“%(v)s” không phải một số nguyên.") % {"v": str(value)[:40]})
            return None
        if number < minimum or (maximum is not None and number > maximum):
            self.error(
                key,
                _("Phải từ %(a)s đến %(b)s.") % {"a": minimum, "b": maximum if maximum is not None else "…"},
            )
            return None
        return number

    def boolean(self, key: str, default: bool) -> bool:
        text = normalize_search(self.text(key))
        if not text:
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        self.error(key, _("Ghi “Có” hoặc “Không”."))
        return default

    def choice(self, key: str, options: dict[str, str], *, required: bool = False) -> str:
        text = self.text(key, required=required)
        if not text:
            return ""
        code = options.get(normalize_search(text))
        if code is None:
            # The labels the file uses ("Chờ kiểm tra"), not the codes behind them.
            allowed = getattr(options, "labels", None) or sorted(set(options.values()))
            self.error(
                key, _("“%(v)s” không hợp lệ (dùng: %(o)s).") % {"v": text[:40], "o": ", ".join(allowed)}
            )
            return ""
        return code

    def key(self, key: str) -> str:
        return canonical_key(self.text(key, max_length=60))

    def keys(self, key: str) -> list[str]:
        raw = self.text(key)
        return [canonical_key(p.strip()) for p in LIST_SPLIT.split(raw) if p.strip()]
