"""The requests a commune makes most (issue 22): the leader's journal page, the officer's
commune page and a commune's indicators cost a handful of queries, the same for a few
entries or many. `make bench-web` measures what they cost served; this only counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tuquan.journal.tests.test_api import days_ago, record

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _flat(client: Client, url: str, world: Any, most: int, assert_max: Any) -> None:
    """`url` answers within `most` queries with two entries, and in no more with thirty."""
    record(world, on=days_ago(35))
    record(world, "meeting", on=days_ago(36))
    assert client.get(url).status_code == 200
    with assert_max(most) as few:
        assert client.get(url).status_code == 200
    for n in range(28):
        record(world, on=days_ago(37 + n % 20))
    with assert_max(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_leaders_journal_page_takes_seven_queries_for_2_or_30_entries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    # session, user, grants, team, its villages, the leader's membership, the entries
    leader = _signed_in(world.linh)
    _flat(leader, f"/nhat-ky/{world.team.uid}/", world, 7, django_assert_max_num_queries)
    page = leader.get(f"/nhat-ky/{world.team.uid}/").content.decode()
    assert page.count('href="/hoat-dong/') == 30 and "Tuần tra" in page


def test_the_officers_commune_page_takes_the_same_queries_for_2_or_30_entries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    _flat(_signed_in(world.alice), "/nhat-ky-xa/04099/", world, 12, django_assert_max_num_queries)


def test_a_communes_indicators_take_the_same_queries_for_2_or_30_entries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    # five providers' counts, and on PostgreSQL the snapshot that keys the cache
    url = "/api/v1/indicators?area=04099&from=2025-01-01&to=2026-12-31"
    _flat(_signed_in(world.alice), url, world, 34, django_assert_max_num_queries)


def test_a_communes_indicators_are_kept_until_anything_is_written_then_counted_again(
    live_world: Any, django_assert_max_num_queries: Any
) -> None:
    """Committed writes (a transactional test): on PostgreSQL the second read comes from the
    cache, keyed on the database's snapshot, and the write after it is counted at once."""
    from django.db import connection

    world = live_world
    officer, other_commune = _signed_in(world.alice), _signed_in(world.bob)
    url = "/api/v1/indicators?area=04099&from=2025-01-01&to=2026-12-31"
    record(world, on=days_ago(35))
    with django_assert_max_num_queries(34) as computed:
        before = officer.get(url).json()["indicators"]["patrols.count"]
    with django_assert_max_num_queries(len(computed.captured_queries)) as again:
        assert officer.get(url).json()["indicators"]["patrols.count"] == before
    if connection.vendor == "postgresql":
        # the session, its user and the snapshot: neither the area nor any provider is read
        assert len(again.captured_queries) == 3
    else:
        assert len(again.captured_queries) == len(computed.captured_queries)
    # what was kept for one asker is never another's: the officer of another commune
    assert other_commune.get(url).status_code == 404
    record(world, on=days_ago(36))
    assert officer.get(url).json()["indicators"]["patrols.count"] == before + 1


def test_a_patrol_sent_from_the_phone_costs_the_same_queries_in_a_full_month(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """A write adds its own difference to the figures (rollups by increments): its cost does not
    grow with the entries its village-month already holds."""
    from django.db import connection

    from tuquan.journal.tests.test_api import API, patrol, send

    leader = _signed_in(world.linh)
    body = patrol(world, occurred_on=days_ago(35).isoformat(), member_turns=1)
    assert send(leader, "post", f"{API}/entries", body).status_code == 201
    # 25 before issue 22's second round: the month's approval, a covering total, the active
    # members and the team's villages are one statement now, a new entry's participants are
    # not read before they are written, nor its commune, province and approval before its
    # increments, and the answer is not read back. Left: session, user, grants, team,
    # village, the participant, the leader's role; the transaction (a savepoint here), the
    # checks, the entry, its participant, the audit row, the counter and the three rollup
    # tables (and on PostgreSQL the month's lock).
    with django_assert_max_num_queries(17 if connection.vendor == "sqlite" else 18) as first:
        assert send(leader, "post", f"{API}/entries", body).status_code == 201
    for _ in range(30):
        record(world, on=days_ago(35))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert send(leader, "post", f"{API}/entries", body).status_code == 201
