"""Small pieces of plain SQL for the few hot reads written without the ORM (see
docs/decisions.md, "Asked codes, and plain SQL"): values always go as parameters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def code_condition(exact: Iterable[str], prefixes: Iterable[str]) -> tuple[str, list[Any]]:
    """`(code IN (…) OR code LIKE 'prefix%' …)` and its parameters; false when both are empty.
    Prefixes are the project's own (`extra.`, `force.`), free of LIKE's wildcards."""
    exact, prefixes = list(exact), list(prefixes)
    terms = [f"code IN ({placeholders(exact)})"] if exact else []
    terms += ["code LIKE %s"] * len(prefixes)
    return f"({' OR '.join(terms) or '1 = 0'})", [*exact, *(p + "%" for p in prefixes)]
