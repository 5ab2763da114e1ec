from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_system_admin_lists_34_provinces(world: Any) -> None:
    body = api(world.sam).get("/api/v1/areas?level=province").json()
    assert body["count"] == 34 and len(body["items"]) == 34
    assert {"id": "14", "name": "Tỉnh Sơn La"}.items() <= next(
        i for i in body["items"] if i["id"] == "14"
    ).items()


def test_son_la_has_75_communes_for_its_province_admin(world: Any) -> None:
    body = api(world.charlie).get("/api/v1/areas/14/children").json()
    assert body["count"] == 75
    assert all(item["level"] == "commune" and item["parent_id"] == "14" for item in body["items"])


def test_commune_officer_reads_exactly_one_son_la_commune(world: Any) -> None:
    client = api(world.alice)
    assert [i["id"] for i in client.get("/api/v1/areas/14/children").json()["items"]] == ["04099"]
    assert client.get("/api/v1/areas?level=commune").json()["count"] == 1
    assert client.get("/api/v1/areas/04099").status_code == 200
    assert client.get("/api/v1/areas/04078").status_code == 404
    assert client.get("/dia-ban/04078/").status_code == 404
    assert client.get("/dia-ban/04099/").status_code == 200


def test_province_admin_cannot_see_another_province(world: Any) -> None:
    client = api(world.charlie)
    response = client.get("/api/v1/areas/12")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoặc nằm ngoài địa bàn của bạn."
    assert client.get("/dia-ban/12/").status_code == 404
    assert client.get("/api/v1/areas?level=province").json()["count"] == 1


def test_commune_officer_sees_the_old_units_that_became_their_commune(world: Any) -> None:
    client = api(world.alice)
    assert client.get("/api/v1/areas/legacy:04099").status_code == 200
    legacy_communes = client.get("/api/v1/areas?level=legacy_commune").json()["items"]
    assert "legacy:04099" in {i["id"] for i in legacy_communes}
    assert client.get("/api/v1/areas/legacy:04078").status_code == 404


def test_a_village_is_addressed_by_commune_code_and_number(world: Any) -> None:
    body = api(world.alice).get("/api/v1/areas/04099/children").json()
    assert body["items"][0]["id"] == "04099.1"
    assert api(world.alice).get("/api/v1/areas/04099.1").json()["name"] == "Bản Nà Khoang"


def test_search_ignores_accents_case_and_d(world: Any) -> None:
    client = api(world.sam)
    for query, expected in [("son la", "14"), ("phieng khoai", "04099"), ("dak lak", "66")]:
        ids = {i["id"] for i in client.get("/api/v1/areas", {"q": query}).json()["items"]}
        assert expected in ids, query


def test_anonymous_api_calls_get_401_in_vietnamese() -> None:
    response = Client().get("/api/v1/areas")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Cần đăng nhập")


def test_openapi_document_lists_the_area_operations() -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/areas",
        "/api/v1/areas/{ident}",
        "/api/v1/areas/{ident}/children",
        "/api/v1/auth/token",
    } <= set(doc["paths"])


def test_healthz_answers_ok() -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_area_list_query_count_does_not_grow_with_results(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(world.sam)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/areas?level=commune&limit=3321").json()["count"] == 3321
