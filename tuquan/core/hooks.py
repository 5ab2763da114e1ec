"""Where the apps above core plug into it (each in its AppConfig.ready), so that core never
imports them: the layers point down (`lint-imports`, docs/architecture.md "Layers").

- `DEMO_LOADERS`: (order, loader) pairs that `tuquan load-demo` runs after core's villages,
  in order (accounts 10, registry 20, journal 30, assessment 40, care 50); the accounts'
  loader returns the demo accounts it made, as (username, role, area name) rows.
- `HOME_CONTEXT`: functions of the signed-in user giving entries for the home page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuquan.core.actors import Actor

DEMO_LOADERS: list[tuple[int, Callable[[], Any]]] = []
HOME_CONTEXT: list[Callable[[Any], dict[str, Any]]] = []


def demo_loader(order: int, loader: Callable[[], Any]) -> None:
    if all(existing is not loader for _o, existing in DEMO_LOADERS):
        DEMO_LOADERS.append((order, loader))
        DEMO_LOADERS.sort(key=lambda pair: pair[0])


def home_context(user: Actor) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in HOME_CONTEXT:
        found.update(part(user))
    return found
