"""Many connections writing one village-month at once, on PostgreSQL (SQLite admits one
writer at a time; tested over HTTP in core/tests/test_served_tryout.py): every request
succeeds or is refused with its rule's message, never a 500, and the village, commune and
province figures stay exact (`tuquan rollups --verify`)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.journal import services
from tuquan.journal.models import Entry
from tuquan.testing import postgresql_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only("concurrent writers on separate connections"),
]
WRITERS, EACH = 8, 15
API = "/api/v1"


def last_month_day(n: int) -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=n)


def test_eight_writers_in_one_village_month_leave_every_figure_exact(live_world: Any) -> None:
    day = last_month_day(2)
    before = Entry.objects.count()
    failures: list[str] = []
    start = threading.Barrier(WRITERS)

    def write() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                services.entry_record(
                    actor=CONSOLE,
                    team=live_world.team,
                    village=live_world.village,
                    kind="patrol",
                    occurred_on=day,
                    other_participants=2,
                    member_turns=2,
                )
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Entry.objects.count() == before + WRITERS * EACH
    call_command("rollups", "--verify")  # raises when a village, commune or province total is off


def _route(url: str) -> str:
    parts = url.split("?")[0].split("/")[3:]
    return "/".join("<uid>" if len(p) == 36 else p for p in parts)


class Desk:
    """One person's client on its own connection, keeping what each answer was."""

    def __init__(self, user: Any, answers: Counter[str], problems: list[str]) -> None:
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.answers, self.problems = answers, problems

    def send(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        response = getattr(self.client, method)(url, data=body or {}, content_type="application/json")
        self.answers[f"{method} {_route(url)} {response.status_code}"] += 1
        if response.status_code >= 500:
            self.problems.append(f"{method} {url}: {response.status_code} {response.content[:300]!r}")
        elif response.status_code >= 400 and not response.json().get("detail"):
            # A refusal says which rule refused it, in words a person reads.
            self.problems.append(f"{method} {url}: {response.status_code} without a message")
        return response


def test_recording_editing_deleting_reviewing_and_approving_at_once_never_fails_and_stays_exact(
    live_world: Any,
) -> None:
    """Three leaders' phones record, correct and delete patrols and tips in one village's
    last month (also moving entries into the month before), while the commune officer checks
    them and approves and reopens the month, all at once."""
    w = live_world
    village, month = w.village.ident, last_month_day(1).replace(day=1)
    answers: Counter[str] = Counter()
    problems: list[str] = []
    start = threading.Barrier(5)
    rounds = 12
    leaders_done = threading.Event()

    def leader(seed: int) -> None:
        desk = Desk(w.linh, answers, problems)
        mine: list[str] = []
        try:
            start.wait()
            for i in range(rounds):
                on = month + timedelta(days=(seed * 7 + i) % 27)
                kind = "tip" if i % 4 == 3 else "patrol"
                body: dict[str, Any] = {"team": str(w.team.uid), "village_id": village, "kind": kind}
                body["occurred_on"] = on.isoformat()
                patrol = {"member_turns": 1 + i % 3, "other_participants": 5}
                body.update(patrol if kind == "patrol" else {"tip_category": "drugs"})
                made = desk.send("post", f"{API}/entries", body)
                if made.status_code == 201 and kind == "patrol":
                    mine.append(made.json()["uid"])
                if mine and i % 3 == 1:
                    # Corrected: more people, or moved to the last day of the month before.
                    before = (month - timedelta(days=1)).isoformat()
                    change = {"member_turns": 5} if i % 2 else {"occurred_on": before}
                    desk.send("patch", f"{API}/entries/{mine[-1]}", change)
                if mine and i % 5 == 4:
                    desk.send("delete", f"{API}/entries/{mine.pop(0)}?reason=ghi%20tr%C3%B9ng")
        finally:
            connection.close()

    def officer() -> None:
        desk = Desk(w.alice, answers, problems)
        try:
            start.wait()
            for i in range(rounds):
                listed = desk.send(
                    "get", f"{API}/entries?area={village}&from={month - timedelta(days=1)}&limit=1000"
                )
                for item in listed.json().get("items", [])[:8]:
                    if item["status"] != "verified":
                        verdict = {"verdict": "verified"}
                        if i % 4 == 0:
                            verdict = {"verdict": "returned", "comment": "Ghi thiếu người"}
                        desk.send("post", f"{API}/entries/{item['uid']}/review", verdict)
                        if item["kind"] == "tip":
                            desk.send(
                                "post", f"{API}/entries/{item['uid']}/assessment", {"valuable": i % 2 == 0}
                            )
        finally:
            connection.close()

    def approver() -> None:
        desk = Desk(w.alice, answers, problems)
        try:
            start.wait()
            # Until the leaders stop, then three more tries (the month can then be all checked).
            i, after = 0, 0
            while after < 3:
                i += 1
                after += leaders_done.is_set()
                # Checks what is still unchecked in the month, then tries to approve it (the
                # leaders may have added more meanwhile: then the rule refuses, and says so).
                url = f"{API}/entries?area={village}&from={month}&to={month + timedelta(days=27)}&limit=1000"
                for item in desk.send("get", url).json().get("items", []):
                    if item["status"] != "verified":
                        desk.send("post", f"{API}/entries/{item['uid']}/review", {"verdict": "verified"})
                body = {"village_id": village, "month": f"{month:%Y-%m}", "action": "approve"}
                if desk.send("post", f"{API}/approvals", body).status_code == 200 and i % 2:
                    desk.send("post", f"{API}/approvals", {**body, "action": "reopen", "reason": "Bổ sung"})
        finally:
            connection.close()

    threads = [threading.Thread(target=leader, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=officer), threading.Thread(target=approver)]
    for thread in threads:
        thread.start()
    for thread in threads[:3]:
        thread.join()
    leaders_done.set()
    for thread in threads[3:]:
        thread.join()

    assert problems == []
    # Each kind of request was sent and answered. Whether a correction or a deletion goes
    # through depends on the race (the officer may have checked the entry, or the month may be
    # approved, first): then it is refused with a message, which `Desk` already demands. Entries
    # and checks always go through, and the month is approved at least once after the leaders stop.
    went_through = ["post entries 201", "post entries/<uid>/review 200", "post approvals 200"]
    assert all(answers[k] for k in went_through), answers
    for kind, done in [("patch entries/<uid>", 200), ("delete entries/<uid>", 204)]:
        assert answers[f"{kind} {done}"] + answers[f"{kind} 422"] + answers[f"{kind} 403"] > 0, answers
    assert Entry.objects.filter(village=w.village).exists()
    call_command("rollups", "--verify")  # raises when a village, commune or province total is off


def test_an_entry_written_while_its_month_is_approved_waits_and_is_refused_never_slips_in(
    live_world: Any,
) -> None:
    """Two connections: the officer's approval holds the month while a leader's phone sends
    a patrol for it. The patrol waits for the approval to end, then is refused by the lock
    (and the other way round: a patrol being written makes the approval wait, then count it
    as unchecked). Never both: an unchecked entry inside an approved month."""
    from tuquan.testing.concurrent import race

    w = live_world
    day = last_month_day(3)
    for entry in Entry.objects.filter(village=w.village):
        services.entry_review(actor=CONSOLE, entry=entry, verdict="verified")

    def approve() -> None:
        services.month_approve(actor=w.alice, village=w.village, month=day)

    def write() -> None:
        services.entry_record(
            actor=w.linh,
            team=w.team,
            village=w.village,
            kind="patrol",
            occurred_on=day,
            member_turns=1,
            other_participants=1,
        )

    for first, second in ((approve, write), (write, approve)):
        outcome = race(first, second)
        assert outcome["first"] == "done", outcome
        assert outcome["second"].startswith("refused: "), outcome
        if first is approve:
            assert "đã được duyệt" in outcome["second"]
            services.month_reopen(actor=w.alice, village=w.village, month=day, reason="Thử lại")
        else:
            assert "chưa kiểm tra" in outcome["second"]
    call_command("rollups", "--verify")
