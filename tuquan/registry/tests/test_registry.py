from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tuquan.core.actors import CONSOLE
from tuquan.core.models import AuditEntry
from tuquan.registry import selectors, services
from tuquan.registry.models import ForceSettings, ModelType, Person, TeamStatus

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statutory() -> ModelType:
    return ModelType.objects.get(code="to-bao-ve-antt")


def resident(world: Any, name: str = "Lò Văn Bảo", **extra: Any) -> Person:
    defaults: dict[str, Any] = dict(
        birth_year=1985, resident_since=date(2010, 1, 1), education="lower_secondary", gender="male"
    )
    return services.person_create(actor=world.alice, full_name=name, area=world.village, **(defaults | extra))


def test_every_model_named_in_the_domain_is_in_the_catalogue() -> None:
    names = set(ModelType.objects.values_list("short_name", flat=True))
    for expected in (
        "Nhóm LGTQ",
        "Tổ tự quản",
        "Tổ tuần tra",
        "Đội dân phòng",
        "Tổ ANXK",
        "Tộc họ tự quản",
        "Xứ đạo bình yên",
        "Tự quản ANTT và PCCC",
        "Thôn an toàn",
        "Tái hòa nhập",
        "Người uy tín",
        "Cụm giáp ranh",
        "Tổ bảo vệ ANTT",
        "Zalo an ninh",
        "Camera an ninh",
        "Trường học an toàn",
    ):
        assert expected in names
    assert statutory().is_statutory and ModelType.objects.get(code="thon-an-toan").kind == "programme"


def test_province_admin_adds_a_model_type_for_their_province_only(world: Any) -> None:
    mt = services.model_type_create(
        actor=world.charlie,
        province=world.province,
        code="son-la-ban-xanh",
        name="Bản xanh",
        short_name="Bản xanh",
        kind="team",
        attaches_to="village",
        roles=[{"code": "leader", "label": "Trưởng"}],
        journal_kinds=["patrol"],
        extra_indicators=[{"code": "trees", "label": "Cây trồng", "unit": "cây"}],
    )
    assert mt in selectors.model_types_for(world.alice)
    assert mt not in selectors.model_types_for(world.erin)
    with pytest.raises(PermissionDenied):
        services.model_type_create(
            actor=world.charlie,
            province=None,
            code="x",
            name="x",
            short_name="x",
            kind="team",
            attaches_to="village",
            roles=[{"code": "a", "label": "A"}],
        )
    with pytest.raises(ValidationError):
        services.model_type_update(actor=world.charlie, model_type=mt, journal_kinds=["dancing"])


def test_a_village_model_must_sit_in_a_village_of_its_home_commune(world: Any) -> None:
    patrol = ModelType.objects.get(code="tuan-tra-nhan-dan")
    with pytest.raises(ValidationError):
        services.team_create(
            actor=world.alice,
            model_type=patrol,
            name="Sai",
            home_area=world.commune,
            areas=[world.other_village],
        )
    with pytest.raises(PermissionDenied):
        services.team_create(
            actor=world.bob,
            model_type=patrol,
            name="Không phải xã tôi",
            home_area=world.commune,
            areas=[world.village],
        )


def test_a_border_cluster_is_seen_by_each_commune_and_edited_by_its_home(world: Any) -> None:
    cluster = services.team_create(
        actor=world.alice,
        model_type=ModelType.objects.get(code="cum-giap-ranh"),
        name="Cụm giáp ranh Phiêng Khoài - Chiềng Hặc",
        home_area=world.commune,
        areas=[world.commune, world.other_commune],
        status="active",
    )
    assert selectors.team_get_for_user(world.bob, cluster.uid) == cluster
    with pytest.raises(PermissionDenied):
        selectors.team_get_for_user(world.bob, cluster.uid, write=True)
    assert selectors.team_get_for_user(world.alice, cluster.uid, write=True) == cluster
    # Counted once at the province that contains both communes.
    from tuquan.core.indicators import compute

    figures = compute(actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=date.today())
    assert figures["indicators"]["teams.active.by_type"]["cum-giap-ranh"] == 1


def test_status_history_follows_the_allowed_transitions(world: Any) -> None:
    team = world.team
    services.team_set_status(
        actor=world.alice, team=team, status=TeamStatus.WEAK, on=date(2024, 6, 1), reason="Ít sinh hoạt"
    )
    with pytest.raises(ValidationError):
        services.team_set_status(
            actor=world.alice, team=team, status=TeamStatus.PROPOSED, on=date(2024, 7, 1), reason="x"
        )
    services.team_set_status(
        actor=world.alice, team=team, status=TeamStatus.DISSOLVED, on=date(2024, 12, 1), reason="Giải thể"
    )
    assert [c.status for c in team.status_changes.all()] == ["active", "weak", "dissolved"]
    with pytest.raises(ValidationError):
        services.team_set_status(
            actor=world.alice, team=team, status=TeamStatus.ACTIVE, on=date(2025, 1, 1), reason="x"
        )


def test_a_likely_duplicate_person_is_flagged_until_confirmed(world: Any) -> None:
    resident(world, "Lèo Văn Mòn", birth_year=1970)
    with pytest.raises(ValidationError) as caught:
        resident(world, "leo van mon", birth_year=1970)
    assert "trùng" in str(caught.value)
    assert resident(world, "leo van mon", birth_year=1970, allow_duplicate=True).pk


def test_search_finds_people_without_accents(world: Any) -> None:
    resident(world, "Lèo Văn Mòn")
    assert [p.full_name for p in selectors.person_search(world.alice, q="leo van mon")] == ["Lèo Văn Mòn"]
    assert list(selectors.person_search(world.bob, q="leo van mon")) == []


def test_the_statutory_team_checks_eligibility_with_the_province_thresholds(world: Any) -> None:
    team = services.team_create(
        actor=world.alice,
        model_type=statutory(),
        name="Tổ bảo vệ ANTT Nà Khoang",
        home_area=world.commune,
        areas=[world.village],
        status="active",
    )
    too_old = resident(world, "Cụ Già", birth_year=1940)
    newcomer = resident(world, "Người Mới", resident_since=date.today())
    unschooled = resident(world, "Chưa Học", education="primary")
    for person, reason in ((too_old, "Quá 70"), (newcomer, "Cư trú"), (unschooled, "Trình độ")):
        with pytest.raises(ValidationError) as caught:
            services.membership_add(
                actor=world.alice,
                team=team,
                person=person,
                role="member",
                start_on=date.today(),
                decision_number="01/QĐ-UBND",
            )
        assert reason in str(caught.value)
    # An exception for age, and primary education in a commune the province marks as difficult.
    services.membership_add(
        actor=world.alice,
        team=team,
        person=too_old,
        role="member",
        start_on=date.today(),
        decision_number="02/QĐ-UBND",
        age_exception=True,
    )
    settings = services.force_settings_update(
        actor=world.charlie,
        province=world.province,
        difficult_communes=[world.commune],
        allowance_member=1_600_000,
    )
    assert isinstance(settings, ForceSettings)
    m = services.membership_add(
        actor=world.alice,
        team=team,
        person=unschooled,
        role="member",
        start_on=date.today(),
        decision_number="03/QĐ-UBND",
    )
    assert services.allowance_for(m) == 1_600_000
    stats = selectors.force_statistics(world.alice, world.commune)
    assert stats["totals"] == {"leader": 0, "deputy": 0, "member": 2, "to_70": 1, "over_70": 1, "total": 2}


def test_the_statutory_team_needs_the_chairmans_decision_per_member(world: Any) -> None:
    team = services.team_create(
        actor=world.alice,
        model_type=statutory(),
        name="Tổ bảo vệ",
        home_area=world.commune,
        areas=[world.village],
        status="active",
    )
    with pytest.raises(ValidationError) as caught:
        services.membership_add(
            actor=world.alice, team=team, person=resident(world), role="leader", start_on=date.today()
        )
    assert "quyết định" in str(caught.value)


def test_the_leader_keeps_the_roster_but_cannot_edit_the_team(world: Any) -> None:
    newcomer = resident(world, "Thành Viên Mới")
    services.membership_add(
        actor=world.linh, team=world.team, person=newcomer, role="member", start_on=date(2025, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.team_update(actor=world.linh, team=world.team, name="Đổi tên")
    page = client_for(world.linh).get(f"/to/{world.team.uid}/")
    assert "Thành Viên Mới" in page.content.decode() and "Thêm thành viên" in page.content.decode()


def test_a_team_member_sees_teams_but_not_people(world: Any) -> None:
    page = client_for(world.minh).get(f"/to/{world.team.uid}/").content.decode()
    assert world.team.name in page and "Lò Văn Tổ" not in page


def test_reading_a_persons_identity_is_audited_and_limited_to_officers(world: Any) -> None:
    url = f"/nguoi/{world.person.uid}/?hien=1"
    assert "014075009999" not in client_for(world.linh).get(url).content.decode()
    assert "014075009999" in client_for(world.alice).get(url).content.decode()
    entry = AuditEntry.objects.get(action="read", object_id=str(world.person.pk))
    assert entry.actor == world.alice and "014075009999" not in str(entry.details)


def test_the_team_form_answers_422_and_keeps_the_input(world: Any) -> None:
    response = client_for(world.alice).post(
        "/to/them/",
        {
            "type": "tuan-tra-nhan-dan",
            "name": "Tổ mới của tôi",
            "home_area": "04099",
            "areas": ["04099"],
            "status": "active",
        },
    )
    assert response.status_code == 422
    assert "Tổ mới của tôi" in response.content.decode() and "thôn, tổ dân phố" in response.content.decode()


def test_creating_a_team_from_the_page(world: Any) -> None:
    response = client_for(world.alice).post(
        "/to/them/",
        {
            "type": "lien-gia-tu-quan",
            "name": "Nhóm LGTQ số 1",
            "home_area": "04099",
            "areas": ["04099.1"],
            "status": "active",
            "established_on": "01/07/2025",
            "decision_number": "5/QĐ-UBND",
        },
    )
    assert response.status_code == 302
    team = selectors.team_list(world.alice, q="nhom lgtq so 1").get()
    assert team.established_on == date(2025, 7, 1) and team.status_changes.get().on == date(2025, 7, 1)


def test_coverage_counts_villages_with_an_active_team(world: Any) -> None:
    from tuquan.core.services import village_create

    village_create(actor=world.alice, commune=world.commune, kind="Bản", name="Chưa có tổ")
    data = selectors.commune_coverage(world.alice, world.commune)
    assert (data["covered"], data["total"]) == (1, 2)
    assert "1/2" in client_for(world.alice).get("/do-phu/04099/").content.decode()


def test_team_list_query_count_stays_flat(world: Any, django_assert_max_num_queries: Any) -> None:
    patrol = ModelType.objects.get(code="tuan-tra-nhan-dan")
    for n in range(25):
        services.team_create(
            actor=world.alice,
            model_type=patrol,
            name=f"Tổ {n}",
            home_area=world.commune,
            areas=[world.village],
            status="active",
        )
    client = client_for(world.alice)
    with django_assert_max_num_queries(14):
        page = client.get("/to/")
    assert page.status_code == 200 and "Tổ 24" in page.content.decode()


def test_indicators_for_the_commune(world: Any) -> None:
    from tuquan.core.indicators import compute

    services.commitment_record(
        actor=world.alice, household=world.household, team=world.team, signed_on=date(2025, 3, 1)
    )
    services.training_record(
        actor=world.alice,
        area=world.village,
        team=world.team,
        held_on=date(2025, 4, 1),
        topic="Kỹ năng tuần tra",
        attendee_count=12,
    )
    figures = compute(actor=CONSOLE, area=world.commune, start=date(2025, 1, 1), end=date(2025, 12, 31))
    ind = figures["indicators"]
    assert ind["teams.active"] == 1 and ind["teams.active.by_type"]["tuan-tra-nhan-dan"] == 1
    assert ind["models.sites"] == 1 and ind["teams.members"] == 1
    assert ind["coverage.villages"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    assert ind["households.covered"] == 1 and ind["commitments.signed"] == 1
    assert ind["training.attendees"] == 12 and ind["force.members"] == 0
    assert ind["coverage.communes"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    # A period that ends before the team existed counts nothing.
    early = compute(actor=CONSOLE, area=world.commune, start=date(2019, 1, 1), end=date(2019, 12, 31))
    assert early["indicators"]["teams.active"] == 0
    assert early["indicators"]["coverage.villages"]["ratio"] == 0.0


def test_every_indicator_is_documented() -> None:
    from pathlib import Path

    from tuquan.core.indicators import INDICATORS

    docs = (Path(__file__).resolve().parents[3] / "docs" / "indicators.md").read_text()
    assert [code for code in INDICATORS if f"`{code}`" not in docs] == []


def test_the_indicators_command_prints_the_json_contract(world: Any) -> None:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "indicators",
        area="04099",
        start="2025-01-01",
        end="2025-12-31",
        format="json",
        as_user="alice",
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert body["area"] == {"id": "04099", "name": "Phiêng Khoài"}
    assert (body["from"], body["to"]) == ("2025-01-01", "2025-12-31")
    assert body["indicators"]["teams.active"] == 1 and "notes" in body


def test_the_indicators_command_refuses_an_area_outside_the_users_scope(world: Any) -> None:
    import subprocess
    import sys

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("indicators", area="04078", start="2025-01-01", end="2025-12-31", as_user="alice")
    usage = subprocess.run(
        [sys.executable, "-m", "tuquan.cli", "indicators", "--area", "14"],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "tuquan.settings_test", "PATH": "/usr/bin:/bin"},
    )
    assert usage.returncode == 2


def test_a_teams_status_on_any_day_follows_its_history_including_same_day_changes(world: Any) -> None:
    """The spans (on <= day < until) give the status the history gives, day by day, however
    the changes were written (one by one, or several on one day)."""
    from datetime import timedelta

    from tuquan.registry.selectors import active_team_ids_on

    team = world.team
    history = [("weak", date(2021, 5, 3)), ("active", date(2021, 5, 3)), ("weak", date(2022, 1, 1))]
    history += [("active", date(2022, 6, 15)), ("dissolved", date(2023, 2, 1))]
    for status, on in history:
        services.team_set_status(actor=CONSOLE, team=team, status=status, on=on, reason="Theo biên bản")
    spans = list(team.status_changes.order_by("on", "id"))
    assert [c.until for c in spans] == [c.on for c in spans[1:]] + [None]
    changes = [(c.on, c.status) for c in spans]
    day = date(2019, 12, 25)
    while day < date(2023, 3, 1):
        state = ""
        for on, status in changes:
            if on <= day:
                state = status
        active = active_team_ids_on(day).filter(pk=team.pk).exists()
        assert active == (state in ("active", "weak")), day
        day += timedelta(days=11)
    assert not active_team_ids_on(date(2023, 2, 1)).filter(pk=team.pk).exists()
    assert active_team_ids_on(date(2023, 1, 31)).filter(pk=team.pk).exists()
