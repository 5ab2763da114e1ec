"""Shared test data built once per test process, each test still isolated.

A test needs one of these database states (beyond the migrations' own data):

- `units`: the official units only (every test that uses the database and neither below);
- `world`: the units and the personas' world (`tuquan.conftest.build_world`), for tests
  that ask for the `world` fixture;
- `demo`: the units and the whole demo (`tuquan load-demo`), for tests that ask for `demo`;
- `clean`: what a transactional test (live server, browser journeys) starts from: the units
  or an empty database; it ends by emptying every table itself.

The state is committed once, outside any test's transaction; each test then runs inside a
transaction that is rolled back (pytest-django's `db`), so no test sees another's writes.
Tests are ordered by the state they need (`order`), so a test process switches state a few
times per run, not per test. A switch empties every table (`flush`) and loads the units
again (a few seconds); `prepare` does it just before pytest-django opens the test's
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

RANK = {"units": 0, "world": 1, "demo": 2}


class _Process:
    """What the committed database of this test process holds now."""

    holds = "units"  # django_db_setup loads the units
    built: dict[str, Any] = {}


def needs(item: pytest.Item) -> str | None:
    """The state a test needs, or None when it does not use the database."""
    from pytest_django.plugin import validate_django_db

    names = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    if transactional:
        return "clean"
    if marker is None and "db" not in names:
        return None
    if "demo" in names:
        return "demo"
    if "world" in names:
        return "world"
    return "units"


def order(items: list[pytest.Item]) -> None:
    """Keep pytest-django's order (plain database tests, transactional ones, the rest) and,
    among plain database tests, group them by state. Deterministic, as pytest-xdist needs."""

    def key(item: pytest.Item) -> tuple[int, int]:
        state = needs(item)
        if state is None:
            return (2, 0)
        if state == "clean":
            return (1, 0)
        return (0, RANK[state])

    items.sort(key=key)


def _builders() -> dict[str, Callable[[], Any]]:
    from tuquan import conftest

    return {"world": conftest.build_world, "demo": load_whole_demo}


def load_whole_demo() -> dict[str, Any]:
    """What `tuquan load-demo` loads, and the period the demo's figures cover."""
    from datetime import date, timedelta

    from django.utils import timezone

    from tuquan.core.demo import load_all

    load_all()
    end = timezone.localdate() - timedelta(days=1)
    return {"start": date(end.year, 1, 1) if end.month > 1 else date(end.year - 1, 1, 1), "end": end}


def _reset_to_units() -> None:
    from django.core.management import call_command

    from tuquan import conftest
    from tuquan.core import crypto, units

    call_command("flush", interactive=False, verbosity=0)
    crypto.reset_cache()
    units.load()
    conftest.reseed_after_flush()
    _Process.built = {}


def _switch(needed: str) -> None:
    holds = _Process.holds
    if needed == "clean":
        if holds in {"world", "demo"}:
            _reset_to_units()
            _Process.holds = "units"
        # The transactional test empties every table when it ends.
        _Process.holds = "empty"
        return
    if holds == needed:
        return
    if holds != "units":
        _reset_to_units()
    if needed != "units":
        from tuquan.core import crypto

        _Process.built[needed] = _builders()[needed]()
        crypto.reset_cache()
    _Process.holds = needed


def prepare(request: pytest.FixtureRequest) -> None:
    """Called as pytest-django's `_django_db_helper` is set up: the test database exists (its
    dependency `django_db_setup` ran) and the test's transaction is not open yet. Put the
    committed database in the state the test needs."""
    needed = needs(request.node)  # type: ignore[arg-type]
    if needed is None:
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        _switch(needed)


def built(state: str) -> Any:
    """What the builder of `state` returned (the World, the demo's period)."""
    return _Process.built.get(state)
