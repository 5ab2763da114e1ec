"""Authorization cases for the report pages: a report belongs to its author alone."""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect


def report(w: Any, where: str) -> str:
    return str((w.report if where == "inside" else w.far_report).uid)


CASES: dict[str, Case] = {
    "bao-cao/": Case(lambda w, _: "/bao-cao/", expect(200)),
    "bao-cao/<uuid:uid>/": Case(
        lambda w, x: f"/bao-cao/{report(w, x)}/", expect(404, alice=200), expect(404, erin=200)
    ),
    "bao-cao/<uuid:uid>/tai.<slug:fmt>": Case(
        lambda w, x: f"/bao-cao/{report(w, x)}/tai.json", expect(404, alice=200), expect(404, erin=200)
    ),
}
