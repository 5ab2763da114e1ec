"""A workbook's errors: each names its sheet, row and column (Excel's letters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # Excel letter; empty for a whole sheet or file
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        return f"{self.sheet} / {self.row or '-'} / {self.column or '-'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class WorkbookErrors(Exception):
    """The workbook was refused; nothing was written. `errors` names every bad cell."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
