"""The commune's review at its own pace (issue 24, item 3), through the pages, with the bad
input a hurried or careless officer gives: several entries checked at once or none, a
village's month checked whole, the next entry after a check, approval blockers listed,
reopening only with a reason typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tuquan.core.models import AuditEntry
from tuquan.journal import services
from tuquan.journal.models import Approval, Entry
from tuquan.testing.journal import last_month_day, month_entries, record_patrols

pytestmark = pytest.mark.django_db


def officer(world: Any) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


def month_of_patrols(world: Any, count: int) -> tuple[Any, list[Entry]]:
    day = last_month_day()
    return day.replace(day=1), record_patrols(world, count, day=day)


def unchecked(world: Any, month: Any) -> int:
    return month_entries(world, month).exclude(status="verified").count()


def review_url(world: Any) -> str:
    return f"/nhat-ky-xa/{world.commune.ident}/kiem-tra/"


def test_ticked_entries_are_checked_together_each_with_its_audit_row(world: Any) -> None:
    _month, made = month_of_patrols(world, 3)
    client = officer(world)  # (signing in is audited too)
    audits = AuditEntry.objects.count()
    answer = client.post(
        review_url(world), {"entries": [str(e.uid) for e in made[:2]], "verdict": "verified"}
    )
    assert answer.status_code == 302
    assert sorted(Entry.objects.filter(pk__in=[e.pk for e in made]).values_list("status", flat=True)) == [
        "submitted",
        "verified",
        "verified",
    ]
    assert AuditEntry.objects.count() == audits + 2


def test_returning_several_without_a_comment_is_refused_and_changes_nothing(world: Any) -> None:
    _month, made = month_of_patrols(world, 2)
    answer = officer(world).post(
        review_url(world), {"entries": [str(e.uid) for e in made], "verdict": "returned"}
    )
    assert answer.status_code == 422
    assert "Ghi lý do trả lại." in answer.content.decode()
    assert set(Entry.objects.filter(pk__in=[e.pk for e in made]).values_list("status", flat=True)) == {
        "submitted"
    }


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda w, made: [], id="nothing-ticked"),
        pytest.param(lambda w, made: ["not-a-uid"], id="a-forged-uid"),
        pytest.param(
            lambda w, made: [str(made[0].uid), str(w.far_entry.uid)], id="an-entry-of-another-province"
        ),
    ],
)
def test_a_bad_or_foreign_selection_is_refused_in_vietnamese_and_checks_none(world: Any, bad: Any) -> None:
    _month, made = month_of_patrols(world, 2)
    answer = officer(world).post(review_url(world), {"entries": bad(world, made), "verdict": "verified"})
    assert answer.status_code == 422
    assert 'class="errorlist"' in answer.content.decode()
    assert set(Entry.objects.filter(pk__in=[e.pk for e in made]).values_list("status", flat=True)) == {
        "submitted"
    }
    assert Entry.objects.get(pk=world.far_entry.pk).status != "verified"


def test_check_all_takes_every_unchecked_entry_of_one_village_month(world: Any) -> None:
    month, _made = month_of_patrols(world, 4)
    assert unchecked(world, month) >= 4
    answer = officer(world).post(
        review_url(world), {"village": world.village.ident, "month": f"{month:%Y-%m}", "verdict": "verified"}
    )
    assert answer.status_code == 302
    assert unchecked(world, month) == 0


def test_check_all_for_a_village_of_another_commune_is_not_found(world: Any) -> None:
    answer = officer(world).post(
        review_url(world), {"village": world.other_village.ident, "month": "2026-01", "verdict": "verified"}
    )
    assert answer.status_code == 404


def test_checking_one_entry_leads_to_the_next_then_back_to_the_commune(world: Any) -> None:
    month, _made = month_of_patrols(world, 2)
    client = officer(world)
    waiting = list(
        Entry.objects.filter(village=world.village, status="submitted").order_by("occurred_on", "id")
    )
    first, second = waiting[0], waiting[1]
    answer = client.post(f"/hoat-dong/{first.uid}/kiem-tra/", {"verdict": "verified-next"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/hoat-dong/{second.uid}/")
    for entry in waiting[1:]:
        answer = client.post(f"/hoat-dong/{entry.uid}/kiem-tra/", {"verdict": "verified-next"})
    assert answer["Location"].startswith(f"/nhat-ky-xa/{world.commune.ident}/")
    assert unchecked(world, month) == 0


def test_approving_a_month_with_unchecked_entries_lists_them_with_links(world: Any) -> None:
    month, made = month_of_patrols(world, 2)
    answer = officer(world).post(
        f"/nhat-ky-xa/{world.commune.ident}/duyet/",
        {"village": world.village.ident, "month": f"{month:%Y-%m-%d}"},
    )
    page = answer.content.decode()
    assert answer.status_code == 422
    assert all(f'href="/hoat-dong/{e.uid}/"' in page for e in made)
    assert "Kiểm tra tất cả" in page
    assert not Approval.objects.filter(village=world.village, month=month).exists()


def test_reopening_needs_a_reason_typed_by_the_officer(world: Any) -> None:
    month, _made = month_of_patrols(world, 1)
    client = officer(world)
    client.post(
        review_url(world), {"village": world.village.ident, "month": f"{month:%Y-%m}", "verdict": "verified"}
    )
    services.month_approve(actor=world.alice, village=world.village, month=month)
    url = f"/nhat-ky-xa/{world.commune.ident}/mo-lai/"
    body = {"village": world.village.ident, "month": f"{month:%Y-%m-%d}"}
    for reason in ("", "   "):
        answer = client.post(url, {**body, "reason": reason})
        assert answer.status_code == 422
        assert (
            "Ghi lý do mở lại." in answer.content.decode()
            or "Trường này là bắt buộc" in answer.content.decode()
        )
        assert Approval.objects.get(village=world.village, month=month).status == "approved"
    answer = client.post(url, {**body, "reason": "Tổ báo ghi thiếu"})
    assert answer.status_code == 302
    approval = Approval.objects.get(village=world.village, month=month)
    assert (approval.status, approval.reopen_reason) == ("reopened", "Tổ báo ghi thiếu")


def test_the_village_month_page_costs_the_same_queries_for_two_entries_or_twenty(world: Any) -> None:
    month, _made = month_of_patrols(world, 2)
    client = officer(world)
    url = f"/nhat-ky-xa/{world.commune.ident}/thang/?thon={world.village.ident}&thang={month:%Y-%m}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    month_of_patrols(world, 18)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_home_inbox_costs_the_same_queries_whatever_the_number_of_entries(world: Any) -> None:
    client = officer(world)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    month_of_patrols(world, 20)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few)
