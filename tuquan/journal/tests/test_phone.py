"""The leader's phone flow in a real browser at 360 px: a patrol is two taps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tuquan.conftest import login, make_user, reseed_after_flush

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader(transactional_db: Any) -> Any:
    from tuquan.core import units
    from tuquan.core.actors import CONSOLE
    from tuquan.core.models import Area
    from tuquan.core.services import village_create
    from tuquan.registry import services
    from tuquan.registry.models import ModelType

    units.load()
    reseed_after_flush()
    commune = Area.objects.get(ident="04099")
    village = village_create(
        actor=CONSOLE, commune=Area.objects.get(ident="04099"), kind="Bản", name="Nà Khoang"
    )
    user = make_user("alice", "team_leader", village)
    team = services.team_create(
        actor=CONSOLE,
        model_type=ModelType.objects.get(code="tuan-tra-nhan-dan"),
        name="Tổ tuần tra Nà Khoang",
        home_area=commune,
        areas=[village],
        status="active",
        established_on=date(2020, 1, 1),
    )
    person = services.person_create(actor=CONSOLE, full_name="Lò Văn Tổ", area=village, birth_year=1975)
    person.user = user
    person.save(update_fields=["user"])
    services.membership_add(actor=CONSOLE, team=team, person=person, role="leader", start_on=date(2020, 1, 1))
    return team


def test_a_leader_records_a_patrol_in_two_taps_from_the_journal(
    page: Any, live_server: Any, leader: Any
) -> None:
    from tuquan.journal.models import Entry

    login(page, live_server.url)
    page.click("text=Ghi nhật ký")  # from the home page: the team's journal
    page.wait_for_url(f"{live_server.url}/nhat-ky/{leader.uid}/")
    page.click("a.button.big >> text=Tuần tra")  # tap 1
    page.click("button.big >> text=Lưu")  # tap 2
    page.wait_for_selector(".messages >> text=Đã ghi")
    entry = Entry.objects.get()
    assert (entry.kind, entry.member_turns, entry.status) == ("patrol", 1, "submitted")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
