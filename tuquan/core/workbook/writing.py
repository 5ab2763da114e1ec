"""Writing what an import planned (new rows in batches, changed rows by their changed fields),
and writing workbooks whose text cells stay text (`append`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

BATCH = 500


@dataclass
class Changes:
    """New rows of one model, and changed existing ones with the fields that changed."""

    new: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    _seen: set[int] = field(default_factory=set)

    def change(self, obj: Any, fields: Iterable[str]) -> None:
        if id(obj) not in self._seen:
            self._seen.add(id(obj))
            self.changed.append(obj)
        self.fields.update(fields)


def bulk_create(model: Any, objs: list[Any]) -> None:
    if objs:
        model.objects.bulk_create(objs, batch_size=BATCH)


def bulk_update_changed(model: Any, changes: Changes, now: Any) -> None:
    """The changed rows' changed fields, and `updated_at` where the model keeps one."""
    if not changes.changed:
        return
    fields = set(changes.fields)
    if any(f.name == "updated_at" for f in model._meta.fields):
        for obj in changes.changed:
            obj.updated_at = now
        fields.add("updated_at")
    model.objects.bulk_update(changes.changed, sorted(fields), batch_size=BATCH)


# --- cells written for people to open ------------------------------------------------------


def clean(value: Any) -> Any:
    """Text as a workbook may hold it: control characters the format forbids are dropped (a
    value recorded before input refused them must not stop a whole province's export)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def append(ws: Any, values: list[Any]) -> None:
    """Append a row whose text stays text: a value such as `=cmd|' /C calc'!A0`, `=1+1` or
    `@SUM(A1)` is written as a string cell, which no spreadsheet evaluates, and reads back as
    the same value on import. Every workbook the app writes appends its rows here."""
    row = [clean(v) for v in values]
    if isinstance(ws, WriteOnlyWorksheet):
        ws.append([_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in row])
        return
    ws.append(row)
    for cell in ws[ws.max_row] if row else ():
        if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
            cell.data_type = "s"


def _text_cell(ws: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell
