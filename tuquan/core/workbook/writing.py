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


def reserve_ids(model: Any, objs: list[Any]) -> bool:
    """On PostgreSQL, give unsaved objects ids from their table's sequence before they are
    inserted, so that rows inserted first may already point at them (Django's foreign keys
    there are checked at commit); elsewhere do nothing and say so (False).

    Pointing at the new rows afterwards would be an UPDATE, and PostgreSQL writes an updated
    row anew in every index of its table when an indexed column changes: for 100,000 heads
    joining their households, 4.8 s of index writes (eight indexes on people) against none.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not objs:
        return False
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    return True


def set_links(model: Any, field_name: str, pairs: list[tuple[int, int]]) -> None:
    """Point a foreign key of many rows, each at its own target: (row id, target id) pairs,
    joined to the rows on their primary key, a few hundred pairs per statement
    (`UPDATE … FROM (VALUES …)`: SQLite 3.33 and later, and PostgreSQL).

    A subquery per row that finds the target by another column instead, ordered and limited,
    was planned on PostgreSQL as a backward scan of the target's whole index per row (issue
    22: 100,000 heads joining their households took ten minutes); `bulk_update` would
    evaluate a CASE of the batch's every id per row. On PostgreSQL, `reserve_ids` avoids the
    UPDATE altogether.
    """
    if not pairs:
        return
    from django.db import connection

    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    column = quote(meta.get_field(field_name).column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start : start + BATCH]
            values = ", ".join(["(%s, %s)"] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {column} = v.column2"  # noqa: S608 (names from the model)
                f" FROM (VALUES {values}) AS v WHERE {table}.{pk} = v.column1",
                [value for pair in batch for value in pair],
            )


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
