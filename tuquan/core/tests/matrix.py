"""The authorization matrix: every URL pattern and API operation, every role, an object
inside the user's area and one outside, and the answer each must get.

`routes()` lists what the project serves; a route without a case makes the matrix test fail,
so a new view cannot land without saying who may reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ["anon", "sam", "charlie", "dana", "alice", "quang", "bob", "linh", "minh", "erin"]
LOGGED_IN = PERSONAS[1:]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _ninja_path_view(callback: Any) -> Any:
    """django-ninja serves all methods of a path from one closure over its PathView."""
    for cell in getattr(callback, "__closure__", None) or ():
        contents = cell.cell_contents
        if hasattr(contents, "operations"):
            return contents
    return None


def routes(urlconf: str | None = None) -> set[str]:
    """Every route: "pattern" for Django views, "METHOD pattern" for each API operation."""
    found: set[str] = set()
    for route, pattern in _walk(get_resolver(urlconf).url_patterns):
        path_view = _ninja_path_view(pattern.callback)
        if path_view is not None:
            for op in path_view.operations:
                for method in op.methods:
                    found.add(f"{method} {route}")
        else:
            found.add(route)
    return found


def expect(default: int, **per_persona: int) -> dict[str, int]:
    table = {p: default for p in LOGGED_IN}
    table.update(per_persona)
    return table


@dataclass
class Case:
    """How to reach one route, and what each persona must get for each object."""

    url: Callable[[Any, str], str]  # (world, "inside"|"outside") → URL
    inside: dict[str, int]
    outside: dict[str, int] | None = None  # None: the route has no object
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    anon: int = 302
    json: bool = False


def check(client_factory: Callable[[], Client], world: Any, cases: dict[str, Case]) -> list[str]:
    """Run every case for every persona; return the mismatches (empty when all hold)."""
    failures: list[str] = []
    for route, case in sorted(cases.items()):
        # Fresh sessions for every route: one route (logout) ends the session it is given.
        clients: dict[str, Client] = {}
        for persona in PERSONAS:
            clients[persona] = client_factory()
            if persona != "anon":
                clients[persona].force_login(world.users[persona])
        for where in ("inside", "outside"):
            table = case.inside if where == "inside" else case.outside
            if table is None:
                continue
            url = case.url(world, where)
            for persona in PERSONAS:
                wanted = case.anon if persona == "anon" else table[persona]
                send = getattr(clients[persona], case.method)
                kwargs: dict[str, Any] = {"data": case.data}
                if case.json and case.method != "get":
                    kwargs["content_type"] = "application/json"
                got = send(url, **kwargs).status_code
                if got != wanted:
                    failures.append(f"{route} [{where}] as {persona}: got {got}, expected {wanted}")
    return failures
