"""The figures a province reads stay what they were when the way they are kept changes.

Golden figures (`tuquan indicators --format json`) were written before rollups changed from a
recount per write to increments (issue 22), for the demo loaded on a fixed day and for a small
synthetic world; any later change to how figures are kept must leave them as they are.
Regenerate only when a figure is meant to change: TUQUAN_GOLDEN_WRITE=1 (the test then fails,
saying so, so that a written file is looked at before it lands)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command

GOLDEN = Path(__file__).parent / "golden"
# The demo is built relative to its day; a fixed day makes its figures fixed too.
DAY = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
ASKED: dict[str, list[tuple[str, str, str, str | None, bool]]] = {
    # (area, from, to, as user, approved only)
    "demo": [
        ("VN", "2026-01-01", "2026-12-02", None, False),
        ("14", "2026-01-01", "2026-12-02", None, False),
        ("14", "2026-01-01", "2026-12-02", None, True),
        ("14", "2025-12-01", "2026-11-30", "tinhcb", False),
        ("04099", "2026-01-01", "2026-12-02", "xa", False),
        ("04099", "2026-06-01", "2026-06-30", "xa", True),
        ("04099", "2026-11-01", "2026-11-30", "xa", False),
        ("04078", "2026-01-01", "2026-12-02", None, False),
        ("04099.1", "2026-01-01", "2026-12-02", "to", False),
        ("04099.2", "2026-03-10", "2026-09-20", None, False),
    ],
    # Its 34 villages sit in the first 34 communes by code, all in Hà Nội (01).
    "synthetic": [
        ("VN", "2016-01-01", "2025-12-31", None, False),
        ("01", "2016-01-01", "2025-12-31", None, False),
        ("01", "2020-03-01", "2021-02-28", None, False),
        ("00004", "2016-01-01", "2025-12-31", None, False),
        ("00004", "2024-07-15", "2024-08-14", None, False),
        ("00008", "2019-01-01", "2019-12-31", None, False),
    ],
}

pytestmark = pytest.mark.django_db(transaction=True)


def figures(world: str) -> dict[str, Any]:
    found = {}
    for area, start, end, as_user, approved in ASKED[world]:
        args = ["indicators", "--area", area, "--from", start, "--to", end, "--format", "json"]
        if as_user:
            args += ["--as", as_user]
        if approved:
            args.append("--approved-only")
        out = io.StringIO()
        call_command(*args, stdout=out)
        found[" ".join(args[1:])] = json.loads(out.getvalue())
    return found


def same_as_golden(world: str, found: dict[str, Any]) -> None:
    path = GOLDEN / f"{world}.json"
    if os.environ.get("TUQUAN_GOLDEN_WRITE"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        pytest.fail(f"{path} written: look at it before committing")
    golden = json.loads(path.read_text())
    assert found.keys() == golden.keys()
    for asked, figures_now in found.items():
        assert figures_now == golden[asked], asked


@pytest.fixture
def units_only(transactional_db: Any) -> Any:
    from tuquan import conftest
    from tuquan.core import units

    units.load()
    conftest.reseed_after_flush()


def test_the_demo_reads_the_same_figures_as_before(units_only: Any) -> None:
    from tuquan.testing.states import load_whole_demo

    with mock.patch("django.utils.timezone.now", return_value=DAY):
        load_whole_demo()
        found = figures("demo")
    same_as_golden("demo", found)


def test_a_synthetic_decade_reads_the_same_figures_as_before(units_only: Any) -> None:
    from tuquan.bench_scale import build_dataset

    with mock.patch("django.utils.timezone.now", return_value=DAY):
        build_dataset(0.0001)
        found = figures("synthetic")
    same_as_golden("synthetic", found)
