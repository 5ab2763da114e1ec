"""Authorization cases for the tip line's pages (collected by the matrix test).

The public pages answer everyone, with or without an account. The inbox and a tip are for
tip triage (commune officers, province and system administrators): others get 403, an
officer of another commune or province 404. The sender's identity is for the officer the
tip is assigned to (world.tip: alice; world.far_tip: erin) and no one else.
"""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

TRIAGE = expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404)
FAR_TRIAGE = expect(403, sam=200, erin=200, charlie=404, alice=404, bob=404)
IDENTITY = expect(403, alice=200, bob=404, erin=404)
FAR_IDENTITY = expect(403, erin=200, charlie=404, alice=404, bob=404)


def tip(w: Any, where: str) -> str:
    return str((w.tip if where == "inside" else w.far_tip).uid)


def photo(w: Any, where: str) -> int:
    return (w.tip if where == "inside" else w.far_tip).photos.first().pk


def posted(table: dict[str, int]) -> dict[str, int]:
    return {p: 422 if code == 200 else code for p, code in table.items()}


CASES: dict[str, Case] = {
    "tin-bao/": Case(lambda w, _: "/tin-bao/", inside=expect(200), anon=200),
    "tin-bao/tra-cuu/": Case(lambda w, _: "/tin-bao/tra-cuu/", inside=expect(200), anon=200),
    "hop-tin-bao/": Case(
        lambda w, _: "/hop-tin-bao/", inside=expect(403, sam=200, charlie=200, alice=200, bob=200, erin=200)
    ),
    "hop-tin-bao/<uuid:uid>/": Case(lambda w, x: f"/hop-tin-bao/{tip(w, x)}/", TRIAGE, FAR_TRIAGE),
    "hop-tin-bao/<uuid:uid>/trang-thai/": Case(
        lambda w, x: f"/hop-tin-bao/{tip(w, x)}/trang-thai/",
        posted(TRIAGE),
        posted(FAR_TRIAGE),
        method="post",
    ),
    "hop-tin-bao/<uuid:uid>/tra-loi/": Case(
        lambda w, x: f"/hop-tin-bao/{tip(w, x)}/tra-loi/", posted(TRIAGE), posted(FAR_TRIAGE), method="post"
    ),
    "hop-tin-bao/<uuid:uid>/lien-ket/": Case(
        lambda w, x: f"/hop-tin-bao/{tip(w, x)}/lien-ket/", posted(TRIAGE), posted(FAR_TRIAGE), method="post"
    ),
    "hop-tin-bao/<uuid:uid>/nguoi-bao/": Case(
        lambda w, x: f"/hop-tin-bao/{tip(w, x)}/nguoi-bao/", IDENTITY, FAR_IDENTITY, method="post"
    ),
    "hop-tin-bao/<uuid:uid>/anh/<int:pk>/": Case(
        lambda w, x: f"/hop-tin-bao/{tip(w, x)}/anh/{photo(w, x)}/", TRIAGE, FAR_TRIAGE
    ),
}
