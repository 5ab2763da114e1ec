"""Authorization cases for the registry's pages (collected by the matrix test)."""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

READ_ALL = expect(200)
WRITERS = expect(403, sam=200, charlie=200, alice=200, bob=200, erin=200)
PEOPLE_READERS = expect(200, minh=403)
TYPE_MANAGERS = expect(403, sam=200, charlie=200, erin=200)

TEAM_READERS = expect(200, bob=404, erin=404)
FAR = expect(404, sam=200, erin=200)
TEAM_EDITORS = expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404)
ROSTER_EDITORS = expect(403, sam=200, charlie=200, alice=200, linh=200, bob=404, erin=404)
PERSON_READERS = expect(200, minh=404, bob=404, erin=404)
PERSON_EDITORS = expect(403, sam=200, charlie=200, alice=200, minh=404, bob=404, erin=404)


def team(w: Any, where: str) -> str:
    return str((w.team if where == "inside" else w.far_team).uid)


def person(w: Any, where: str) -> str:
    return str((w.person if where == "inside" else w.far_person).uid)


def household(w: Any, where: str) -> str:
    return str((w.household if where == "inside" else w.far_household).uid)


def membership(w: Any, where: str) -> str:
    return str((w.membership if where == "inside" else w.far_membership).uid)


def commune(w: Any, where: str) -> str:
    return (w.commune if where == "inside" else w.far_commune).ident


def province(w: Any, where: str) -> str:
    return (w.province if where == "inside" else w.far_province).ident


def model_type(w: Any, where: str) -> str:
    return "tuan-tra-nhan-dan" if where == "inside" else w.far_type.code


def _as_post(table: dict[str, int]) -> dict[str, int]:
    """An empty POST: allowed users get 422 (refused input, nothing written)."""
    return {p: 422 if code == 200 else code for p, code in table.items()}


CASES: dict[str, Case] = {
    "to/": Case(lambda w, _: "/to/", READ_ALL),
    "to/them/": Case(lambda w, _: "/to/them/", WRITERS),
    "to/<uuid:uid>/": Case(lambda w, x: f"/to/{team(w, x)}/", TEAM_READERS, FAR),
    "to/<uuid:uid>/sua/": Case(lambda w, x: f"/to/{team(w, x)}/sua/", TEAM_EDITORS, FAR),
    "to/<uuid:uid>/tinh-trang/": Case(
        lambda w, x: f"/to/{team(w, x)}/tinh-trang/", _as_post(TEAM_EDITORS), _as_post(FAR), method="post"
    ),
    "to/<uuid:uid>/thanh-vien/": Case(lambda w, x: f"/to/{team(w, x)}/thanh-vien/", ROSTER_EDITORS, FAR),
    "to/<uuid:uid>/ho/": Case(lambda w, x: f"/to/{team(w, x)}/ho/", ROSTER_EDITORS, FAR),
    "to/<uuid:uid>/cam-ket/": Case(lambda w, x: f"/to/{team(w, x)}/cam-ket/", ROSTER_EDITORS, FAR),
    "to/<uuid:uid>/tap-huan/": Case(lambda w, x: f"/to/{team(w, x)}/tap-huan/", ROSTER_EDITORS, FAR),
    "to/<uuid:uid>/khen-thuong/": Case(lambda w, x: f"/to/{team(w, x)}/khen-thuong/", TEAM_EDITORS, FAR),
    "thanh-vien/<uuid:uid>/roi-to/": Case(
        lambda w, x: f"/thanh-vien/{membership(w, x)}/roi-to/",
        expect(403, sam=422, charlie=422, alice=422, linh=422, minh=404, bob=404, erin=404),
        _as_post(FAR),
        method="post",
    ),
    "nguoi/": Case(lambda w, _: "/nguoi/?q=lo", PEOPLE_READERS),
    "nguoi/them/": Case(lambda w, _: "/nguoi/them/", WRITERS),
    "nguoi/<uuid:uid>/": Case(lambda w, x: f"/nguoi/{person(w, x)}/", PERSON_READERS, FAR),
    "nguoi/<uuid:uid>/sua/": Case(lambda w, x: f"/nguoi/{person(w, x)}/sua/", PERSON_EDITORS, FAR),
    "ho/": Case(lambda w, _: "/ho/", PEOPLE_READERS),
    "ho/them/": Case(lambda w, _: "/ho/them/", WRITERS),
    "ho/<uuid:uid>/": Case(lambda w, x: f"/ho/{household(w, x)}/", PERSON_READERS, FAR),
    "do-phu/<str:ident>/": Case(lambda w, x: f"/do-phu/{commune(w, x)}/", TEAM_READERS, FAR),
    "luc-luong/<str:ident>/": Case(
        lambda w, x: f"/luc-luong/{commune(w, x)}/",
        expect(200, minh=403, bob=404, erin=404),
        expect(404, sam=200, erin=200, minh=403),
    ),
    "luc-luong/<str:ident>/thiet-lap/": Case(
        lambda w, x: f"/luc-luong/{province(w, x)}/thiet-lap/",
        expect(403, sam=200, charlie=200, erin=404),
        FAR,
    ),
    "mo-hinh/": Case(lambda w, _: "/mo-hinh/", READ_ALL),
    "mo-hinh/them/": Case(lambda w, _: "/mo-hinh/them/", TYPE_MANAGERS),
    "mo-hinh/<slug:code>/": Case(lambda w, x: f"/mo-hinh/{model_type(w, x)}/", expect(403, sam=200), FAR),
}
