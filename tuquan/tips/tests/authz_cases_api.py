"""Authorization cases for the tip line's API (collected by the matrix test): as the pages,
and 401 without credentials. Writes send a body the service refuses once it has let the
officer in (a closed state the tip cannot reach, an empty reply, a link to nothing), so an
allowed officer gets 422 and nothing changes."""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect
from tuquan.tips.tests.authz_cases import FAR_TRIAGE, TRIAGE, posted, tip

API = "/api/v1"


def commune(w: Any, where: str) -> str:
    return (w.commune if where == "inside" else w.far_commune).ident


def write(path: Any, body: dict[str, Any]) -> Case:
    return Case(path, posted(TRIAGE), posted(FAR_TRIAGE), method="post", data=body, anon=401, json=True)


CASES: dict[str, Case] = {
    "GET api/v1/tips": Case(
        lambda w, x: f"{API}/tips?area={commune(w, x)}",
        expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404),
        expect(404, sam=200, erin=200),
        anon=401,
    ),
    "GET api/v1/tips/<uid>": Case(lambda w, x: f"{API}/tips/{tip(w, x)}", TRIAGE, FAR_TRIAGE, anon=401),
    "POST api/v1/tips/<uid>/state": write(lambda w, x: f"{API}/tips/{tip(w, x)}/state", {"state": "closed"}),
    "POST api/v1/tips/<uid>/messages": write(lambda w, x: f"{API}/tips/{tip(w, x)}/messages", {"body": ""}),
    "POST api/v1/tips/<uid>/link": write(lambda w, x: f"{API}/tips/{tip(w, x)}/link", {}),
}
