from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuquan.accounts import services
from tuquan.accounts.models import User
from tuquan.conftest import PASSWORD
from tuquan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def next_token(device: TOTPDevice) -> str:
    """A code from the next time step: a used code is never accepted twice (replay)."""
    device.refresh_from_db()
    device.t0 -= device.step
    device.save(update_fields=["t0"])
    return token_for(device)


def login(client: Client, username: str, password: str = PASSWORD, otp: str = "") -> Any:
    return client.post("/dang-nhap/", {"username": username, "password": password, "otp_token": otp})


def test_province_admin_creates_a_commune_officer_with_a_one_time_code(world: Any) -> None:
    user, code = services.user_create(
        actor=world.charlie,
        username="Hoa",
        full_name="Lò Thị Hoa",
        role="commune_officer",
        area=world.other_commune,
    )
    assert user.username == "hoa" and not user.has_usable_password()
    assert len(code) == 14 and code.count("-") == 2
    client = Client()
    response = client.post(
        "/kich-hoat/",
        {
            "username": "hoa",
            "code": code.lower(),
            "new_password": "mot-mat-khau-dai",
            "new_password2": "mot-mat-khau-dai",
        },
    )
    assert response.status_code == 302
    assert login(client, "hoa", "mot-mat-khau-dai").status_code == 302
    # A code works once.
    with pytest.raises(ValidationError):
        services.password_reset_redeem(username="hoa", code=code, new_password="mot-mat-khau-khac")


def test_commune_officer_cannot_create_a_commune_officer(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.alice, username="x", full_name="X", role="commune_officer", area=world.commune
        )


def test_commune_officer_creates_leaders_only_in_their_own_commune(world: Any) -> None:
    services.user_create(
        actor=world.alice, username="leader2", full_name="Tổ Trưởng", role="team_leader", area=world.village
    )
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=world.alice,
            username="leader3",
            full_name="Khác",
            role="team_leader",
            area=world.other_village,
        )


def test_the_create_form_keeps_what_was_typed_and_answers_422(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        "/tai-khoan/them/",
        {"username": "có dấu", "full_name": "Lò Văn Ánh", "role": "team_leader", "area": world.village.ident},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Lò Văn Ánh" in page and "Chỉ dùng chữ không dấu" in page
    assert not User.objects.filter(full_name="Lò Văn Ánh").exists()


def test_moving_an_officer_ends_their_sessions_and_tokens_at_once(world: Any) -> None:
    client = Client()
    assert login(client, "alice").status_code == 302
    token = services.api_token_issue(user=world.alice)
    bearer = {"Authorization": f"Bearer {token}"}
    assert Client().get("/api/v1/areas/04099", headers=bearer).status_code == 200
    services.user_move(actor=world.charlie, user=world.alice, area=world.other_commune)
    assert client.get("/").status_code == 302  # back to the login page
    assert Client().get("/api/v1/areas/04099", headers=bearer).status_code == 401
    moved = Client()
    login(moved, "alice")
    assert moved.get("/dia-ban/04078/").status_code == 200
    assert moved.get("/dia-ban/04099/").status_code == 404


def test_deactivating_an_officer_ends_their_session(world: Any) -> None:
    client = Client()
    login(client, "alice")
    services.user_deactivate(actor=world.charlie, user=world.alice)
    assert client.get("/").status_code == 302
    assert login(Client(), "alice").status_code == 422


def test_a_province_admin_cannot_manage_another_province(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.erin, user=world.alice)
    client = Client()
    client.force_login(world.erin)
    assert client.post(f"/tai-khoan/{world.alice.pk}/khoa/").status_code == 404


def test_repeated_failures_lock_the_account(world: Any) -> None:
    client = Client()
    for _ in range(5):
        assert login(client, "alice", "sai-mat-khau").status_code in (422, 429)
    response = login(client, "alice")
    assert response.status_code == 429
    assert "tạm khoá" in response.content.decode()
    # The lockout also guards the API token endpoint.
    api = Client().post(
        "/api/v1/auth/token", {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 429


def test_an_api_token_is_issued_for_a_password(world: Any) -> None:
    response = Client().post(
        "/api/v1/auth/token", {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    areas = Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert "04099" in {a["id"] for a in areas["items"]}
    wrong = Client().post(
        "/api/v1/auth/token", {"username": "alice", "password": "x"}, content_type="application/json"
    )
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_two_factor_guards_login_and_api_tokens(world: Any) -> None:
    device = services.otp_setup_start(actor=world.alice)
    # The very code used to confirm, replayed (computing it again could cross into the next
    # 30-second step on a loaded machine and give a fresh, valid code).
    used = token_for(device)
    services.otp_setup_confirm(actor=world.alice, token=used)
    assert login(Client(), "alice").status_code == 422
    assert login(Client(), "alice", otp=used).status_code == 422  # replayed code
    assert login(Client(), "alice", otp=next_token(device)).status_code == 302
    without = Client().post(
        "/api/v1/auth/token", {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )
    assert without.status_code == 401 and "otp" in without.json()["detail"]
    with_code = Client().post(
        "/api/v1/auth/token",
        {"username": "alice", "password": PASSWORD, "otp": next_token(device)},
        content_type="application/json",
    )
    assert with_code.status_code == 200


def test_a_password_reset_code_is_handed_over_not_mailed(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    response = client.post(f"/tai-khoan/{world.linh.pk}/dat-lai-mat-khau/")
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    services.password_reset_redeem(username="linh", code=code, new_password="mat-khau-moi-cua-linh")
    assert User.objects.get(username="linh").check_password("mat-khau-moi-cua-linh")
    assert AuditEntry.objects.filter(details__reset_code_issued=True).count() == 1


def test_user_list_query_count_stays_flat(world: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(20):
        services.user_create(
            actor=world.alice,
            username=f"tv{n}",
            full_name=f"Thành viên {n}",
            role="team_member",
            area=world.village,
        )
    client = Client()
    client.force_login(world.alice)
    with django_assert_max_num_queries(10):
        page = client.get("/tai-khoan/")
    assert page.status_code == 200 and "Thành viên 19" in page.content.decode()


def test_the_first_system_admin_is_created_from_the_console(world: Any) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_admin", "Root", stdout=out)
    code = out.getvalue().split("Mã một lần (72 giờ): ")[1].split()[0]
    services.password_reset_redeem(username="root", code=code, new_password="mot-mat-khau-rat-dai")
    client = Client()
    assert login(client, "root", "mot-mat-khau-rat-dai").status_code == 302
    assert client.get("/api/v1/areas?level=province").json()["count"] == 34
    assert AuditEntry.objects.filter(actor_username="console", details__via="create-admin").exists()
