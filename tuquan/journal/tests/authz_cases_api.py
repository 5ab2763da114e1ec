"""Authorization cases for the journal's API (collected by the matrix test).

Inside is world.entry (a patrol of world.team in Bản Nà Khoang, Phiêng Khoài, Sơn La, last
month), world.team, Phiêng Khoài and Bản Nà Khoang; outside the same in Lai Châu. Writes send
a body that passes the schema but that the service refuses once it has let the user in, so an
allowed user gets 422 and nothing changes, the others 403 (visible, not theirs) or 404
(outside their area); without credentials, 401.

Who gets what, as on the journal's pages:
- everyone who sees the team reads its entries and the indicators of their area; bob
  (another commune) and erin (another province) never see Phiêng Khoài's;
- the team's leader (linh) and the officers who write the registry of the village (alice,
  charlie, sam) record and correct entries; the team member (minh), the commune committee
  (quang) and province staff (dana) read only;
- journal.review (alice, charlie, sam) verifies or returns entries, assesses tips and
  approves a village's month; journal.accept (dana, charlie, sam) accepts it; both see the
  villages' approval state;
- journal.aggregate (alice, charlie, sam) reads and enters period totals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuquan.core.tests.matrix import Case, expect

READERS = expect(200, bob=404, erin=404)
FAR = expect(404, sam=200, erin=200)
RECORDERS = expect(403, sam=422, charlie=422, alice=422, linh=422, bob=404, erin=404)
REVIEWERS = expect(403, sam=422, charlie=422, alice=422, bob=404, erin=404)
APPROVAL_READERS = expect(403, sam=200, charlie=200, alice=200, dana=200, bob=404, erin=404)
AGGREGATE_READERS = expect(403, sam=200, charlie=200, alice=200, bob=404, erin=404)
FAR_WRITERS = expect(404, sam=422, erin=422)

API = "/api/v1"
FUTURE = "2999-01-01"


def _pick(w: Any, where: str, name: str) -> Any:
    return getattr(w, name if where == "inside" else f"far_{name}")


def entry(w: Any, where: str) -> str:
    return str(_pick(w, where, "entry").uid)


def team(w: Any, where: str) -> str:
    return str(_pick(w, where, "team").uid)


def commune(w: Any, where: str) -> str:
    return str(_pick(w, where, "commune").ident)


def village(w: Any, where: str) -> str:
    return str(_pick(w, where, "village").ident)


def month(w: Any, where: str) -> str:
    return f"{_pick(w, where, 'entry').occurred_on:%Y-%m}"


def read(path: Callable[[Any, str], str], inside: dict[str, int], outside: dict[str, int]) -> Case:
    return Case(path, inside, outside, anon=401)


def write(
    method: str,
    path: Callable[[Any, str], str],
    body: Callable[[Any, str], dict[str, Any]],
    inside: dict[str, int],
    outside: dict[str, int],
) -> Case:
    """A JSON write whose body names objects of the same side as the URL (`check` asks for
    the URL of a side before sending it, so the URL callback also fills the body)."""
    data: dict[str, Any] = {}

    def url(w: Any, where: str) -> str:
        data.clear()
        data.update(body(w, where))
        return path(w, where)

    return Case(url, inside, outside, method=method, data=data, anon=401, json=True)


CASES: dict[str, Case] = {
    # Entries: read by everyone who sees the team, recorded by its leaders and the officers.
    "GET api/v1/entries": read(lambda w, x: f"{API}/entries?area={commune(w, x)}", READERS, FAR),
    "GET api/v1/entries/<uid>": read(lambda w, x: f"{API}/entries/{entry(w, x)}", READERS, FAR),
    "POST api/v1/entries": write(
        "post",
        lambda w, _: f"{API}/entries",
        lambda w, x: {
            "team": team(w, x),
            "village_id": village(w, x),
            "kind": "patrol",
            "occurred_on": FUTURE,  # a patrol cannot be recorded before it happens
            "member_turns": 1,
        },
        RECORDERS,
        FAR_WRITERS,
    ),
    "PATCH api/v1/entries/<uid>": write(
        "patch",
        lambda w, x: f"{API}/entries/{entry(w, x)}",
        lambda w, x: {"occurred_on": FUTURE},
        RECORDERS,
        FAR_WRITERS,
    ),
    "DELETE api/v1/entries/<uid>": write(
        "delete",
        lambda w, x: f"{API}/entries/{entry(w, x)}",  # without the reason it asks for
        lambda w, x: {},
        RECORDERS,
        FAR_WRITERS,
    ),
    "POST api/v1/entries/<uid>/review": write(
        "post",
        lambda w, x: f"{API}/entries/{entry(w, x)}/review",
        lambda w, x: {"verdict": "returned", "comment": " "},  # returned without a reason
        REVIEWERS,
        FAR_WRITERS,
    ),
    "POST api/v1/entries/<uid>/assessment": write(
        "post",
        lambda w, x: f"{API}/entries/{entry(w, x)}/assessment",
        lambda w, x: {"valuable": True},  # a patrol is not information to assess
        REVIEWERS,
        FAR_WRITERS,
    ),
    # Monthly approval: the commune approves, the province accepts.
    "GET api/v1/approvals": read(
        lambda w, x: f"{API}/approvals?area={commune(w, x)}&month={month(w, x)}", APPROVAL_READERS, FAR
    ),
    "POST api/v1/approvals": write(
        "post",
        lambda w, _: f"{API}/approvals",
        # The month's patrol has not been checked yet.
        lambda w, x: {"village_id": village(w, x), "month": month(w, x), "action": "approve"},
        REVIEWERS,
        FAR_WRITERS,
    ),
    # Period totals for years before the system.
    "GET api/v1/aggregates": read(
        lambda w, x: f"{API}/aggregates?area={commune(w, x)}", AGGREGATE_READERS, FAR
    ),
    "POST api/v1/aggregates": write(
        "post",
        lambda w, _: f"{API}/aggregates",
        lambda w, x: {
            "area_id": commune(w, x),
            "indicator": "patrols.count",
            "period_kind": "year",
            "period_start": FUTURE,  # totals only for periods that have ended
            "value": 1,
        },
        REVIEWERS,
        FAR_WRITERS,
    ),
    # Indicators: every figure of an area the user sees, as far as they see it.
    "GET api/v1/indicators": read(
        lambda w, x: f"{API}/indicators?area={commune(w, x)}&from=2024-01-01&to=2024-12-31", READERS, FAR
    ),
}
