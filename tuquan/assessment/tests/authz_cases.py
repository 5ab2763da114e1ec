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
# Pages with no object of an area: whoever holds the capability anywhere gets the form (an
# empty post is refused, 422), the others 403.
ANY_PROPOSER = expect(403, sam=422, charlie=422, alice=422, bob=422, erin=422)
ANY_APPROVER = expect(403, sam=422, charlie=422, erin=422)
# A hotspot or a team at the village is also seen by the team's people, who may not change it.
VILLAGE_PROPOSERS = expect(403, sam=422, charlie=422, alice=422, bob=404, erin=404)
VILLAGE_APPROVERS = expect(403, sam=422, charlie=422, bob=404, erin=404)
# A province's rules: its communes' people see the province (an ancestor) but do not set them.
RULES = expect(403, sam=422, charlie=422, erin=404)
API = "/api/v1/assessment"


def rnd(w: Any, where: str) -> str:
    return str((w.round if where == "inside" else w.far_round).uid)


def hotspot(w: Any, where: str) -> str:
    return str((w.hotspot if where == "inside" else w.far_hotspot).uid)


def village(w: Any, where: str) -> str:
    return str((w.village if where == "inside" else w.far_village).ident)


def unit(w: Any, where: str) -> str:
    return str((w.unit if where == "inside" else w.far_unit).uid)


def team(w: Any, where: str) -> str:
    return str((w.team if where == "inside" else w.far_team).uid)


def task(w: Any, where: str) -> int:
    return int((w.hotspot if where == "inside" else w.far_hotspot).tasks.get().pk)


def result(w: Any, where: str) -> str:
    return str((w.round if where == "inside" else w.far_round).results.get().uid)


def province(w: Any, where: str) -> str:
    return str((w.province if where == "inside" else w.far_province).ident)


def criteria_set(w: Any) -> int:
    from tuquan.assessment.models import CriteriaSet

    return int(CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1).pk)


def criterion(w: Any) -> int:
    from tuquan.assessment.models import Criterion

    return int(
        Criterion.objects.get(
            criteria_set__code="antt-khu-dan-cu", criteria_set__version=1, code="dang-ky"
        ).pk
    )


def post(path: str) -> Case:
    return Case(lambda w, x: f"/danh-gia/dot/{rnd(w, x)}/{path}/", APPROVERS, FAR_APPROVERS, method="post")


CASES: dict[str, Case] = {
    # The commune's data entry.
    "danh-gia/dot/mo/": Case(lambda w, _: "/danh-gia/dot/mo/", ANY_PROPOSER, method="post"),
    "danh-gia/dot/<uuid:uid>/ket-qua/<str:subject>/": Case(
        lambda w, x: f"/danh-gia/dot/{rnd(w, x)}/ket-qua/{village(w, x)}/",
        PROPOSERS,
        FAR_APPROVERS,
        method="post",
    ),
    "danh-gia/dot/<uuid:uid>/de-nghi/": Case(
        lambda w, x: f"/danh-gia/dot/{rnd(w, x)}/de-nghi/", PROPOSERS, FAR_APPROVERS, method="post"
    ),
    "danh-gia/don-vi/": Case(lambda w, _: "/danh-gia/don-vi/", ANY_PROPOSER, method="post"),
    "danh-gia/don-vi/<uuid:uid>/": Case(
        lambda w, x: f"/danh-gia/don-vi/{unit(w, x)}/", PROPOSERS, FAR_APPROVERS, method="post"
    ),
    "dia-ban-trong-diem/moi/": Case(lambda w, _: "/dia-ban-trong-diem/moi/", ANY_PROPOSER, method="post"),
    "dia-ban-trong-diem/<uuid:uid>/nhiem-vu/": Case(
        lambda w, x: f"/dia-ban-trong-diem/{hotspot(w, x)}/nhiem-vu/",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
    ),
    "dia-ban-trong-diem/<uuid:uid>/nhiem-vu/<int:pk>/xong/": Case(
        lambda w, x: f"/dia-ban-trong-diem/{hotspot(w, x)}/nhiem-vu/{task(w, x)}/xong/",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
    ),
    "dia-ban-trong-diem/<uuid:uid>/chuyen-hoa/": Case(
        lambda w, x: f"/dia-ban-trong-diem/{hotspot(w, x)}/chuyen-hoa/",
        VILLAGE_APPROVERS,
        FAR_APPROVERS,
        method="post",
    ),
    # The statutory team's rating (world.team is a patrol team: the page says it is not rated
    # this way, and an empty post is refused before that).
    "danh-gia/xep-loai-luc-luong/": Case(lambda w, _: "/danh-gia/xep-loai-luc-luong/", expect(200)),
    "danh-gia/xep-loai-luc-luong/<uuid:uid>/": Case(
        lambda w, x: f"/danh-gia/xep-loai-luc-luong/{team(w, x)}/?nam=2025",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
    ),
    "danh-gia/xep-loai-luc-luong/<uuid:uid>/khen-thuong/": Case(
        lambda w, x: f"/danh-gia/xep-loai-luc-luong/{team(w, x)}/khen-thuong/?nam=2025",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
    ),
    "danh-gia/khen-thuong/": Case(lambda w, _: "/danh-gia/khen-thuong/?nam=2025", expect(200)),
    "danh-gia/khen-thuong/<uuid:uid>/": Case(
        lambda w, x: f"/danh-gia/khen-thuong/{result(w, x)}/", PROPOSERS, FAR_APPROVERS, method="post"
    ),
    # Criteria sets are national rules: everyone reads them, the province administrators edit.
    "danh-gia/bo-tieu-chi/": Case(lambda w, _: "/danh-gia/bo-tieu-chi/", expect(200)),
    "danh-gia/bo-tieu-chi/<int:pk>/": Case(
        lambda w, _: f"/danh-gia/bo-tieu-chi/{criteria_set(w)}/", expect(200)
    ),
    "danh-gia/bo-tieu-chi/<int:pk>/sua/": Case(
        lambda w, _: f"/danh-gia/bo-tieu-chi/{criteria_set(w)}/sua/", ANY_APPROVER, method="post"
    ),
    "danh-gia/bo-tieu-chi/<int:pk>/phien-ban-moi/": Case(
        lambda w, _: f"/danh-gia/bo-tieu-chi/{criteria_set(w)}/phien-ban-moi/", ANY_APPROVER, method="post"
    ),
    "danh-gia/bo-tieu-chi/<int:pk>/them-tieu-chi/": Case(
        lambda w, _: f"/danh-gia/bo-tieu-chi/{criteria_set(w)}/them-tieu-chi/", ANY_APPROVER, method="post"
    ),
    "danh-gia/bo-tieu-chi/<int:pk>/ap-dung/": Case(
        lambda w, _: f"/danh-gia/bo-tieu-chi/{criteria_set(w)}/ap-dung/", ANY_APPROVER, method="post"
    ),
    "danh-gia/tieu-chi/<int:pk>/": Case(
        lambda w, _: f"/danh-gia/tieu-chi/{criterion(w)}/", ANY_APPROVER, method="post"
    ),
    "danh-gia/quy-tac/<str:ident>/": Case(
        lambda w, x: f"/danh-gia/quy-tac/{province(w, x)}/", RULES, FAR_APPROVERS, method="post"
    ),
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
    # The commune is named in the body (a static one: Phiêng Khoài), so bob and erin are the
    # users outside it. Phiêng Khoài's 2025 round exists already, and a unit needs a name: 422.
    "POST api/v1/assessment/rounds": Case(
        lambda w, _: f"{API}/rounds",
        VILLAGE_PROPOSERS,
        method="post",
        json=True,
        data={"criteria_set": "antt-khu-dan-cu", "commune_id": "04099", "year": 2025},
        anon=401,
    ),
    "GET api/v1/assessment/units": Case(lambda w, _: f"{API}/units", expect(200), anon=401),
    "POST api/v1/assessment/units": Case(
        lambda w, _: f"{API}/units",
        VILLAGE_PROPOSERS,
        method="post",
        json=True,
        data={"commune_id": "04099", "kind": "school", "name": ""},
        anon=401,
    ),
    "PUT api/v1/assessment/units/<uid>": Case(
        lambda w, x: f"{API}/units/{unit(w, x)}",
        PROPOSERS,
        FAR_APPROVERS,
        method="put",
        json=True,
        data={"kind": "school", "name": ""},
        anon=401,
    ),
    "GET api/v1/assessment/hotspots/<uid>": Case(
        lambda w, x: f"{API}/hotspots/{hotspot(w, x)}",
        VILLAGE_READERS,
        expect(404, sam=200, erin=200),
        anon=401,
    ),
    "POST api/v1/assessment/hotspots/<uid>/tasks": Case(
        lambda w, x: f"{API}/hotspots/{hotspot(w, x)}/tasks",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
        json=True,
        data={"text": ""},
        anon=401,
    ),
    "POST api/v1/assessment/hotspots/<uid>/tasks/<task_id>/done": Case(
        lambda w, x: f"{API}/hotspots/{hotspot(w, x)}/tasks/{task(w, x)}/done",
        VILLAGE_PROPOSERS,
        FAR_APPROVERS,
        method="post",
        json=True,
        data={"done_on": "2000-01-01"},
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
