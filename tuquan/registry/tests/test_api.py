from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tuquan.core.actors import CONSOLE
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.registry import services
from tuquan.registry.models import Commitment, Membership, ModelType, Person, Team

pytestmark = pytest.mark.django_db

SENSITIVE = ("national_id", "ethnicity", "religion", "phone")


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=body, content_type="application/json")


def villager(world: Any, name: str = "Lường Thị Mai", **extra: Any) -> Person:
    """Someone living in Bản Nà Khoang, added by the console."""
    return services.person_create(
        actor=CONSOLE, full_name=name, area=world.village, gender="female", birth_year=1990, **extra
    )


def new_team(world: Any, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "tuan-tra-nhan-dan",
        "name": "Tổ tuần tra Bản Nà Khoang 2",
        "home_area_id": world.commune.ident,
        "area_ids": [world.village.ident],
        "status": "active",
        "established_on": "2024-03-01",
        "decision_number": "45/QĐ-UBND",
        "decision_date": "2024-02-20",
        "decision_body": "UBND xã Phiêng Khoài",
        **(body or {}),
    }


# --- teams -------------------------------------------------------------------------------


def test_the_commune_officer_creates_a_team_through_the_api(world: Any) -> None:
    response = send(api(world.alice), "post", "/api/v1/teams", new_team(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "tuan-tra-nhan-dan"
    assert body["home_area_id"] == "04099"
    assert body["area_ids"] == [world.village.ident]
    assert body["status"] == "active"
    assert body["established_on"] == "2024-03-01"  # dates travel as ISO strings
    assert body["decision_date"] == "2024-02-20"
    assert body["member_count"] == 0
    team = Team.objects.get(uid=body["uid"])
    assert team.status_changes.get().status == "active"
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(team.pk), actor=world.alice
    ).exists()
    listed = api(world.alice).get("/api/v1/teams", {"q": "ban na khoang 2"}).json()
    assert [t["uid"] for t in listed["items"]] == [body["uid"]] and listed["count"] == 1


def test_the_province_staff_cannot_create_a_team(world: Any) -> None:
    before = Team.objects.count()
    response = send(api(world.dana), "post", "/api/v1/teams", new_team(world))
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền lập tổ ở xã này."
    assert Team.objects.count() == before


def test_an_officer_of_another_commune_cannot_create_a_team_in_phieng_khoai(world: Any) -> None:
    response = send(api(world.bob), "post", "/api/v1/teams", new_team(world))
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoặc nằm ngoài địa bàn của bạn."


def test_a_refused_team_names_the_reason_in_vietnamese_and_writes_nothing(world: Any) -> None:
    before = Team.objects.count()
    response = send(
        api(world.alice), "post", "/api/v1/teams", new_team(world, {"area_ids": [world.commune.ident]})
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Mô hình này hoạt động ở thôn, tổ dân phố.",
        "errors": {"areas": ["Mô hình này hoạt động ở thôn, tổ dân phố."]},
    }
    assert Team.objects.count() == before


def test_an_impossible_date_is_refused_by_the_schema(world: Any) -> None:
    response = send(
        api(world.alice), "post", "/api/v1/teams", new_team(world, {"established_on": "2024-02-30"})
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert response.json()["errors"][0]["loc"][-1] == "established_on"


def test_the_leader_cannot_rename_the_team_but_can_add_a_member(world: Any) -> None:
    client = api(world.linh)
    url = f"/api/v1/teams/{world.team.uid}"
    rename = send(client, "patch", url, {"name": "Tổ của Linh"})
    assert rename.status_code == 403
    world.team.refresh_from_db()
    assert world.team.name == "Tổ tuần tra Nà Khoang"

    mai = villager(world)
    added = send(
        client,
        "post",
        f"{url}/memberships",
        {"person": str(mai.uid), "role": "member", "start_on": "2024-05-01"},
    )
    assert added.status_code == 201, added.json()
    assert added.json()["person_name"] == "Lường Thị Mai" and added.json()["start_on"] == "2024-05-01"
    roster = client.get(f"{url}/memberships").json()
    assert roster["count"] == 2
    assert {m["role"] for m in roster["items"]} == {"leader", "member"}
    assert client.get(url).json()["member_count"] == 2


def test_the_commune_officer_renames_the_team_and_moves_it_to_another_village(world: Any) -> None:
    from tuquan.core import services as core_services

    second = core_services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Nà Hạ")
    response = send(
        api(world.alice),
        "patch",
        f"/api/v1/teams/{world.team.uid}",
        {"name": "Tổ tuần tra Nà Hạ", "area_ids": [second.ident], "decision_number": "7/QĐ-UBND"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["area_ids"], body["decision_number"]) == (
        "Tổ tuần tra Nà Hạ",
        [second.ident],
        "7/QĐ-UBND",
    )
    assert body["established_on"] == "2020-01-01"  # fields not sent are kept


def test_the_commune_officer_changes_a_teams_status_with_date_and_reason(world: Any) -> None:
    response = send(
        api(world.alice),
        "post",
        f"/api/v1/teams/{world.team.uid}/status",
        {"status": "weak", "on": "2024-06-01", "reason": "Không sinh hoạt 3 tháng"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "weak"
    last = world.team.status_changes.order_by("-on").first()
    assert (last.status, last.on, last.by) == ("weak", date(2024, 6, 1), world.alice)
    unknown = send(
        api(world.alice),
        "post",
        f"/api/v1/teams/{world.team.uid}/status",
        {"status": "sleeping", "on": "2024-07-01", "reason": "?"},
    )
    assert unknown.status_code == 422


def test_the_leader_ends_a_membership_and_cannot_end_it_before_it_began(world: Any) -> None:
    mai = villager(world)
    membership = services.membership_add(
        actor=CONSOLE, team=world.team, person=mai, role="member", start_on=date(2024, 1, 1)
    )
    client = api(world.linh)
    url = f"/api/v1/memberships/{membership.uid}"
    assert send(client, "patch", url, {"end_on": "2023-12-31"}).status_code == 422
    response = send(client, "patch", url, {"end_on": "2024-09-30"})
    assert response.status_code == 200 and response.json()["end_on"] == "2024-09-30"
    assert Membership.objects.get(pk=membership.pk).end_on == date(2024, 9, 30)


def test_teams_are_filtered_by_area_type_and_status(world: Any) -> None:
    client = api(world.sam)
    mine = client.get(
        "/api/v1/teams", {"area": world.village.ident, "type": "tuan-tra-nhan-dan", "status": "active"}
    ).json()
    assert [t["uid"] for t in mine["items"]] == [str(world.team.uid)]
    assert (
        client.get("/api/v1/teams", {"area": world.village.ident, "status": "dissolved"}).json()["count"] == 0
    )
    assert client.get("/api/v1/teams", {"area": world.far_commune.ident}).json()["items"][0]["uid"] == str(
        world.far_team.uid
    )
    paged = client.get("/api/v1/teams", {"limit": 1, "offset": 1}).json()
    assert len(paged["items"]) == 1 and paged["count"] >= 2


def test_a_team_outside_the_users_area_is_404(world: Any) -> None:
    client = api(world.alice)
    for url in (
        f"/api/v1/teams/{world.far_team.uid}",
        f"/api/v1/teams/{world.far_team.uid}/memberships",
        f"/api/v1/people/{world.far_person.uid}",
        f"/api/v1/households/{world.far_household.uid}",
        f"/api/v1/teams?area={world.far_commune.ident}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Không tìm thấy hoặc nằm ngoài địa bàn của bạn."}
    assert str(world.far_team.uid) not in client.get("/api/v1/teams?limit=1000").content.decode()


# --- people, households, commitments -----------------------------------------------------


def test_a_person_list_never_contains_national_id(world: Any) -> None:
    response = api(world.alice).get("/api/v1/people", {"q": "lo van to"})
    body = response.json()
    assert [p["uid"] for p in body["items"]] == [str(world.person.uid)]
    assert not set(SENSITIVE) & set(body["items"][0])
    assert "014075009999" not in response.content.decode()
    assert "0977000111" not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()


def test_reading_one_persons_identity_writes_an_audit_row(world: Any) -> None:
    body = api(world.alice).get(f"/api/v1/people/{world.person.uid}").json()
    assert (body["national_id"], body["ethnicity"], body["phone"]) == ("014075009999", "Thái", "0977000111")
    read = AuditEntry.objects.get(action=AuditAction.READ)
    assert (read.actor, read.object_id, read.area_path) == (
        world.alice,
        str(world.person.pk),
        world.village.path,
    )
    assert "014075009999" not in str(read.details)


def test_the_province_staff_reads_a_person_without_the_sensitive_fields_and_no_audit_row(world: Any) -> None:
    body = api(world.dana).get(f"/api/v1/people/{world.person.uid}").json()
    assert body["full_name"] == "Lò Văn Tổ"
    assert all(body[f] is None for f in SENSITIVE)
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()


def test_a_team_member_sees_teams_but_no_people(world: Any) -> None:
    client = api(world.minh)
    assert client.get("/api/v1/teams").json()["count"] == 1
    assert client.get("/api/v1/people").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/households").json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/teams/{world.team.uid}/memberships").json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/people/{world.person.uid}").status_code == 404


def test_the_commune_officer_adds_and_corrects_a_person(world: Any) -> None:
    client = api(world.alice)
    created = send(
        client,
        "post",
        "/api/v1/people",
        {
            "area_id": world.village.ident,
            "full_name": "Cầm Văn Sơn",
            "birth_year": 1980,
            "national_id": "014080001234",
            "gender": "male",
        },
    )
    assert created.status_code == 201, created.json()
    assert "national_id" not in created.json()
    person = Person.objects.get(uid=created.json()["uid"])
    assert person.national_id == "014080001234"
    duplicate = send(
        client,
        "post",
        "/api/v1/people",
        {"area_id": world.village.ident, "full_name": "Cam Van Son", "birth_year": 1980},
    )
    assert duplicate.status_code == 422 and duplicate.json()["detail"].startswith("Có thể trùng")
    corrected = send(
        client,
        "patch",
        f"/api/v1/people/{person.uid}",
        {"birth_year": 1981, "household": str(world.household.uid)},
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["household"] == str(world.household.uid)
    person.refresh_from_db()
    assert (person.birth_year, person.household_id, person.national_id) == (
        1981,
        world.household.pk,
        "014080001234",
    )


def test_a_household_is_created_with_its_head_and_members(world: Any) -> None:
    head, child = villager(world, "Lò Văn Bình"), villager(world, "Lò Thị Hoa")
    response = send(
        api(world.alice),
        "post",
        "/api/v1/households",
        {
            "area_id": world.village.ident,
            "address": "Nhà số 2",
            "head": str(head.uid),
            "members": [str(child.uid)],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["head_name"] == "Lò Văn Bình"
    detail = api(world.linh).get(f"/api/v1/households/{response.json()['uid']}").json()
    assert {m["full_name"] for m in detail["members"]} == {"Lò Văn Bình", "Lò Thị Hoa"}
    moved = send(
        api(world.alice), "patch", f"/api/v1/households/{response.json()['uid']}", {"address": "Nhà số 3"}
    )
    assert moved.json()["address"] == "Nhà số 3" and moved.json()["head_name"] == "Lò Văn Bình"


def test_the_leader_records_a_households_commitment(world: Any) -> None:
    url = f"/api/v1/households/{world.household.uid}/commitments"
    response = send(
        api(world.linh),
        "post",
        url,
        {"team": str(world.team.uid), "signed_on": "2024-04-15", "note": "Cam kết không vi phạm ANTT"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["team_name"] == world.team.name
    listed = api(world.quang).get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["signed_on"] == "2024-04-15"
    assert (
        send(
            api(world.quang), "post", url, {"team": str(world.team.uid), "signed_on": "2024-04-16"}
        ).status_code
        == 403
    )
    assert Commitment.objects.count() == 1


# --- model types ---------------------------------------------------------------------------


def son_la_type(world: Any) -> dict[str, Any]:
    return {
        "province_id": world.province.ident,
        "code": "nhom-zalo-an-ninh",
        "name": "Nhóm Zalo an ninh thôn",
        "short_name": "Zalo an ninh",
        "kind": "team",
        "attaches_to": "village",
        "roles": [{"code": "admin", "label": "Quản trị nhóm"}, {"code": "member", "label": "Thành viên"}],
        "journal_kinds": ["tip"],
    }


def test_the_province_admin_adds_and_edits_a_model_type_and_the_staff_cannot(world: Any) -> None:
    assert send(api(world.dana), "post", "/api/v1/model-types", son_la_type(world)).status_code == 403
    response = send(api(world.charlie), "post", "/api/v1/model-types", son_la_type(world))
    assert response.status_code == 201, response.json()
    assert response.json()["province_id"] == "14" and response.json()["roles"][0]["label"] == "Quản trị nhóm"
    edited = send(api(world.charlie), "patch", "/api/v1/model-types/nhom-zalo-an-ninh", {"is_active": False})
    assert edited.status_code == 200 and edited.json()["is_active"] is False
    assert not ModelType.objects.get(code="nhom-zalo-an-ninh").is_active
    # Lai Châu's administrator neither sees nor edits Sơn La's catalogue.
    assert api(world.erin).get("/api/v1/model-types/nhom-zalo-an-ninh").status_code == 404


def test_only_the_system_admin_edits_the_national_catalogue(world: Any) -> None:
    url = "/api/v1/model-types/tuan-tra-nhan-dan"
    assert send(api(world.charlie), "patch", url, {"description": "Sửa"}).status_code == 403
    assert send(api(world.sam), "patch", url, {"description": "Tổ tuần tra nhân dân"}).status_code == 200
    listed = api(world.minh).get("/api/v1/model-types", {"q": "tuan tra"}).json()
    assert "tuan-tra-nhan-dan" in {t["code"] for t in listed["items"]}


# --- the OpenAPI document and query counts ----------------------------------------------


def test_the_openapi_document_lists_the_registry_operations() -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert {
        "/api/v1/model-types",
        "/api/v1/model-types/{code}",
        "/api/v1/teams",
        "/api/v1/teams/{uid}",
        "/api/v1/teams/{uid}/status",
        "/api/v1/teams/{uid}/memberships",
        "/api/v1/memberships/{uid}",
        "/api/v1/people",
        "/api/v1/people/{uid}",
        "/api/v1/households",
        "/api/v1/households/{uid}",
        "/api/v1/households/{uid}/commitments",
    } <= set(paths)
    assert set(paths["/api/v1/teams"]) == {"get", "post"}
    assert set(paths["/api/v1/teams/{uid}"]) == {"get", "patch"}
    assert paths["/api/v1/people"]["get"]["summary"].startswith("Tìm người")
    person_list = doc["components"]["schemas"]["PersonOut"]["properties"]
    assert not set(SENSITIVE) & set(person_list)


@pytest.fixture
def crowded(world: Any) -> Any:
    """Twelve more teams, people, households, memberships and commitments in Bản Nà Khoang."""
    patrol = ModelType.objects.get(code="tuan-tra-nhan-dan")
    for n in range(12):
        team = services.team_create(
            actor=CONSOLE,
            model_type=patrol,
            name=f"Tổ {n}",
            home_area=world.commune,
            areas=[world.village],
            status="active",
        )
        person = villager(world, f"Người {n}", household=world.household)
        services.membership_add(
            actor=CONSOLE, team=world.team, person=person, role="member", start_on=date(2024, 1, 1)
        )
        services.household_create(actor=CONSOLE, area=world.village, address=f"Nhà {n}")
        services.commitment_record(
            actor=CONSOLE, household=world.household, team=team, signed_on=date(2024, 1, 1)
        )
    return world


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/model-types",
        "/api/v1/teams",
        "/api/v1/people",
        "/api/v1/households",
        "/api/v1/teams/{team}/memberships",
        "/api/v1/households/{household}/commitments",
    ],
)
def test_list_query_counts_do_not_grow_with_rows(
    crowded: Any, url: str, django_assert_max_num_queries: Any
) -> None:
    client = api(crowded.alice)
    url = url.format(team=crowded.team.uid, household=crowded.household.uid)
    with django_assert_max_num_queries(8):
        body = client.get(url).json()
    assert body["count"] >= 12 and len(body["items"]) == body["count"]
