"""Every URL × every role × inside/outside the user's area."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import include, path

from tuquan.core.models import Area
from tuquan.core.tests.matrix import Case, check, expect, routes

pytestmark = pytest.mark.django_db

# Who sees Phiêng Khoài (inside) — everyone whose subtree holds it, and the team's people
# through its ancestors; bob (another commune) and erin (another province) get 404.
COMMUNE_READERS = expect(200, bob=404, erin=404)
FAR_READERS = expect(404, sam=200, erin=200)
AREA_WRITERS = expect(403, sam=422, charlie=422, alice=422, bob=404, erin=404)
FAR_WRITERS = expect(404, sam=422, erin=422)
VILLAGE_EDITORS = expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404)
FAR_VILLAGE_EDITORS = expect(404, sam=200, erin=200)
MANAGERS = expect(403, sam=200, charlie=200, alice=200, bob=200, erin=200)
ACCOUNT_READERS = expect(404, sam=200, charlie=200, alice=200)
# The outside account is erin herself: she sees her own record but cannot manage it.
FAR_ACCOUNT_READERS = expect(404, sam=200, erin=200)
FAR_ACCOUNT_WRITERS = expect(404, sam=200, erin=403)


def commune(w: Any, where: str) -> str:
    return (w.commune if where == "inside" else w.far_commune).ident


def village(w: Any, where: str) -> str:
    return (w.village if where == "inside" else w.far_village).ident


def account(w: Any, where: str) -> int:
    return (w.linh if where == "inside" else w.erin).pk


CASES: dict[str, Case] = {
    "healthz": Case(lambda w, _: "/healthz", inside=expect(200), anon=200),
    "i18n/setlang/": Case(
        lambda w, _: "/i18n/setlang/", inside=expect(302), method="post", data={"language": "en"}, anon=302
    ),
    "dang-nhap/": Case(lambda w, _: "/dang-nhap/", inside=expect(200), anon=200),
    "dang-xuat/": Case(lambda w, _: "/dang-xuat/", inside=expect(302), method="post", anon=302),
    "kich-hoat/": Case(lambda w, _: "/kich-hoat/", inside=expect(200), anon=200),
    "toi/": Case(lambda w, _: "/toi/", inside=expect(200)),
    "": Case(lambda w, _: "/", inside=expect(200)),
    "dia-ban/": Case(lambda w, _: "/dia-ban/?q=phieng", inside=expect(200)),
    "dia-ban/<str:ident>/": Case(lambda w, x: f"/dia-ban/{commune(w, x)}/", COMMUNE_READERS, FAR_READERS),
    "dia-ban/<str:ident>/them-thon/": Case(
        lambda w, x: f"/dia-ban/{commune(w, x)}/them-thon/", AREA_WRITERS, FAR_WRITERS, method="post"
    ),
    "dia-ban/<str:ident>/sua/": Case(
        lambda w, x: f"/dia-ban/{village(w, x)}/sua/", VILLAGE_EDITORS, FAR_VILLAGE_EDITORS
    ),
    "dia-ban/<str:ident>/nhap-thon/": Case(
        lambda w, x: f"/dia-ban/{commune(w, x)}/nhap-thon/", VILLAGE_EDITORS, FAR_VILLAGE_EDITORS
    ),
    "xep-dia-ban/": Case(lambda w, _: "/xep-dia-ban/", MANAGERS),
    "xep-dia-ban/<int:pk>/": Case(
        lambda w, x: f"/xep-dia-ban/{(w.placement if x == 'inside' else w.far_placement).pk}/",
        expect(404, sam=200, charlie=200, alice=200, bob=200),
        FAR_READERS,
    ),
    "nhat-ky-he-thong/": Case(lambda w, _: "/nhat-ky-he-thong/", expect(403, sam=200, charlie=200, erin=200)),
    "tai-khoan/": Case(lambda w, _: "/tai-khoan/", MANAGERS),
    "tai-khoan/them/": Case(lambda w, _: "/tai-khoan/them/", MANAGERS),
    "tai-khoan/<int:pk>/": Case(
        lambda w, x: f"/tai-khoan/{account(w, x)}/", ACCOUNT_READERS, FAR_ACCOUNT_READERS
    ),
    "tai-khoan/<int:pk>/sua/": Case(
        lambda w, x: f"/tai-khoan/{account(w, x)}/sua/", ACCOUNT_READERS, FAR_ACCOUNT_WRITERS
    ),
    "tai-khoan/<int:pk>/chuyen/": Case(
        lambda w, x: f"/tai-khoan/{account(w, x)}/chuyen/", ACCOUNT_READERS, FAR_ACCOUNT_WRITERS
    ),
    "tai-khoan/<int:pk>/<slug:action>/": Case(
        lambda w, x: f"/tai-khoan/{account(w, x)}/mo-khoa/",
        expect(404, sam=302, charlie=302, alice=302),
        expect(404, sam=302, erin=403),
        method="post",
    ),
    # The API: 401 without credentials, the same 404/403 rules as the pages.
    "api/v1/": Case(lambda w, _: "/api/v1/", inside=expect(404), anon=404),
    "api/v1/openapi.json": Case(lambda w, _: "/api/v1/openapi.json", inside=expect(200), anon=200),
    "api/v1/docs": Case(lambda w, _: "/api/v1/docs", inside=expect(200), anon=200),
    "POST api/v1/auth/token": Case(
        lambda w, _: "/api/v1/auth/token", inside=expect(422), method="post", json=True, anon=422
    ),
    "GET api/v1/areas": Case(lambda w, _: "/api/v1/areas?level=commune", inside=expect(200), anon=401),
    "GET api/v1/areas/<ident>": Case(
        lambda w, x: f"/api/v1/areas/{commune(w, x)}", COMMUNE_READERS, FAR_READERS, anon=401
    ),
    "GET api/v1/areas/<ident>/children": Case(
        lambda w, x: f"/api/v1/areas/{commune(w, x)}/children", COMMUNE_READERS, FAR_READERS, anon=401
    ),
}


def _app_cases() -> dict[str, Case]:
    """Each app adds its routes' cases in `tests/authz_cases*.py` modules."""
    import importlib
    import pkgutil

    import tuquan

    found: dict[str, Case] = {}
    for module in pkgutil.walk_packages(tuquan.__path__, "tuquan."):
        if ".tests.authz_cases" in module.name:
            found.update(importlib.import_module(module.name).CASES)
    return found


CASES.update(_app_cases())
# Successful writes would leave state behind between personas: write routes post an empty
# form, so an allowed user gets 422 (refused input, nothing changed) and the others 403/404.


def test_every_route_is_in_the_matrix() -> None:
    missing = routes() - set(CASES)
    stale = set(CASES) - routes()
    assert not missing, f"Routes without an authorization case: {sorted(missing)}"
    assert not stale, f"Cases for routes that no longer exist: {sorted(stale)}"


def assert_route_answers_as_expected(world: Any, route: str, case: Case) -> None:
    failures = check(Client, world, {route: case})
    assert not failures, f"{route}:\n" + "\n".join(failures)


# One case per route: a failure names its route, and the routes spread over the test processes.
@pytest.mark.parametrize("route", sorted(CASES))
def test_every_role_gets_the_expected_answer_inside_and_outside_its_area(world: Any, route: str) -> None:
    assert_route_answers_as_expected(world, route, CASES[route])


# --- the matrix itself must catch an unscoped view -------------------------------------


def leaky_area(request: HttpRequest, ident: str) -> JsonResponse:
    """A view written the wrong way: it looks an area up without the scoping helper."""
    area = Area.objects.get(ident=ident)
    return JsonResponse({"name": area.name})


urlpatterns = [path("", include("tuquan.urls")), path("leak/<str:ident>/", leaky_area)]


@override_settings(ROOT_URLCONF=__name__)
def test_matrix_fails_when_an_unscoped_view_is_added(world: Any) -> None:
    assert routes(__name__) - set(CASES) == {"leak/<str:ident>/"}
    # And given a case, the leak shows as wrong answers for users outside the area.
    leak = {"leak/<str:ident>/": Case(lambda w, x: f"/leak/{commune(w, x)}/", COMMUNE_READERS, FAR_READERS)}
    failures = check(Client, world, leak)
    assert "leak/<str:ident>/ [outside] as alice: got 200, expected 404" in failures
    assert "leak/<str:ident>/ [inside] as bob: got 200, expected 404" in failures
    # As a case of the parametrised matrix, it fails on its own, named by its route.
    with pytest.raises(AssertionError, match=r"^leak/<str:ident>/:\n"):
        assert_route_answers_as_expected(world, "leak/<str:ident>/", leak["leak/<str:ident>/"])
