from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.journal import services
from tuquan.journal.models import Aggregate, Approval, Entry

pytestmark = pytest.mark.django_db

API = "/api/v1"


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=body, content_type="application/json")


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=1)


def patrol(world: Any, **body: Any) -> dict[str, Any]:
    return {
        "team": str(world.team.uid),
        "village_id": world.village.ident,
        "kind": "patrol",
        "occurred_on": days_ago(40).isoformat(),
        "participants": [str(world.person.uid)],
        "member_turns": 1,
        **body,
    }


def record(world: Any, kind: str = "patrol", on: date | None = None, **fields: Any) -> Entry:
    """An entry of world.team recorded by the console."""
    if kind == "patrol":
        fields.setdefault("member_turns", 1)
    return services.entry_record(
        actor=CONSOLE,
        team=world.team,
        village=world.village,
        kind=kind,
        occurred_on=on or days_ago(40),
        participants=[world.person] if kind == "patrol" else [],
        **fields,
    )


# --- recording ---------------------------------------------------------------------------------


def test_the_leader_records_a_patrol_through_the_api_and_the_officer_verifies_it(world: Any) -> None:
    on = days_ago(40)
    response = send(
        api(world.linh),
        "post",
        f"{API}/entries",
        patrol(
            world,
            occurred_on=on.isoformat(),
            started_at=f"{on.isoformat()}T21:00:00",
            ended_at=f"{(on + timedelta(days=1)).isoformat()}T01:30:00",
            other_participants=2,
            member_turns=3,
            note="Tuần tra đường liên bản",
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["kind_label"], body["occurred_on"]) == ("patrol", "Tuần tra", on.isoformat())
    assert (body["member_turns"], body["other_participants"], body["participant_count"]) == (3, 2, 1)
    assert body["participants"] == [{"uid": str(world.person.uid), "full_name": "Lò Văn Tổ"}]
    assert (body["status"], body["locked"], body["month_status"]) == ("submitted", False, None)
    assert body["bullets"] is None and body["tip_valuable"] is None  # fields of other kinds stay empty
    entry = Entry.objects.get(uid=body["uid"])
    assert entry.created_by == world.linh
    # A time without a zone is the local time of the patrol.
    assert timezone.localtime(entry.started_at).hour == 21
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(entry.pk), actor=world.linh
    ).exists()

    verified = send(api(world.alice), "post", f"{API}/entries/{body['uid']}/review", {"verdict": "verified"})
    assert verified.status_code == 200, verified.json()
    assert verified.json()["status"] == "verified"
    entry.refresh_from_db()
    assert (entry.status, entry.reviewed_by) == ("verified", world.alice)


def test_the_answer_to_a_write_is_what_reading_the_entry_back_gives(world: Any) -> None:
    """The write answers from what it wrote, without reading the entry again: each kind's
    fields, the participants, the times (in UTC, as stored) and the month's state, reopened
    here, must be those a read gives."""
    on = days_ago(40)
    services.month_approve(actor=world.alice, village=world.village, month=on)
    services.month_reopen(actor=world.alice, village=world.village, month=on, reason="Bổ sung")
    leader = api(world.linh)
    evening = {"started_at": f"{on.isoformat()}T21:00:00", "ended_at": f"{on.isoformat()}T23:30:00+07:00"}
    bodies = [
        patrol(world, occurred_on=on.isoformat(), other_participants=1, member_turns=2, **evening),
        {
            "team": str(world.team.uid),
            "village_id": world.village.ident,
            "kind": "arrest",
            "occurred_on": on.isoformat(),
            "cases": 1,
            "suspects": 2,
            "offence": "Trộm cắp tài sản",
        },
    ]
    for body in bodies:
        written = send(leader, "post", f"{API}/entries", body)
        assert written.status_code == 201, written.json()
        read = leader.get(f"{API}/entries/{written.json()['uid']}")
        assert written.json() == read.json()
        assert read.json()["month_status"] == "reopened"


def indicator(world: Any, code: str, on: date) -> Any:
    out = StringIO()
    start, end = on.replace(day=1).isoformat(), on.isoformat()
    call_command(
        "indicators",
        "--area",
        world.province.ident,
        "--from",
        start,
        "--to",
        end,
        "--format",
        "json",
        stdout=out,
    )
    return json.loads(out.getvalue())["indicators"][code]


def test_a_patrol_recorded_twice_is_deleted_with_a_reason_and_leaves_the_figures(world: Any) -> None:
    on = days_ago(40)
    before = indicator(world, "patrols.member_turns", on)
    twice = record(world, on=on, member_turns=4, other_participants=4)
    assert indicator(world, "patrols.member_turns", on) == before + 4
    url = f"{API}/entries/{twice.uid}"

    refused = api(world.linh).delete(url)
    assert refused.status_code == 422 and "lý do" in str(refused.json()["detail"])
    assert Entry.objects.filter(pk=twice.pk).exists()

    too_long = api(world.linh).delete(f"{url}?reason={'x' * 201}")
    assert too_long.status_code == 422 and "200" in str(too_long.json()["detail"])
    assert api(world.minh).delete(f"{url}?reason=ghi%20tr%C3%B9ng").status_code == 403  # a member only reads
    assert api(world.linh).delete(f"{url}?reason=ghi%20tr%C3%B9ng").status_code == 204
    assert not Entry.objects.filter(pk=twice.pk).exists()
    assert indicator(world, "patrols.member_turns", on) == before
    audit = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(twice.pk))
    assert (audit.actor, audit.details["reason"]) == (world.linh, "ghi trùng")
    assert api(world.linh).delete(f"{url}?reason=again").status_code == 404
    call_command("rollups", "--verify")


def test_a_checked_entry_is_deleted_only_by_the_commune_and_an_approved_month_by_nobody(world: Any) -> None:
    entry = record(world, on=last_month())
    services.entry_review(actor=CONSOLE, entry=entry, verdict="verified")
    url = f"{API}/entries/{entry.uid}?reason=ghi%20nh%E1%BA%A7m"
    leader = api(world.linh).delete(url)
    assert leader.status_code == 422 and "cán bộ xã" in str(leader.json()["detail"])
    for other in Entry.objects.filter(village=world.village, occurred_on__gte=last_month().replace(day=1)):
        services.entry_review(actor=CONSOLE, entry=other, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=last_month())
    locked = api(world.alice).delete(url)
    assert locked.status_code == 422 and "đã được duyệt" in str(locked.json()["detail"])
    services.month_reopen(
        actor=world.alice, village=world.village, month=last_month(), reason="Xoá bản ghi nhầm"
    )
    assert api(world.alice).delete(url).status_code == 204
    call_command("rollups", "--verify")


def test_the_leader_deletes_from_the_entry_page_after_giving_a_reason(world: Any) -> None:
    entry = record(world, on=days_ago(35))
    client = api(world.linh)
    page = client.get(f"/hoat-dong/{entry.uid}/")
    assert f"/hoat-dong/{entry.uid}/xoa/" in page.content.decode()
    asked = client.post(f"/hoat-dong/{entry.uid}/xoa/", {"reason": " "})
    assert asked.status_code == 422 and "Lý do xoá" in asked.content.decode()
    done = client.post(f"/hoat-dong/{entry.uid}/xoa/", {"reason": "Ghi nhầm tổ"})
    assert done.status_code == 302 and done["Location"] == f"/nhat-ky/{world.team.uid}/"
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_a_returned_entry_goes_back_to_checking_once_the_leader_corrects_it(world: Any) -> None:
    url = f"{API}/entries/{world.entry.uid}"
    no_reason = send(api(world.alice), "post", f"{url}/review", {"verdict": "returned"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == {"comment": ["Ghi lý do trả lại."]}

    returned = send(
        api(world.alice), "post", f"{url}/review", {"verdict": "returned", "comment": "Thiếu giờ tuần tra"}
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Thiếu giờ tuần tra"
    on = world.entry.occurred_on.isoformat()
    corrected = send(
        api(world.linh),
        "patch",
        url,
        {"started_at": f"{on}T20:00:00+07:00", "ended_at": f"{on}T23:00:00+07:00"},
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["status"] == "submitted"
    assert corrected.json()["member_turns"] == 1  # fields not sent are kept


def test_a_figure_of_another_kind_is_refused_by_name_and_nothing_is_written(world: Any) -> None:
    before = Entry.objects.count()
    response = send(
        api(world.linh),
        "post",
        f"{API}/entries",
        {**patrol(world, kind="meeting", member_turns=None), "bullets": 3},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"bullets": ["Không thuộc loại hoạt động “Sinh hoạt”."]}
    assert Entry.objects.count() == before


def test_an_impossible_patrol_is_refused_before_saving_and_each_error_names_its_field(world: Any) -> None:
    on = days_ago(40).isoformat()
    response = send(
        api(world.linh),
        "post",
        f"{API}/entries",
        patrol(world, member_turns=9, started_at=f"{on}T22:00:00+07:00", ended_at=f"{on}T21:00:00+07:00"),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["ended_at"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    # One member on the roster, nobody else: at most 1 member-turn in a day.
    assert errors["member_turns"] == ["Lượt người (9) lớn hơn số người × số ngày (1)."]

    kind = send(api(world.linh), "post", f"{API}/entries", patrol(world, kind="poppy", member_turns=None))
    assert kind.status_code == 422
    assert "kind" in kind.json()["errors"]  # a patrol team does not destroy poppy fields


def test_an_unusually_high_figure_is_saved_only_once_confirmed(world: Any) -> None:
    body = {**patrol(world, kind="items", member_turns=None), "participants": [], "bullets": 5000}
    refused = send(api(world.linh), "post", f"{API}/entries", body)
    assert refused.status_code == 422
    assert "xác nhận số liệu" in refused.json()["errors"]["bullets"][0]
    confirmed = send(api(world.linh), "post", f"{API}/entries", {**body, "confirm": True})
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["bullets"] == 5000


def test_the_team_member_reads_the_journal_but_neither_records_nor_sees_who_took_part(world: Any) -> None:
    client = api(world.minh)
    seen = client.get(f"{API}/entries/{world.entry.uid}").json()
    assert seen["participants"] == [] and seen["participant_count"] == 1
    assert send(client, "post", f"{API}/entries", patrol(world, participants=[])).status_code == 403
    assert send(client, "patch", f"{API}/entries/{world.entry.uid}", {"note": "x"}).status_code == 403
    assert client.get(f"{API}/entries", {"team": str(world.team.uid)}).json()["count"] == 1


def test_the_leader_cannot_name_a_participant_from_outside_her_area(world: Any) -> None:
    response = send(
        api(world.linh), "post", f"{API}/entries", patrol(world, participants=[str(world.far_person.uid)])
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoặc nằm ngoài địa bàn của bạn."


# --- tips ----------------------------------------------------------------------------------------


def test_only_the_commune_officer_assesses_a_tip_and_only_a_tip_is_assessed(world: Any) -> None:
    created = send(
        api(world.linh),
        "post",
        f"{API}/entries",
        {**patrol(world, kind="tip", member_turns=None), "participants": [], "tip_category": "drugs"},
    )
    assert created.status_code == 201, created.json()
    url = f"{API}/entries/{created.json()['uid']}/assessment"
    assert send(api(world.linh), "post", url, {"valuable": True}).status_code == 403
    assessed = send(api(world.alice), "post", url, {"valuable": True})
    assert assessed.status_code == 200
    assert assessed.json()["tip_valuable"] is True
    patrol_assessed = send(
        api(world.alice), "post", f"{API}/entries/{world.entry.uid}/assessment", {"valuable": False}
    )
    assert patrol_assessed.status_code == 422
    assert patrol_assessed.json()["detail"] == "Chỉ đánh giá được thông tin cung cấp."


def test_the_leader_cannot_declare_her_own_tip_valuable(world: Any) -> None:
    body = {**patrol(world, kind="tip", member_turns=None), "tip_category": "theft", "tip_valuable": True}
    created = send(api(world.linh), "post", f"{API}/entries", body)
    assert created.status_code == 201
    assert created.json()["tip_valuable"] is None  # the officer's assessment, not an input


# --- lists -----------------------------------------------------------------------------------------


def test_entries_are_filtered_by_team_area_kind_status_and_dates(world: Any) -> None:
    # Days around the world's patrol (three days before this month began, so at least three
    # days ago): a fixed "ten days ago" would fall before it in a month's first week.
    patrol_day = world.entry.occurred_on
    meeting = record(world, "meeting", on=patrol_day - timedelta(days=100))
    tip = record(world, "tip", on=patrol_day + timedelta(days=1), tip_category="drugs")
    client = api(world.sam)

    def uids(**params: Any) -> list[str]:
        return [e["uid"] for e in client.get(f"{API}/entries", params).json()["items"]]

    assert uids(team=str(world.team.uid)) == [str(tip.uid), str(world.entry.uid), str(meeting.uid)]
    assert uids(area=world.village.ident, kind="meeting") == [str(meeting.uid)]
    assert uids(area=world.far_commune.ident) == [str(world.far_entry.uid)]
    assert uids(team=str(world.team.uid), **{"from": tip.occurred_on.isoformat()}) == [str(tip.uid)]
    assert uids(team=str(world.team.uid), to=(patrol_day - timedelta(days=50)).isoformat()) == [
        str(meeting.uid)
    ]
    services.entry_review(actor=CONSOLE, entry=tip, verdict="verified")
    assert uids(team=str(world.team.uid), status="verified") == [str(tip.uid)]
    page = client.get(f"{API}/entries", {"team": str(world.team.uid), "limit": "1", "offset": "1"}).json()
    assert [e["uid"] for e in page["items"]] == [str(world.entry.uid)] and page["count"] == 3
    assert client.get(f"{API}/entries", {"status": "lost"}).status_code == 422


def test_another_communes_officer_cannot_list_a_team_he_does_not_see(world: Any) -> None:
    assert api(world.bob).get(f"{API}/entries", {"team": str(world.team.uid)}).status_code == 404
    assert api(world.bob).get(f"{API}/entries").json()["count"] == 0


def test_listing_entries_takes_the_same_number_of_queries_for_3_or_30(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(world.alice)
    url = f"{API}/entries?team={world.team.uid}"
    record(world, on=days_ago(41))
    record(world, "tip", on=days_ago(42), tip_category="theft")
    client.get(url)  # the session and the user, loaded once
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).json()["count"] == 3
    for n in range(27):
        record(world, on=days_ago(43 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).json()
    assert body["count"] == 30 and all(
        e["participant_count"] == 1 for e in body["items"] if e["kind"] == "patrol"
    )


# --- approval ------------------------------------------------------------------------------------


def test_an_approved_month_cannot_be_edited_through_the_api_until_it_is_reopened(world: Any) -> None:
    entry_url = f"{API}/entries/{world.entry.uid}"
    month = f"{world.entry.occurred_on:%Y-%m}"
    officer, leader = api(world.alice), api(world.linh)
    approve = {"village_id": world.village.ident, "month": month, "action": "approve"}

    unchecked = send(officer, "post", f"{API}/approvals", approve)
    assert unchecked.status_code == 422
    assert unchecked.json()["detail"] == "Còn 1 hoạt động chưa kiểm tra ở Bản Nà Khoang."
    send(officer, "post", f"{entry_url}/review", {"verdict": "verified"})
    approved = send(officer, "post", f"{API}/approvals", approve)
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["locked"], approved.json()["pending"]) == (
        "approved",
        True,
        0,
    )
    assert approved.json()["approved_by"] == "Alice"

    before = Entry.objects.get(pk=world.entry.pk)
    edit = send(leader, "patch", entry_url, {"note": "Sửa sau khi duyệt"})
    assert edit.status_code == 422
    assert edit.json()["detail"].endswith("đã được duyệt: cần người duyệt mở lại trước khi sửa.")
    after = Entry.objects.get(pk=world.entry.pk)
    assert (after.note, after.updated_at) == (before.note, before.updated_at)
    assert leader.get(entry_url).json()["locked"] is True
    # Nor can anything be added to, returned in, or assessed in the locked month.
    added = send(
        leader, "post", f"{API}/entries", patrol(world, occurred_on=world.entry.occurred_on.isoformat())
    )
    assert added.status_code == 422
    assert (
        send(officer, "post", f"{entry_url}/review", {"verdict": "returned", "comment": "x"}).status_code
        == 422
    )
    assert Entry.objects.filter(team=world.team).count() == 1

    reopen = {**approve, "action": "reopen"}
    assert send(officer, "post", f"{API}/approvals", reopen).json()["errors"] == {
        "reason": ["Ghi lý do mở lại."]
    }
    reopened = send(officer, "post", f"{API}/approvals", {**reopen, "reason": "Tổ bổ sung ghi chú"})
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["locked"]) == ("reopened", False)
    assert reopened.json()["reopen_reason"] == "Tổ bổ sung ghi chú"
    edited = send(leader, "patch", entry_url, {"note": "Sửa sau khi mở lại"})
    assert edited.status_code == 200, edited.json()
    assert Entry.objects.get(pk=world.entry.pk).note == "Sửa sau khi mở lại"


def test_the_province_accepts_an_approved_month_and_only_the_province_reopens_it(world: Any) -> None:
    services.entry_review(actor=CONSOLE, entry=world.entry, verdict="verified")
    month = f"{world.entry.occurred_on:%Y-%m}"
    body = {"village_id": world.village.ident, "month": month}
    too_early = send(api(world.dana), "post", f"{API}/approvals", {**body, "action": "accept"})
    assert too_early.status_code == 422
    assert send(api(world.dana), "post", f"{API}/approvals", {**body, "action": "approve"}).status_code == 403
    send(api(world.alice), "post", f"{API}/approvals", {**body, "action": "approve"})
    assert send(api(world.alice), "post", f"{API}/approvals", {**body, "action": "accept"}).status_code == 403

    accepted = send(api(world.dana), "post", f"{API}/approvals", {**body, "action": "accept"})
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["accepted_by"]) == ("accepted", "Dana")
    reopen = {**body, "action": "reopen", "reason": "Sai số lượt"}
    assert send(api(world.alice), "post", f"{API}/approvals", reopen).status_code == 403
    assert send(api(world.dana), "post", f"{API}/approvals", reopen).json()["status"] == "reopened"


def test_the_officer_sees_every_village_of_the_commune_with_its_months_state(world: Any) -> None:
    from tuquan.core import services as core_services

    second = core_services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Nà Hạ")
    month = world.entry.occurred_on.replace(day=1)
    services.entry_review(actor=CONSOLE, entry=world.entry, verdict="verified")
    services.month_approve(actor=CONSOLE, village=world.village, month=month)
    listed = api(world.alice).get(
        f"{API}/approvals", {"area": world.commune.ident, "month": f"{month:%Y-%m}"}
    )
    assert listed.status_code == 200
    rows = {r["village_id"]: r for r in listed.json()["items"]}
    assert set(rows) == {world.village.ident, second.ident} and listed.json()["count"] == 2
    assert (rows[world.village.ident]["status"], rows[world.village.ident]["month"]) == (
        "approved",
        f"{month}",
    )
    assert (rows[second.ident]["status"], rows[second.ident]["locked"]) == (None, False)
    # Without a month, last month; a bad month is refused by the schema.
    assert api(world.alice).get(f"{API}/approvals", {"area": world.commune.ident}).json() == listed.json()
    assert api(world.alice).get(f"{API}/approvals", {"area": "04099", "month": "2025-13"}).status_code == 422
    # The province staff sees the whole province's villages.
    province = api(world.dana).get(
        f"{API}/approvals", {"area": world.province.ident, "month": f"{month:%Y-%m}"}
    )
    assert world.village.ident in {r["village_id"] for r in province.json()["items"]}


def test_a_commune_is_not_a_village_to_approve(world: Any) -> None:
    month = f"{last_month():%Y-%m}"
    response = send(
        api(world.alice),
        "post",
        f"{API}/approvals",
        {"village_id": "04099", "month": month, "action": "approve"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"village_id": ["Chọn một thôn, tổ dân phố."]}
    assert not Approval.objects.exists()


# --- aggregates ------------------------------------------------------------------------------------


def test_the_officer_enters_a_years_total_which_then_blocks_records_of_that_year(world: Any) -> None:
    year = timezone.localdate().year - 6
    created = send(
        api(world.alice),
        "post",
        f"{API}/aggregates",
        {
            "area_id": world.commune.ident,
            "indicator": "patrols.count",
            "period_kind": "year",
            "period_start": f"{year}-05-01",
            "value": 120,
            "note": "Báo cáo tổng kết năm",
        },
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["period_start"], created.json()["period_end"]) == (
        f"{year}-01-01",
        f"{year}-12-31",
    )
    assert created.json()["value"] == 120
    listed = api(world.alice).get(f"{API}/aggregates", {"area": world.commune.ident}).json()
    assert [a["uid"] for a in listed["items"]] == [created.json()["uid"]]
    assert (
        api(world.alice)
        .get(f"{API}/aggregates", {"area": "04099", "indicator": "tips.count"})
        .json()["count"]
        == 0
    )

    figures = api(world.alice).get(
        f"{API}/indicators", {"area": world.commune.ident, "from": f"{year}-01-01", "to": f"{year}-12-31"}
    )
    assert figures.json()["indicators"]["patrols.count"] == 120
    assert figures.json()["notes"]["patrols.count"].startswith("Nguồn: tổng hợp nhập tay")

    refused = send(api(world.linh), "post", f"{API}/entries", patrol(world, occurred_on=f"{year}-06-01"))
    assert refused.status_code == 422
    assert "occurred_on" in refused.json()["errors"]


def test_a_total_is_refused_where_records_already_exist(world: Any) -> None:
    month = world.entry.occurred_on
    response = send(
        api(world.alice),
        "post",
        f"{API}/aggregates",
        {
            "area_id": world.village.ident,
            "indicator": "patrols.member_turns",
            "period_kind": "month",
            "period_start": month.isoformat(),
            "value": 10,
        },
    )
    assert response.status_code == 422
    assert "lấy từ ghi chép" in response.json()["detail"]
    assert not Aggregate.objects.exists()


# --- indicators ------------------------------------------------------------------------------------


def test_the_indicators_answer_the_json_contract_for_what_the_user_sees(world: Any) -> None:
    params: dict[str, Any] = {
        "area": world.commune.ident,
        "from": last_month().replace(day=1).isoformat(),
        "to": last_month().isoformat(),
    }
    body = api(world.alice).get(f"{API}/indicators", params).json()
    assert list(body) == ["area", "from", "to", "indicators", "notes"]
    assert body["area"] == {"id": "04099", "name": "Phiêng Khoài"}
    assert (body["from"], body["to"]) == (params["from"], params["to"])
    assert body["indicators"]["patrols.count"] == 1
    assert set(body["indicators"]["reporting.completeness"]) == {"numerator", "denominator", "ratio"}
    assert body["notes"]["journal.unapproved"] == "1 hoạt động trong kỳ chưa được duyệt."
    approved = api(world.alice).get(f"{API}/indicators", {**params, "approved_only": "true"}).json()
    assert approved["indicators"]["patrols.count"] == 0
    assert approved["notes"]["patrols.count"].endswith("chỉ số liệu đã duyệt.")

    inverted = api(world.alice).get(f"{API}/indicators", {**params, "from": "2025-02-01", "to": "2025-01-01"})
    assert inverted.status_code == 422
    assert inverted.json()["errors"] == {"to": ["Ngày cuối kỳ trước ngày đầu kỳ."]}


# --- the done-when: a patrol team's four years ------------------------------------------------------


# About 7 s alone, 12 s on a loaded machine, on purpose: the four years are 340 API requests,
# each a whole write with its audit entry, rollups and stocks.
def test_a_patrol_teams_four_years_recorded_through_the_api_give_exactly_its_figures(world: Any) -> None:
    """315 patrols with 2,016 member-turns, 4 cases with 8 suspects, 11 tips of which 5
    valuable, 2 home-made guns, 45 bullets and 18 knives, recorded by the commune officer of
    Chiềng Hặc through the API, are what `tuquan indicators` reports for Chiềng Hặc."""
    officer = api(world.bob)
    commune, village = world.other_commune, world.other_village
    end = days_ago(1)
    start = end - timedelta(days=4 * 365)
    founded = (start - timedelta(days=365)).isoformat()

    team = send(
        officer,
        "post",
        f"{API}/teams",
        {
            "type": "tuan-tra-nhan-dan",
            "name": "Tổ tuần tra Bản Nà Kè",
            "home_area_id": commune.ident,
            "area_ids": [village.ident],
            "status": "active",
            "status_on": founded,
            "established_on": founded,
        },
    )
    assert team.status_code == 201, team.json()
    team_uid = team.json()["uid"]
    members = []
    for n in range(7):
        person = send(
            officer,
            "post",
            f"{API}/people",
            {"area_id": village.ident, "full_name": f"Thành viên số {n + 1}", "birth_year": 1980 + n},
        )
        members.append(person.json()["uid"])
        joined = send(
            officer,
            "post",
            f"{API}/teams/{team_uid}/memberships",
            {"person": members[-1], "role": "leader" if n == 0 else "member", "start_on": founded},
        )
        assert joined.status_code == 201, joined.json()

    def post(kind: str, on: date, **fields: Any) -> dict[str, Any]:
        body = {"team": team_uid, "village_id": village.ident, "kind": kind, "occurred_on": on.isoformat()}
        response = send(officer, "post", f"{API}/entries", {**body, **fields})
        assert response.status_code == 201, response.json()
        return dict(response.json())

    def spread(i: int, n: int, offset: int = 0) -> date:
        return start + timedelta(days=(i * 1460) // n + offset)

    # 126 patrols of the whole team of 7, 189 with 6 of them: 882 + 1,134 = 2,016 member-turns.
    for i in range(315):
        size = 7 if i % 5 < 2 else 6
        post("patrol", spread(i, 315), participants=members[:size], member_turns=size)
    for i, suspects in enumerate([2, 3, 1, 2]):
        post("arrest", spread(i, 4, 3), cases=1, suspects=suspects, offence="Trộm cắp tài sản")
    tips = [post("tip", spread(i, 11, 5), tip_category="drugs" if i % 2 else "theft") for i in range(11)]
    for i, tip in enumerate(tips[:8]):  # 5 valuable, 3 not, 3 never assessed
        url = f"{API}/entries/{tip['uid']}/assessment"
        assert send(officer, "post", url, {"valuable": i < 5}).status_code == 200
    post("items", spread(0, 3, 7), homemade_guns=1, bullets=20, knives=6)
    post("items", spread(1, 3, 7), homemade_guns=1, bullets=25)
    post("items", spread(2, 3, 7), knives=12)

    out = StringIO()
    call_command(
        "indicators",
        "--area",
        commune.ident,
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--format",
        "json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    figures = printed["indicators"]
    assert {
        code: figures[code]
        for code in (
            "patrols.count",
            "patrols.member_turns",
            "arrests.cases",
            "arrests.suspects",
            "tips.count",
            "tips.valuable",
            "items.homemade_guns",
            "items.bullets",
            "items.knives",
        )
    } == {
        "patrols.count": 315,
        "patrols.member_turns": 2016,
        "arrests.cases": 4,
        "arrests.suspects": 8,
        "tips.count": 11,
        "tips.valuable": 5,
        "items.homemade_guns": 2,
        "items.bullets": 45,
        "items.knives": 18,
    }
    assert figures["items.guns"] == 0 and figures["meetings.count"] == 0
    assert printed["notes"]["patrols.count"] == "Nguồn: nhật ký; gồm cả số liệu chưa duyệt."
    # The API answers the same document as the command.
    asked = officer.get(
        f"{API}/indicators", {"area": commune.ident, "from": start.isoformat(), "to": end.isoformat()}
    )
    assert asked.json() == printed
