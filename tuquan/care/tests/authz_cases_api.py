"""Authorization cases for the supervised persons' and funds' API: as the pages, 401
without credentials. Writes send a body the service refuses once the user is let in (a
check-in in the future, an amount of 0), so an allowed user gets 422 and nothing changes."""

from __future__ import annotations

from tuquan.care.tests.authz_cases import (
    CIRCLE,
    FAR_KEEPERS,
    FAR_READERS,
    KEEPERS,
    NOBODY,
    OFFICER,
    OFFICERS_ANYWHERE,
    READERS,
    person,
    posted,
    referral,
    team,
)
from tuquan.core.tests.matrix import Case, expect

API = "/api/v1"

CASES: dict[str, Case] = {
    "GET api/v1/supervised": Case(lambda w, _: f"{API}/supervised", inside=expect(200), anon=401),
    "GET api/v1/supervised/<uid>": Case(
        lambda w, x: f"{API}/supervised/{person(w, x)}", CIRCLE, NOBODY, anon=401
    ),
    "POST api/v1/supervised/<uid>/checkins": Case(
        lambda w, x: f"{API}/supervised/{person(w, x)}/checkins",
        posted(CIRCLE),
        NOBODY,
        method="post",
        data={"occurred_on": "2999-01-01"},
        anon=401,
        json=True,
    ),
    # Referrals: the officer's to write (the leader 403), 404 outside the circle; the
    # bodies are refused once let in (a date in the future), so nothing changes.
    "POST api/v1/supervised/<uid>/referrals": Case(
        lambda w, x: f"{API}/supervised/{person(w, x)}/referrals",
        posted(OFFICER),
        NOBODY,
        method="post",
        data={"organisation": "women_union", "referred_on": "2999-01-01"},
        anon=401,
        json=True,
    ),
    "PATCH api/v1/supervised/<uid>/referrals/<referral>": Case(
        lambda w, x: f"{API}/supervised/{person(w, x)}/referrals/{referral(w, x)}",
        posted(OFFICER),
        NOBODY,
        method="patch",
        data={"referred_on": "2999-01-01"},
        anon=401,
        json=True,
    ),
    # The import: commune officers only (403 for everyone else); no file → 422.
    "POST api/v1/supervised/import": Case(
        lambda w, _: f"{API}/supervised/import",
        inside=posted(OFFICERS_ANYWHERE),
        method="post",
        anon=401,
    ),
    "GET api/v1/funds/<team>": Case(lambda w, x: f"{API}/funds/{team(w, x)}", READERS, FAR_READERS, anon=401),
    "POST api/v1/funds/<team>/entries": Case(
        lambda w, x: f"{API}/funds/{team(w, x)}/entries",
        posted(KEEPERS),
        FAR_KEEPERS,
        method="post",
        data={"kind": "contribution", "amount": "0", "occurred_on": "2020-01-01"},
        anon=401,
        json=True,
    ),
}
