"""Authorization cases for the journal's pages (collected by the matrix test)."""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

TEAM_READERS = expect(200, bob=404, erin=404)
FAR = expect(404, sam=200, erin=200)
FAR_POST = expect(404, sam=422, erin=422)
RECORDERS = expect(403, sam=200, charlie=200, alice=200, linh=200, bob=404, erin=404)
REVIEWERS = expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404)


def team(w: Any, where: str) -> str:
    return str((w.team if where == "inside" else w.far_team).uid)


def entry(w: Any, where: str) -> str:
    return str((w.entry if where == "inside" else w.far_entry).uid)


def commune(w: Any, where: str) -> str:
    return (w.commune if where == "inside" else w.far_commune).ident


def village(w: Any, where: str) -> str:
    return (w.village if where == "inside" else w.far_village).ident


def province(w: Any, where: str) -> str:
    return (w.province if where == "inside" else w.far_province).ident


def posted(table: dict[str, int]) -> dict[str, int]:
    return {p: 422 if code == 200 else code for p, code in table.items()}


CASES: dict[str, Case] = {
    "nhat-ky/<uuid:uid>/": Case(lambda w, x: f"/nhat-ky/{team(w, x)}/", TEAM_READERS, FAR),
    "nhat-ky/<uuid:uid>/ghi/<slug:kind>/": Case(
        lambda w, x: f"/nhat-ky/{team(w, x)}/ghi/patrol/", RECORDERS, FAR
    ),
    "hoat-dong/<uuid:uid>/": Case(lambda w, x: f"/hoat-dong/{entry(w, x)}/", TEAM_READERS, FAR),
    "hoat-dong/<uuid:uid>/kiem-tra/": Case(
        lambda w, x: f"/hoat-dong/{entry(w, x)}/kiem-tra/", posted(REVIEWERS), FAR_POST, method="post"
    ),
    # Posted without the reason it asks for (the GET page answers as the post does).
    "hoat-dong/<uuid:uid>/xoa/": Case(
        lambda w, x: f"/hoat-dong/{entry(w, x)}/xoa/", posted(RECORDERS), FAR_POST, method="post"
    ),
    "nhat-ky-xa/<str:ident>/": Case(lambda w, x: f"/nhat-ky-xa/{commune(w, x)}/", REVIEWERS, FAR),
    # Posted with nothing ticked: a reviewer is told to choose (422), nothing changes.
    "nhat-ky-xa/<str:ident>/kiem-tra/": Case(
        lambda w, x: f"/nhat-ky-xa/{commune(w, x)}/kiem-tra/", posted(REVIEWERS), FAR_POST, method="post"
    ),
    "nhat-ky-xa/<str:ident>/thang/": Case(
        lambda w, x: f"/nhat-ky-xa/{commune(w, x)}/thang/?thon={village(w, x)}", REVIEWERS, FAR
    ),
    "nhat-ky-xa/<str:ident>/<slug:action>/": Case(
        lambda w, x: f"/nhat-ky-xa/{commune(w, x)}/duyet/", posted(REVIEWERS), FAR_POST, method="post"
    ),
    "nhat-ky-tinh/<str:ident>/": Case(
        lambda w, x: f"/nhat-ky-tinh/{province(w, x)}/",
        expect(403, sam=200, charlie=200, dana=200, erin=404),
        FAR,
    ),
    "tong-hop/<str:ident>/": Case(lambda w, x: f"/tong-hop/{commune(w, x)}/", REVIEWERS, FAR),
}
