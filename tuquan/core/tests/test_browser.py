"""In a real browser (Debian's Chromium driven by Playwright), at a cheap phone's width."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tuquan.conftest import PASSWORD, make_user, skip_or_fail

CHROMIUM = os.environ.get("TUQUAN_CHROMIUM", "/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    # Django refuses synchronous ORM calls inside an event loop, and Playwright runs one.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
        except Exception as exc:  # a missing system library shows up here
            skip_or_fail(f"Chromium did not start: {exc}")
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        yield context.new_page()
        browser.close()


@pytest.fixture
def officer(transactional_db: Any) -> Any:
    from tuquan.core import units
    from tuquan.core.models import Area

    units.load()
    return make_user("alice", "commune_officer", Area.objects.get(ident="04099"))


def login(page: Any, base: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit] >> text=Đăng nhập")
    page.wait_for_url(f"{base}/")


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
