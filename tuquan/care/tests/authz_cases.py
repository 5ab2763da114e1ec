"""Authorization cases for supervised persons and team funds (collected by the matrix test).

A supervised person (world.supervised, assigned to linh's team in alice's commune) is
reached by alice (the commune officer) and linh (the leader) only: every other persona —
the province and the system administrator included — gets 404, as for world.far_supervised
(whose commune has no officer among the personas). Outcomes and closure are the officer's
(the leader gets 403). A team's fund is read by the team's readers and kept by its leader
and the home commune's officer.
"""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

CIRCLE = expect(404, alice=200, linh=200)
OFFICER = expect(404, alice=200, linh=403)
NOBODY = expect(404)
READERS = expect(200, bob=404, erin=404)
FAR_READERS = expect(404, sam=200, erin=200)
KEEPERS = expect(403, alice=200, linh=200, bob=404, erin=404)
FAR_KEEPERS = expect(404, sam=403, erin=403)
CLOSERS = expect(403, alice=422, bob=404, erin=404)
OFFICERS_ANYWHERE = expect(403, alice=200, bob=200)


def person(w: Any, where: str) -> str:
    return str((w.supervised if where == "inside" else w.far_supervised).uid)


def referral(w: Any, where: str) -> str:
    return str((w.referral if where == "inside" else w.far_referral).uid)


def team(w: Any, where: str) -> str:
    return str((w.team if where == "inside" else w.far_team).uid)


def entry(w: Any, where: str) -> str:
    return str((w.fund_entry if where == "inside" else w.far_fund_entry).uid)


def posted(table: dict[str, int]) -> dict[str, int]:
    return {p: 422 if code == 200 else code for p, code in table.items()}


CASES: dict[str, Case] = {
    "giup-do/": Case(lambda w, _: "/giup-do/", inside=expect(200)),
    "giup-do/them/": Case(lambda w, _: "/giup-do/them/", inside=OFFICERS_ANYWHERE),
    "giup-do/xuat/": Case(lambda w, _: "/giup-do/xuat/", inside=OFFICERS_ANYWHERE),
    # The import page: any commune officer (for their own commune's persons); a post
    # without a file is refused with the form (422) once let in.
    "giup-do/nhap/": Case(lambda w, _: "/giup-do/nhap/", inside=OFFICERS_ANYWHERE),
    "giup-do/<uuid:uid>/": Case(lambda w, x: f"/giup-do/{person(w, x)}/", CIRCLE, NOBODY),
    "giup-do/<uuid:uid>/gap/": Case(lambda w, x: f"/giup-do/{person(w, x)}/gap/", CIRCLE, NOBODY),
    "giup-do/<uuid:uid>/ket-qua/": Case(lambda w, x: f"/giup-do/{person(w, x)}/ket-qua/", OFFICER, NOBODY),
    "giup-do/<uuid:uid>/ket-thuc/": Case(
        lambda w, x: f"/giup-do/{person(w, x)}/ket-thuc/", posted(OFFICER), NOBODY, method="post"
    ),
    "giup-do/<uuid:uid>/gioi-thieu/": Case(
        lambda w, x: f"/giup-do/{person(w, x)}/gioi-thieu/", OFFICER, NOBODY
    ),
    "giup-do/<uuid:uid>/gioi-thieu/<uuid:referral>/": Case(
        lambda w, x: f"/giup-do/{person(w, x)}/gioi-thieu/{referral(w, x)}/", OFFICER, NOBODY
    ),
    "quy/<uuid:team>/": Case(lambda w, x: f"/quy/{team(w, x)}/", READERS, FAR_READERS),
    "quy/<uuid:team>/xuat/": Case(lambda w, x: f"/quy/{team(w, x)}/xuat/", READERS, FAR_READERS),
    "quy/<uuid:team>/dong-gop/": Case(lambda w, x: f"/quy/{team(w, x)}/dong-gop/", KEEPERS, FAR_KEEPERS),
    "quy/<uuid:team>/chi/": Case(lambda w, x: f"/quy/{team(w, x)}/chi/", KEEPERS, FAR_KEEPERS),
    "quy/<uuid:team>/nhap/": Case(lambda w, x: f"/quy/{team(w, x)}/nhap/", KEEPERS, FAR_KEEPERS),
    "quy/<uuid:team>/sua/<uuid:entry>/": Case(
        lambda w, x: f"/quy/{team(w, x)}/sua/{entry(w, x)}/", KEEPERS, FAR_KEEPERS
    ),
    "quy/<uuid:team>/khoa-thang/": Case(
        lambda w, x: f"/quy/{team(w, x)}/khoa-thang/", CLOSERS, FAR_KEEPERS, method="post"
    ),
}
