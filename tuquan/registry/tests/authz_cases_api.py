"""Authorization cases for the registry's API (collected by the matrix test).

Reads: the object inside the user's area is world.team / world.person / world.household (Bản
Nà Khoang, Phiêng Khoài, Sơn La), outside is the same in Lai Châu; lists are filtered by the
commune (inside) or the Lai Châu commune (outside). Writes send a body that passes the schema
but that the service refuses once it has let the user in, so an allowed user gets 422 and
nothing changes, the others 403 (visible, not theirs) or 404 (outside their area).

Who gets what:
- team members (minh) read teams but not people: people, households, memberships of people
  and commitments answer 404 (lists: empty);
- team leaders (linh) read their village's people and keep the roster of the team they lead
  (memberships, commitments), but do not edit the team itself;
- commune officers (alice) edit the teams, people and households of their commune; bob
  (another commune) and erin (another province) never see them;
- province staff (dana) and the commune committee (quang) read only;
- province administrators (charlie) also manage their province's model types; the national
  catalogue is the system administrator's (sam).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuquan.core.tests.matrix import Case, expect

ALL = expect(200)
READERS = expect(200, bob=404, erin=404)
FAR = expect(404, sam=200, erin=200)
PEOPLE_READERS = expect(200, minh=404, bob=404, erin=404)
TEAM_EDITORS = expect(403, sam=422, charlie=422, alice=422, bob=404, erin=404)
ROSTER_EDITORS = expect(403, sam=422, charlie=422, alice=422, linh=422, bob=404, erin=404)
ROSTER_PEOPLE_EDITORS = expect(403, sam=422, charlie=422, alice=422, linh=422, minh=404, bob=404, erin=404)
PEOPLE_EDITORS = expect(403, sam=422, charlie=422, alice=422, minh=404, bob=404, erin=404)
FAR_EDITORS = expect(404, sam=422, erin=422)
TYPE_READERS = expect(200, erin=404)
TYPE_MANAGERS = expect(403, sam=422, charlie=422, erin=404)


def _pick(w: Any, where: str, name: str) -> Any:
    return getattr(w, name if where == "inside" else f"far_{name}")


def team(w: Any, where: str) -> str:
    return str(_pick(w, where, "team").uid)


def person(w: Any, where: str) -> str:
    return str(_pick(w, where, "person").uid)


def household(w: Any, where: str) -> str:
    return str(_pick(w, where, "household").uid)


def membership(w: Any, where: str) -> str:
    return str(_pick(w, where, "team").memberships.get().uid)


def commune(w: Any, where: str) -> str:
    return str(_pick(w, where, "commune").ident)


def village(w: Any, where: str) -> str:
    return str(_pick(w, where, "village").ident)


def province(w: Any, where: str) -> str:
    return str(_pick(w, where, "province").ident)


def province_type(w: Any, where: str) -> str:
    """A model type of Sơn La (inside) or Lai Châu (outside), made on first use."""
    from tuquan.core.actors import CONSOLE
    from tuquan.registry import services
    from tuquan.registry.models import ModelType

    code = "api-rieng-son-la" if where == "inside" else "api-rieng-lai-chau"
    if not ModelType.objects.filter(code=code).exists():
        services.model_type_create(
            actor=CONSOLE,
            province=_pick(w, where, "province"),
            code=code,
            name=f"Mô hình riêng {code}",
            short_name=code,
            kind="team",
            attaches_to="village",
            roles=[{"code": "leader", "label": "Trưởng"}, {"code": "member", "label": "Thành viên"}],
        )
    return code


def read(path: Callable[[Any, str], str], inside: dict[str, int], outside: dict[str, int] | None) -> Case:
    return Case(path, inside, outside, anon=401)


def write(
    method: str,
    path: Callable[[Any, str], str],
    body: Callable[[Any, str], dict[str, Any]],
    inside: dict[str, int],
    outside: dict[str, int],
) -> Case:
    """A JSON write whose body names objects of the same side as the URL: `check` asks for
    the URL of a side before sending it, so the URL callback also fills the body."""
    data: dict[str, Any] = {}

    def url(w: Any, where: str) -> str:
        data.clear()
        data.update(body(w, where))
        return path(w, where)

    return Case(url, inside, outside, method=method, data=data, anon=401, json=True)


API = "/api/v1"

CASES: dict[str, Case] = {
    # Model types: the catalogue everyone reads; a province's own types its administrators manage.
    "GET api/v1/model-types": read(lambda w, _: f"{API}/model-types", ALL, None),
    "GET api/v1/model-types/<code>": read(
        lambda w, x: f"{API}/model-types/{province_type(w, x)}", TYPE_READERS, FAR
    ),
    "POST api/v1/model-types": write(
        "post",
        lambda w, _: f"{API}/model-types",
        lambda w, x: {"province_id": province(w, x), "code": "moi", "name": "", "roles": []},
        TYPE_MANAGERS,
        FAR_EDITORS,
    ),
    "PATCH api/v1/model-types/<code>": write(
        "patch",
        lambda w, x: f"{API}/model-types/{province_type(w, x)}",
        lambda w, x: {"roles": []},
        TYPE_MANAGERS,
        FAR_EDITORS,
    ),
    # Teams: read across the area, edited by the home commune only.
    "GET api/v1/teams": read(lambda w, x: f"{API}/teams?area={commune(w, x)}", READERS, FAR),
    "GET api/v1/teams/<uid>": read(lambda w, x: f"{API}/teams/{team(w, x)}", READERS, FAR),
    "POST api/v1/teams": write(
        "post",
        lambda w, _: f"{API}/teams",
        lambda w, x: {"type": "tuan-tra-nhan-dan", "name": "", "home_area_id": commune(w, x), "area_ids": []},
        TEAM_EDITORS,
        FAR_EDITORS,
    ),
    "PATCH api/v1/teams/<uid>": write(
        "patch",
        lambda w, x: f"{API}/teams/{team(w, x)}",
        lambda w, x: {"name": ""},
        TEAM_EDITORS,
        FAR_EDITORS,
    ),
    "POST api/v1/teams/<uid>/status": write(
        "post",
        lambda w, x: f"{API}/teams/{team(w, x)}/status",
        # An active team cannot go back to "proposed".
        lambda w, x: {"status": "proposed", "on": "2024-01-01", "reason": ""},
        TEAM_EDITORS,
        FAR_EDITORS,
    ),
    # Memberships: the roster is kept by the home commune and the team's leaders.
    "GET api/v1/teams/<uid>/memberships": read(
        lambda w, x: f"{API}/teams/{team(w, x)}/memberships", READERS, FAR
    ),
    "POST api/v1/teams/<uid>/memberships": write(
        "post",
        lambda w, x: f"{API}/teams/{team(w, x)}/memberships",
        lambda w, x: {"person": person(w, x), "role": "", "start_on": "2024-01-01"},
        ROSTER_EDITORS,
        FAR_EDITORS,
    ),
    "PATCH api/v1/memberships/<uid>": write(
        "patch",
        lambda w, x: f"{API}/memberships/{membership(w, x)}",
        lambda w, x: {"end_on": "1900-01-01"},  # before the member joined
        ROSTER_PEOPLE_EDITORS,
        FAR_EDITORS,
    ),
    # People: people.read to see them (not team members), registry.write to change them.
    "GET api/v1/people": read(lambda w, x: f"{API}/people?area={commune(w, x)}", READERS, FAR),
    "GET api/v1/people/<uid>": read(lambda w, x: f"{API}/people/{person(w, x)}", PEOPLE_READERS, FAR),
    "POST api/v1/people": write(
        "post",
        lambda w, _: f"{API}/people",
        lambda w, x: {"area_id": village(w, x), "full_name": ""},
        TEAM_EDITORS,
        FAR_EDITORS,
    ),
    "PATCH api/v1/people/<uid>": write(
        "patch",
        lambda w, x: f"{API}/people/{person(w, x)}",
        lambda w, x: {"full_name": ""},
        PEOPLE_EDITORS,
        FAR_EDITORS,
    ),
    # Households and their commitments.
    "GET api/v1/households": read(lambda w, x: f"{API}/households?area={commune(w, x)}", READERS, FAR),
    "GET api/v1/households/<uid>": read(
        lambda w, x: f"{API}/households/{household(w, x)}", PEOPLE_READERS, FAR
    ),
    "POST api/v1/households": write(
        "post",
        lambda w, _: f"{API}/households",
        # The head already heads the world's household.
        lambda w, x: {"area_id": village(w, x), "head": person(w, x)},
        PEOPLE_EDITORS,
        FAR_EDITORS,
    ),
    "PATCH api/v1/households/<uid>": write(
        "patch",
        lambda w, x: f"{API}/households/{household(w, x)}",
        lambda w, x: {"address": "x" * 301},  # longer than an address may be
        PEOPLE_EDITORS,
        FAR_EDITORS,
    ),
    "GET api/v1/households/<uid>/commitments": read(
        lambda w, x: f"{API}/households/{household(w, x)}/commitments", PEOPLE_READERS, FAR
    ),
    "POST api/v1/households/<uid>/commitments": write(
        "post",
        lambda w, x: f"{API}/households/{household(w, x)}/commitments",
        lambda w, x: {"team": team(w, x), "signed_on": "2999-01-01"},  # in the future
        ROSTER_PEOPLE_EDITORS,
        FAR_EDITORS,
    ),
}
