"""Authorization cases for the assessment's pages and API (collected by the matrix test).

Inside is world.round (Phiêng Khoài's residential-area round, proposed) and world.hotspot
(Bản Nà Khoang); outside the same in Lai Châu. A round hangs off its commune: everyone whose
area holds the commune reads it (the team's people, bound to a village, do not); the province
(assessment.approve: charlie, sam; erin in Lai Châu) approves, returns or reopens it, the others
who see it get 403; the commune (assessment.propose: alice, and charlie, sam above her) records
results and sends the round, which world.round, already sent, refuses. Writes post an empty form, which the service refuses once it has let the
user in: 422, nothing changed. A hotspot at a village is read by everyone whose area holds it.
"""

from __future__ import annotations

from typing import Any

from tuquan.core.tests.matrix import Case, expect

READERS = expect(200, bob=404, erin=404, linh=404, minh=404)
FAR = expect(404, sam=200, erin=200)
APPROVERS = expect(403, sam=422, charlie=422, bob=404, erin=404, linh=404, minh=404)
FAR_APPROVERS = expect(404, sam=422, erin=422)
PROPOSERS = expect(403, sam=422, charlie=422, alice=422, bob=404, erin=404, linh=404, minh=404)
VILLAGE_READERS = expect(200, bob=404, erin=404)
API = "/api/v1/assessment"


def rnd(w: Any, where: str) -> str:
    return str((w.round if where == "inside" else w.far_round).uid)


def hotspot(w: Any, where: str) -> str:
    return str((w.hotspot if where == "inside" else w.far_hotspot).uid)


def post(path: str) -> Case:
    return Case(lambda w, x: f"/danh-gia/dot/{rnd(w, x)}/{path}/", APPROVERS, FAR_APPROVERS, method="post")


CASES: dict[str, Case] = {
    "danh-gia/": Case(lambda w, _: "/danh-gia/", inside=expect(200)),
    "danh-gia/dot/<uuid:uid>/": Case(lambda w, x: f"/danh-gia/dot/{rnd(w, x)}/", READERS, FAR),
    "danh-gia/dot/<uuid:uid>/phe-duyet/": post("phe-duyet"),
    "danh-gia/dot/<uuid:uid>/tra-lai/": post("tra-lai"),
    "danh-gia/dot/<uuid:uid>/mo-lai/": post("mo-lai"),
    "POST api/v1/assessment/rounds/<uid>/results": Case(
        lambda w, x: f"{API}/rounds/{rnd(w, x)}/results",
        PROPOSERS,
        FAR_APPROVERS,
        method="post",
        json=True,
        data={"area_id": "", "answers": {}},
        anon=401,
    ),
    "POST api/v1/assessment/rounds/<uid>/propose": Case(
        lambda w, x: f"{API}/rounds/{rnd(w, x)}/propose",
        PROPOSERS,
        FAR_APPROVERS,
        method="post",
        json=True,
        anon=401,
    ),
    "danh-gia/xep-loai-to/": Case(lambda w, _: "/danh-gia/xep-loai-to/?nam=2025", inside=expect(200)),
    "GET api/v1/assessment/team-grades": Case(
        lambda w, _: f"{API}/team-grades?year=2025", expect(200), anon=401
    ),
    "GET api/v1/assessment/paper-only": Case(lambda w, _: f"{API}/paper-only", expect(200), anon=401),
    "dia-ban-trong-diem/<uuid:uid>/": Case(
        lambda w, x: f"/dia-ban-trong-diem/{hotspot(w, x)}/", VILLAGE_READERS, expect(404, sam=200, erin=200)
    ),
    "GET api/v1/assessment/criteria-sets": Case(lambda w, _: f"{API}/criteria-sets", expect(200), anon=401),
    "GET api/v1/assessment/rounds": Case(lambda w, _: f"{API}/rounds", expect(200), anon=401),
    "GET api/v1/assessment/rounds/<uid>": Case(
        lambda w, x: f"{API}/rounds/{rnd(w, x)}", READERS, FAR, anon=401
    ),
    "POST api/v1/assessment/rounds/<uid>/decision": Case(
        lambda w, x: f"{API}/rounds/{rnd(w, x)}/decision",
        APPROVERS,
        FAR_APPROVERS,
        method="post",
        json=True,
        data={"action": "approve", "decision_number": ""},
        anon=401,
    ),
}
