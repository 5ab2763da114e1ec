"""A supervised person's name never leaves the circle (the commune officer and the
assigned leader or helper): every page and export of the project, every API list and
figure, fetched by every persona for objects inside and outside its area, is searched for
the names of the world's two supervised persons. Zipped exports (xlsx, docx) are opened,
character references and JSON escapes undone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuquan.care.tests.helpers import body, text_of
from tuquan.care.tests.world import FAR_NAME, INSIDE_NAME
from tuquan.core.tests.matrix import LOGGED_IN, routes
from tuquan.core.tests.test_authorization_matrix import CASES

pytestmark = pytest.mark.django_db

# Who may see each world person's name: world.supervised is assigned to linh's team in
# alice's commune; world.far_supervised's commune has no officer among the personas.
CIRCLE = {INSIDE_NAME: {"alice", "linh"}, FAR_NAME: set()}


def _forbidden(persona: str) -> list[str]:
    return [name for name, circle in CIRCLE.items() if persona not in circle]


def _urls(world: Any) -> list[str]:
    urls: list[str] = []
    for _route, case in sorted(CASES.items()):
        for where in ("inside", "outside"):
            if where == "outside" and case.outside is None:
                continue
            urls.append(case.url(world, where))
    # Lists and figures with their filters, beyond the matrix's own URLs.
    today = timezone.localdate().isoformat()
    for ident in (world.province.ident, world.commune.ident, world.village.ident, world.far_province.ident):
        urls += [
            f"/api/v1/indicators?area={ident}&from=2020-01-01&to={today}",
            f"/tong-quan/{ident}/",
            f"/dia-ban/{ident}/",
        ]
    urls += ["/api/v1/supervised", "/giup-do/", "/nhat-ky-he-thong/", "/api/v1/openapi.json"]
    return sorted(set(urls))


def test_the_walk_covers_every_route() -> None:
    assert routes() <= set(CASES)


# One case per persona, so a leak names who saw it and the walk spreads over the test processes.
# The system administrator's walk is the longest (7–11 s): every page it fetches has data.
@pytest.mark.parametrize("persona", LOGGED_IN)
def test_no_page_export_or_api_shows_a_supervised_person_outside_the_circle(world: Any, persona: str) -> None:
    from tuquan.reports import services as reports

    user = world.users[persona]
    # Every persona's own report of its area, so the walk fetches it in every format.
    area = {
        "alice": world.commune,
        "quang": world.commune,
        "bob": world.other_commune,
        "linh": world.village,
        "minh": world.village,
        "erin": world.far_province,
    }.get(persona, world.province)
    client = Client()
    client.force_login(user)
    # Reading the person first (where allowed) puts every trace it leaves in place.
    client.get(f"/giup-do/{world.supervised.uid}/")
    job = reports.report_request(
        actor=user, area=area, start=date(2020, 1, 1), end=timezone.localdate(), by=["child"]
    )
    extra = [f"/bao-cao/{job.uid}/", f"/bao-cao/{job.uid}/tai.xlsx", f"/bao-cao/{job.uid}/tai.json"]
    seen = ""
    leaks: list[str] = []
    for url in [*_urls(world), *extra]:
        response = client.get(url)
        text = text_of(body(response))
        seen += text
        for name in _forbidden(persona):
            if name in text:
                leaks.append(f"{persona} GET {url} ({response.status_code}) shows {name}")
    assert not leaks, "\n".join(leaks)
    if persona == "alice":
        # The search works: the officer does see her person on the way.
        assert INSIDE_NAME in seen


def test_the_persons_import_answers_no_one_outside_the_circle_with_a_name(world: Any) -> None:
    """The officer's own export, uploaded by every persona to the page (plain and HTMX) and
    the API: refusals — 403 for everyone but commune officers, cell errors for the officer
    of another commune — name cells and references, never a person."""
    import io

    officer = Client()
    officer.force_login(world.alice)
    exported = body(officer.get("/giup-do/xuat/"))
    assert INSIDE_NAME in text_of(exported)
    leaks: list[str] = []
    for persona in LOGGED_IN:
        client = Client()
        client.force_login(world.users[persona])
        for url, headers in (
            ("/giup-do/nhap/", {}),
            ("/giup-do/nhap/", {"HX-Request": "true"}),
            ("/api/v1/supervised/import", {}),
        ):
            upload = io.BytesIO(exported)
            upload.name = "nguoi-duoc-giup-do.xlsx"
            response = client.post(url, {"file": upload}, headers=headers)
            text = text_of(body(response))
            for name in _forbidden(persona):
                if name in text:
                    leaks.append(f"{persona} POST {url} ({response.status_code}) shows {name}")
            if persona not in ("alice", "bob"):
                assert response.status_code == 403, (persona, url, response.status_code)
    assert not leaks, "\n".join(leaks)
