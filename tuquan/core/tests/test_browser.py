"""In a real browser (Debian's Chromium driven by Playwright), at a cheap phone's width."""

from __future__ import annotations

from typing import Any

import pytest

from tuquan.conftest import login, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(transactional_db: Any) -> Any:
    from tuquan.core import units
    from tuquan.core.models import Area

    units.load()
    return make_user("alice", "commune_officer", Area.objects.get(ident="04099"))


def test_an_officer_finds_their_commune_by_typing_without_accents(
    page: Any, live_server: Any, officer: Any
) -> None:
    login(page, live_server.url)
    page.goto(f"{live_server.url}/dia-ban/")
    page.fill("#q", "phieng khoai")
    page.wait_for_selector("#area-results >> text=Xã Phiêng Khoài")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_adding_a_village_on_a_phone_shows_errors_in_place(page: Any, live_server: Any, officer: Any) -> None:
    login(page, live_server.url)
    page.goto(f"{live_server.url}/dia-ban/04099/")
    page.fill("#id_name", "Pá Sàng")
    page.click("#village-form button[type=submit]")
    page.wait_for_selector("#children >> text=Bản Pá Sàng")
    page.fill("#id_name", "Pá Sàng")
    page.click("#village-form button[type=submit]")
    page.wait_for_selector("#village-form .errorlist")
    assert page.input_value("#id_name") == "Pá Sàng"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
