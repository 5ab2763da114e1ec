"""Every page a persona may use is reachable by links from their home page (issue 24, item 2).

For each persona the test follows the links of every page it reaches from "/" (as a person
taps, without typing a URL) and compares the routes reached with the pages the authorization
matrix lets that persona open. A page allowed but never linked is a page the person has to
be told the address of: the test names it. The few pages reached from outside on purpose
(a link in a message, an activation code, the public tip line) are listed with their reason.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tuquan.core.tests.matrix import LOGGED_IN
from tuquan.core.tests.test_authorization_matrix import CASES

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"', re.I)
# A page's pictures are fetched with it (a tip's photos).
IMG = re.compile(r'<img\b[^>]*\bsrc="(/[^"#]*)"', re.I)
# A form sent with POST is how a person uses its route (the route's own GET page is what a
# refused form comes back as): its action counts as reached, not visited.
POST_FORM = re.compile(r'<form\b(?=[^>]*\bmethod="post")[^>]*\baction="(/[^"#]*)"', re.I)
# A form sent with GET (a filter, a report's period) leads to its action as a link does.
GET_FORM = re.compile(r'<form\b(?=[^>]*\bmethod="get")[^>]*\baction="(/[^"#]*)"', re.I)
# A route is "reached" after a few of its pages: a list of a hundred entries needs no
# hundred visits; the walk then spends its visits on routes not yet reached.
PER_ROUTE = 8
VISITS = 500
IDENT = re.compile(
    r"^/(?:dia-ban|do-phu|luc-luong|nhat-ky-xa|nhat-ky-tinh|tong-hop|tong-quan|mau-bao-cao|so-theo-doi/xuat)/([^/]+)/"
)

# Reached from outside the app on purpose, never from a link of its pages.
DEEP_LINKS = {
    "healthz": "the load balancer's probe",
    "dang-nhap/": "where a signed-out person lands",
    "kich-hoat/": "opened with the activation code the officer hands over",
    "tin-bao/": "the public tip line, printed on posters with its QR code",
    "tin-bao/tra-cuu/": "the resident's receipt page, opened with the code on the receipt",
    "so-theo-doi/nhap/<int:pk>/": "one upload's progress, the answer to that upload",
}


def pages_allowed(persona: str) -> set[str]:
    """The routes a persona opens with GET and gets a page (200), for an object of their area."""
    return {
        route
        for route, case in CASES.items()
        if case.method == "get"
        and not case.json
        and not route.startswith(("api/", "GET api/"))
        and (case.inside.get(persona) == 200 or (case.outside or {}).get(persona) == 200)
    }


def route_of(path: str) -> str | None:
    try:
        return str(resolve(path.split("?")[0]).route)
    except Resolver404:
        return None


def world_idents(world: Any) -> set[str]:
    """The areas of the test world and their ancestors and descendants: the catalogue holds
    3,300 communes, and the walk follows the branches where the world's objects are."""
    from django.db.models import Q

    from tuquan.core.models import Area

    paths = [getattr(world, name).path for name in ("village", "other_village", "far_village")]
    near = Q()
    for path in paths:
        near |= Q(path__startswith=path.rsplit("/", 2)[0] + "/")
    return set(Area.objects.filter(near).values_list("ident", flat=True)) | {
        ident for path in paths for ident in path.strip("/").split("/")
    }


def walk_from_home(user: Any, idents: set[str]) -> set[str]:
    """The routes whose pages answered 200, following links (and GET forms) from "/"."""
    client = Client()
    client.force_login(user)
    pending: dict[str, list[str]] = {}
    seen: set[str] = set()
    visits: Counter[str] = Counter()
    reached: set[str] = set()

    def found(path: str) -> None:
        path = path.replace("&amp;", "&")
        if path in seen or path.startswith(("/static/", "/admin/")):
            return
        seen.add(path)
        area = IDENT.match(path)
        route = route_of(path)
        if route is not None and (area is None or area.group(1) in idents):
            pending.setdefault(route, []).append(path)

    found("/")
    for _step in range(VISITS):
        waiting = [r for r, paths in pending.items() if paths and visits[r] < PER_ROUTE]
        if not waiting:
            break
        # Routes not yet reached first; within a route the page found last (deeper first).
        route = min(waiting, key=lambda r: (r in reached, visits[r]))
        path = pending[route].pop()
        visits[route] += 1
        answer = client.get(path)
        if answer.status_code != 200:
            continue
        reached.add(route)
        if answer.get("Content-Type", "").startswith("text/html"):
            page = answer.content.decode()
            for href in HREF.findall(page) + GET_FORM.findall(page) + IMG.findall(page):
                found(href)
            reached.update(r for r in map(route_of, POST_FORM.findall(page)) if r is not None)
    return reached


@pytest.mark.parametrize("persona", LOGGED_IN)
def test_every_page_a_persona_may_use_is_reachable_from_their_home_page(world: Any, persona: str) -> None:
    reached = walk_from_home(world.users[persona], world_idents(world))
    unreachable = pages_allowed(persona) - reached - set(DEEP_LINKS)
    assert not unreachable, f"{persona} may open these pages but no link leads there: {sorted(unreachable)}"
