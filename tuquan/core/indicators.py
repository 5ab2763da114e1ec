"""The indicator vocabulary: one code per figure, used by `tuquan indicators`, reports and
the dashboard. Apps define their codes and register providers that compute them.

Conventions (the JSON contract): counts are integers; money is a decimal string in VND; a
ratio is {"numerator", "denominator", "ratio"} with ratio null when the denominator is 0;
a breakdown ends in `.by_<dimension>` and maps that dimension's identifiers to values;
stocks (teams, members, balances) are taken on the last day of the period, flows
(patrols, tips) summed over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tuquan.core.models import Area


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    kind: str  # "stock", "flow", "ratio", "money"


@dataclass
class Query:
    actor: Any
    area: Area
    start: date
    end: date
    # Reports may count approved figures only, or all with the unapproved marked in the notes.
    approved_only: bool = False
    # Restrict team-based figures to one model type (the report engine's `by type`).
    type_code: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


INDICATORS: dict[str, Indicator] = {}
Provider = Callable[[Query], dict[str, Any]]
PROVIDERS: list[Provider] = []


def define(code: str, label: str, definition: str, kind: str = "stock") -> None:
    INDICATORS[code] = Indicator(code, label, definition, kind)


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def ratio(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "ratio": round(numerator / denominator, 4) if denominator else None,
    }


def money(value: Decimal | int | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal(1)))


def compute(
    *,
    actor: Any,
    area: Area,
    start: date,
    end: date,
    approved_only: bool = False,
    type_code: str | None = None,
) -> dict[str, Any]:
    """Every indicator for the area's subtree (as far as the actor sees it) and period."""
    if end < start:
        raise ValueError("end before start")
    query = Query(
        actor=actor, area=area, start=start, end=end, approved_only=approved_only, type_code=type_code
    )
    values: dict[str, Any] = {}
    for fn in PROVIDERS:
        values.update(fn(query))
    return {
        "area": {"id": area.ident, "name": area.short_name},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "indicators": dict(sorted(values.items())),
        "notes": dict(sorted(query.notes.items())),
    }
