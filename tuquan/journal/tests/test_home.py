"""The home page leads each person to the journal work that is theirs (issue 24, first step):
the record button only where they can record, the review and acceptance pages linked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def home_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_leader_gets_a_record_button_for_her_patrol_team(world: Any) -> None:
    page = home_of(world.linh)
    assert f'class="button" href="/nhat-ky/{world.team.uid}/"' in page


def test_a_member_who_cannot_record_sees_his_team_but_no_record_button(world: Any) -> None:
    from tuquan.core.actors import CONSOLE
    from tuquan.registry import services
    from tuquan.registry.tests.test_registry import resident

    person = resident(world, "Lường Văn Minh")
    person.user = world.minh
    person.save(update_fields=["user"])
    services.membership_add(
        actor=CONSOLE, team=world.team, person=person, role="member", start_on=world.membership.start_on
    )
    page = home_of(world.minh)
    assert f'href="/nhat-ky/{world.team.uid}/"' in page
    assert f'class="button" href="/nhat-ky/{world.team.uid}/"' not in page


def test_the_commune_officer_and_the_province_reach_their_journal_desks_from_home(world: Any) -> None:
    assert f'href="/nhat-ky-xa/{world.commune.ident}/"' in home_of(world.alice)
    assert "/nhat-ky-tinh/" not in home_of(world.alice)
    assert f'href="/nhat-ky-tinh/{world.province.ident}/' in home_of(world.charlie)
    assert "/nhat-ky-xa/" not in home_of(world.linh) and "/nhat-ky-tinh/" not in home_of(world.linh)
