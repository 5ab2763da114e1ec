"""Every page under the content security policy, seen by Chromium: the menu of each persona
and the pages that once had inline styles or handlers (dashboard, tips, official reports,
the Zalo notice, an import job). A violation is a console error, which fails the journey."""

from __future__ import annotations

from typing import Any

import pytest

from tuquan.smoke import NAV_LINK
from tuquan.testing.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def walk(journey: Journey, paths: list[str]) -> None:
    for path in paths:
        response = journey.page.goto(f"{journey.base}{path}")
        assert response is not None and response.status < 500, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        journey.assert_styled()


@pytest.mark.parametrize("who", ["charlie", "alice", "linh"])
def test_each_menu_page_runs_under_the_policy_without_a_violation(
    journey: Journey, live_world: Any, who: str
) -> None:
    journey.login(who)
    menu = journey.page.content().split("<main", 1)[0]
    paths = sorted(set(NAV_LINK.findall(menu)) - {"/"})
    assert paths, "the home page shows a menu"
    extra = {
        "charlie": ["/tong-quan/14/", "/van-ban/", "/tong-quan/14/thong-bao/"],
        "alice": ["/tin-bao/", "/so-theo-doi/nhap/"],
        "linh": [],
    }[who]
    walk(journey, ["/", *paths])
    for path in extra:  # the pages that had inline styles or handlers: each must open
        response = journey.page.goto(f"{journey.base}{path}")
        assert response is not None and response.status == 200, path
        journey.assert_styled()
    journey.assert_clean()
