"""Later apps' sheets inside an earlier app's workbook, without the earlier app importing
the later one: the journal's sheets ("Nhật ký", "Tổng hợp kỳ") travel in the registry's
workbook, and the journal registers how they are exported and checked (in its
`AppConfig.ready`), as apps register their indicators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    app: str
    declared: tuple[Any, ...]  # its Sheets, added after the host workbook's own, in this order
    # (inside path, exported teams by id, exported people by id) → rows by sheet key
    export_rows: Callable[[str, dict[int, Any], dict[int, Any]], dict[str, list[dict[str, Any]]]]
    # (the import under way, its sheets by key) → checks the rows, plans the writes
    check: Callable[[Any, dict[str, Any]], None]


_PARTS: dict[str, Part] = {}


def register(part: Part) -> None:
    _PARTS[part.app] = part


def registered() -> list[Part]:
    return list(_PARTS.values())
