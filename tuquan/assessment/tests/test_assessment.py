"""The yearly assessment: criteria sets as versioned data, rounds proposed by the commune and
approved by the province, hotspots, the statutory team's yearly rating and its rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuquan.assessment import rules, selectors, services
from tuquan.assessment.indicators import paper_only_teams
from tuquan.assessment.models import CriteriaSet, Outcome, RatingLevel, RatingRules, RoundStatus, SetStatus
from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute as _compute

pytestmark = pytest.mark.django_db

YES = {"nghi-quyet": True, "khong-vu-viec": True, "phong-trao": True, "hoa-giai": True}


def compute(**kwargs: Any) -> dict[str, Any]:
    return _compute(**kwargs)["indicators"]


def residential() -> CriteriaSet:
    return CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1)


# --- criteria sets ----------------------------------------------------------------------------


def test_the_criteria_in_force_are_seeded_as_data_with_their_windows_and_deadlines() -> None:
    sets = {cs.code: cs for cs in CriteriaSet.objects.filter(status=SetStatus.ACTIVE)}
    assert set(sets) >= {
        "antt-khu-dan-cu",
        "antt-xa",
        "antt-co-quan-doanh-nghiep",
        "antt-truong-hoc",
        "nong-thon-moi-19-2",
    }
    village = sets["antt-khu-dan-cu"]
    assert "48/2025" in village.legal_basis
    assert rules.window(village, 2025) == (date(2024, 11, 1), date(2025, 10, 31))
    assert rules.deadline(village, 2025) == date(2025, 11, 20)
    assert rules.deadline(sets["antt-xa"], 2025) == date(2025, 11, 30)
    assert village.criteria.count() == 5
    assert sets["antt-xa"].criteria.get(code="mo-hinh").indicator == "teams.active"


def test_a_set_in_use_is_never_edited_the_province_adds_a_new_version(world: Any) -> None:
    used = residential()  # world.round uses it
    with pytest.raises(ValidationError):
        services.criterion_update(
            actor=world.charlie, criterion=used.criteria.get(code="dang-ky"), text="Khác"
        )
    with pytest.raises(PermissionDenied):
        services.criteria_set_new_version(actor=world.alice, base=used, criteria=[{"code": "a", "text": "A"}])
    new = services.criteria_set_new_version(
        actor=world.charlie,
        base=used,
        legal_basis="Thông tư mới",
        criteria=[
            {"code": "a", "text": "Tiêu chí A"},
            {"code": "b", "text": "Số vụ", "check_kind": "threshold"},
        ],
    )
    assert (new.version, new.status, new.supersedes) == (2, SetStatus.DRAFT, used)
    services.criterion_update(
        actor=world.charlie, criterion=new.criteria.get(code="a"), text="Tiêu chí A mới"
    )
    services.criteria_set_activate(actor=world.charlie, criteria_set=new)
    used.refresh_from_db()
    assert used.status == SetStatus.RETIRED
    assert list(used.criteria.values_list("code", flat=True)) == [
        "nghi-quyet",
        "dang-ky",
        "khong-vu-viec",
        "phong-trao",
        "hoa-giai",
    ]


# --- rounds -----------------------------------------------------------------------------------


def test_a_full_round_commune_proposes_province_approves_locks_and_reopens(world: Any) -> None:
    rnd = world.round
    assert rnd.status == RoundStatus.PROPOSED
    with pytest.raises(ValidationError):  # proposed: the commune can no longer change it
        services.result_record(actor=world.alice, round=rnd, area=world.village, answers=YES)
    with pytest.raises(PermissionDenied):
        services.round_approve(actor=world.alice, round=rnd, decision_number="1/QĐ")
    with pytest.raises(PermissionDenied):
        services.round_approve(actor=world.erin, round=rnd, decision_number="1/QĐ")
    with pytest.raises(ValidationError):
        services.round_approve(actor=world.charlie, round=rnd, decision_number=" ")
    services.round_approve(actor=world.charlie, round=rnd, decision_number="125/QĐ-UBND")
    assert (rnd.status, rnd.decision_number, rnd.approved_by) == (
        RoundStatus.APPROVED,
        "125/QĐ-UBND",
        world.charlie,
    )
    with pytest.raises(ValidationError):
        services.result_record(actor=world.alice, round=rnd, area=world.village, answers=YES)
    with pytest.raises(PermissionDenied):  # only the level that approved reopens
        services.round_reopen(actor=world.alice, round=rnd, reason="Sai số liệu")
    with pytest.raises(ValidationError):
        services.round_reopen(actor=world.charlie, round=rnd, reason="")
    services.round_reopen(actor=world.charlie, round=rnd, reason="Sai số liệu")
    result = services.result_record(
        actor=world.alice, round=rnd, area=world.village, answers={**YES, "hoa-giai": False}
    )
    assert result.outcome == Outcome.NOT_MET


def test_a_returned_round_opens_again_for_the_commune_with_the_reason(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.round_return(actor=world.charlie, round=world.round, reason="")
    services.round_return(actor=world.charlie, round=world.round, reason="Thiếu biên bản")
    assert world.round.note == "Thiếu biên bản"
    services.result_record(actor=world.alice, round=world.round, area=world.village, answers=YES)
    services.round_propose(actor=world.alice, round=world.round)
    assert world.round.status == RoundStatus.PROPOSED


def test_every_household_signed_is_derived_from_the_registry_commitments(world: Any) -> None:
    from tuquan.registry import services as registry

    result = world.round.results.get()
    # The world's one household has signed nothing: the derived criterion fails.
    assert result.answers["dang-ky"]["met"] is False
    assert result.outcome == Outcome.NOT_MET
    services.round_return(actor=world.charlie, round=world.round, reason="Ký cam kết")
    registry.commitment_record(
        actor=CONSOLE, household=world.household, team=world.team, signed_on=date(2025, 3, 1)
    )
    result = services.result_record(actor=world.alice, round=world.round, area=world.village, answers=YES)
    assert result.answers["dang-ky"] == {"value": 1.0, "met": True}
    assert result.outcome == Outcome.MET


def test_a_commune_needs_at_least_one_working_model(world: Any) -> None:
    commune_set = CriteriaSet.objects.get(code="antt-xa", version=1)
    rnd = services.round_open(actor=world.alice, criteria_set=commune_set, commune=world.commune, year=2025)
    answers = {"nghi-quyet": True, "khu-dan-cu": "80", "khong-vu-viec": True, "vi-pham": True}
    result = services.result_record(actor=world.alice, round=rnd, area=world.commune, answers=answers)
    assert result.answers["mo-hinh"]["met"] is True  # world.team patrols Bản Nà Khoang
    assert result.answers["khu-dan-cu"] == {"value": "80", "met": True}
    bare = services.round_open(
        actor=world.bob, criteria_set=commune_set, commune=world.other_commune, year=2025
    )
    result = services.result_record(actor=world.bob, round=bare, area=world.other_commune, answers=answers)
    assert result.answers["mo-hinh"]["met"] is False
    assert result.outcome == Outcome.NOT_MET
    with pytest.raises(ValidationError):  # a threshold needs a number
        services.result_record(
            actor=world.bob, round=bare, area=world.other_commune, answers={**answers, "khu-dan-cu": "nhiều"}
        )
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=world.alice, criteria_set=commune_set, commune=world.other_commune, year=2025
        )


def test_registered_units_are_assessed_against_their_own_set(world: Any) -> None:
    school = services.unit_create(
        actor=world.alice, commune=world.commune, kind="school", name="Trường THCS Phiêng Khoài"
    )
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=world.bob, commune=world.commune, kind="agency", name="UBND xã")
    schools = CriteriaSet.objects.get(code="antt-truong-hoc", version=1)
    rnd = services.round_open(actor=world.alice, criteria_set=schools, commune=world.commune, year=2025)
    answers = {"ke-hoach": True, "ma-tuy": True, "bao-luc": True, "vi-pham": "0"}
    assert services.result_record(actor=world.alice, round=rnd, unit=school, answers=answers).outcome == "met"
    answers["vi-pham"] = "2"
    assert (
        services.result_record(actor=world.alice, round=rnd, unit=school, answers=answers).outcome
        == "not_met"
    )
    firm = services.unit_create(
        actor=world.alice, commune=world.commune, kind="enterprise", name="Công ty chè"
    )
    with pytest.raises(ValidationError):
        services.result_record(actor=world.alice, round=rnd, unit=firm, answers=answers)


def test_approved_results_give_the_ratios_by_kind_and_the_commendation_list(world: Any) -> None:
    from tuquan.registry import services as registry

    services.round_return(actor=world.charlie, round=world.round, reason="Ký cam kết")
    registry.commitment_record(
        actor=CONSOLE, household=world.household, team=world.team, signed_on=date(2025, 3, 1)
    )
    services.result_record(actor=world.alice, round=world.round, area=world.village, answers=YES)
    other = services.round_open(
        actor=world.bob, criteria_set=residential(), commune=world.other_commune, year=2025
    )
    services.result_record(actor=world.bob, round=other, area=world.other_village, answers=YES)
    for rnd in (world.round, other):
        services.round_propose(actor=CONSOLE, round=rnd)
        services.round_approve(actor=world.charlie, round=rnd, decision_number="9/QĐ-UBND")
    figures = compute(
        actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert figures["assessment.units"] == 2
    assert figures["assessment.met"] == {"numerator": 1, "denominator": 2, "ratio": 0.5}
    assert figures["assessment.met.by_kind"]["residential"]["ratio"] == 0.5
    # alice sees only her commune's; a year without a window ending in it has none.
    mine = compute(actor=world.alice, area=world.commune, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert mine["assessment.met"]["ratio"] == 1.0
    before = compute(actor=world.charlie, area=world.province, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert before["assessment.units"] == 0
    proposals = list(selectors.commendation_proposals(world.charlie, year=2025))
    assert [r.area for r in proposals] == [world.village]


# --- hotspots -----------------------------------------------------------------------------------


def test_a_hotspot_is_followed_until_its_plan_is_done_and_it_is_recognised(world: Any) -> None:
    hotspot = world.hotspot
    end = date(2025, 12, 31)
    figures = compute(actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=end)
    assert figures["hotspots.declared"] == 1
    assert figures["hotspots.transformed"]["numerator"] == 0
    with pytest.raises(ValidationError):  # a task is still open
        services.hotspot_transform(
            actor=world.charlie, hotspot=hotspot, on=date(2025, 9, 1), decision_number="7"
        )
    services.hotspot_task_done(actor=world.alice, task=hotspot.tasks.get(), done_on=date(2025, 6, 1))
    with pytest.raises(PermissionDenied):  # the province recognises it
        services.hotspot_transform(
            actor=world.alice, hotspot=hotspot, on=date(2025, 9, 1), decision_number="7"
        )
    services.hotspot_transform(
        actor=world.charlie, hotspot=hotspot, on=date(2025, 9, 1), decision_number="7/QĐ"
    )
    figures = compute(actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=end)
    assert figures["hotspots.transformed"] == {"numerator": 1, "denominator": 1, "ratio": 1.0}
    assert (
        compute(actor=world.bob, area=world.other_commune, start=date(2025, 1, 1), end=end)[
            "hotspots.declared"
        ]
        == 0
    )


# --- the statutory team's yearly rating ---------------------------------------------------------


def _force(world: Any, members: int, *, start_on: date = date(2024, 7, 1)) -> tuple[Any, list[Any]]:
    from tuquan.registry import services as registry
    from tuquan.registry.models import Membership, ModelType

    team = registry.team_create(
        actor=CONSOLE,
        model_type=ModelType.objects.get(code="to-bao-ve-antt"),
        name="Tổ bảo vệ ANTT bản Nà Khoang",
        home_area=world.commune,
        areas=[world.village],
        status="active",
        established_on=date(2024, 7, 1),
        decision_number="30/QĐ-UBND",
    )
    made = []
    for i in range(members):
        person = registry.person_create(
            actor=CONSOLE, full_name=f"Thành viên số {i}", area=world.village, birth_year=1980 + i
        )
        made.append(
            Membership.objects.create(
                team=team, person=person, role="leader" if i == 0 else "member", start_on=start_on
            )
        )
    return team, made


def test_the_rating_period_runs_from_15_11_to_14_11() -> None:
    assert services.rating_period(2025) == (date(2024, 11, 15), date(2025, 11, 14))


def test_four_levels_and_the_decision_number_is_required(world: Any) -> None:
    team, (_leader, member, *_rest) = _force(world, 5)
    with pytest.raises(ValidationError):
        services.rating_record(actor=world.alice, team=team, year=2025, level="done", decision_number="")
    with pytest.raises(ValidationError):
        services.rating_record(actor=world.alice, team=team, year=2025, level="great", decision_number="1/QĐ")
    with pytest.raises(PermissionDenied):
        services.rating_record(actor=world.bob, team=team, year=2025, level="done", decision_number="1/QĐ")
    with pytest.raises(ValidationError):  # only the statutory team is rated this way
        services.rating_record(
            actor=world.alice, team=world.team, year=2025, level="done", decision_number="1"
        )
    rating = services.rating_record(
        actor=world.alice, team=team, year=2025, level="good", decision_number="12/QĐ"
    )
    assert (rating.level, rating.decision_number) == (RatingLevel.GOOD, "12/QĐ")
    for level in ("good", "done", "not_done"):
        services.rating_record(
            actor=world.alice, team=team, membership=member, year=2025, level=level, decision_number="12/QĐ"
        )
    figures = compute(actor=world.alice, area=world.commune, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert figures["force.rating.not_done"] == 1
    assert figures["rating.teams.by_level"]["good"] == 1


def test_not_rated_when_active_under_nine_months(world: Any) -> None:
    team, (_leader, old, *_rest) = _force(world, 3)
    from tuquan.registry import services as registry
    from tuquan.registry.models import Membership

    newcomer = registry.person_create(
        actor=CONSOLE, full_name="Người mới vào", area=world.village, birth_year=1990
    )
    late = Membership.objects.create(team=team, person=newcomer, role="member", start_on=date(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.rating_record(
            actor=world.alice, team=team, membership=late, year=2025, level="good", decision_number="1/QĐ"
        )
    rating = services.rating_record(
        actor=world.alice, team=team, membership=late, year=2025, level="", decision_number="1/QĐ"
    )
    assert rating.level == "" and "9" in rating.not_rated_reason
    # from 15/11/2024 to 14/11/2025, joining 14/02/2025 is exactly nine months: rated.
    old.start_on = date(2025, 2, 14)
    old.save()
    services.rating_record(
        actor=world.alice, team=team, membership=old, year=2025, level="done", decision_number="1"
    )


def test_not_rated_while_under_complaint(world: Any) -> None:
    team, (_leader, member, *_rest) = _force(world, 3)
    with pytest.raises(ValidationError):
        services.rating_record(
            actor=world.alice,
            team=team,
            membership=member,
            year=2025,
            level="done",
            decision_number="1/QĐ",
            under_complaint=True,
        )
    rating = services.rating_record(
        actor=world.alice,
        team=team,
        membership=member,
        year=2025,
        level="",
        decision_number="1/QĐ",
        under_complaint=True,
    )
    assert rating.not_rated_reason == "Đang có khiếu nại"
    figures = compute(actor=world.alice, area=world.commune, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert figures["force.rating.not_rated"] == 1


def test_the_leader_is_not_rated_above_the_team(world: Any) -> None:
    team, (leader, *_rest) = _force(world, 5)
    with pytest.raises(ValidationError):  # the team first
        services.rating_record(
            actor=world.alice, team=team, membership=leader, year=2025, level="done", decision_number="1"
        )
    services.rating_record(actor=world.alice, team=team, year=2025, level="good", decision_number="1")
    with pytest.raises(ValidationError, match="cao hơn tổ"):
        services.rating_record(
            actor=world.alice, team=team, membership=leader, year=2025, level="excellent", decision_number="1"
        )
    services.rating_record(
        actor=world.alice, team=team, membership=leader, year=2025, level="good", decision_number="1"
    )


def test_the_excellent_quota_is_enforced(world: Any) -> None:
    team, members = _force(world, 10)
    RatingRules.objects.create(province=world.province, excellent_quota_percent=20)
    services.rating_record(
        actor=world.alice, team=team, year=2025, level="excellent", decision_number="1"
    ) if False else None
    for m in members[1:3]:  # 20% of 10 members: two
        services.rating_record(
            actor=world.alice, team=team, membership=m, year=2025, level="excellent", decision_number="1"
        )
    with pytest.raises(ValidationError, match="tối đa 2"):
        services.rating_record(
            actor=world.alice,
            team=team,
            membership=members[3],
            year=2025,
            level="excellent",
            decision_number="1",
        )
    # Re-recording one already counted is not a new one.
    services.rating_record(
        actor=world.alice, team=team, membership=members[1], year=2025, level="excellent", decision_number="2"
    )
    figures = compute(
        actor=world.charlie, area=world.province, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert figures["force.rating.excellent"] == 2


def test_an_excellent_rating_is_tied_to_the_registry_commendation(world: Any) -> None:
    team, members = _force(world, 5)
    rating = services.rating_record(
        actor=world.alice, team=team, membership=members[1], year=2025, level="excellent", decision_number="1"
    )
    commendation = services.rating_commend(
        actor=world.alice,
        rating=rating,
        level="commune",
        decision_number="44/QĐ-UBND",
        awarded_on=date(2025, 12, 1),
    )
    rating.refresh_from_db()
    assert rating.commendation == commendation
    assert commendation.person == members[1].person


# --- teams without verified activity --------------------------------------------------------------


def test_paper_only_lists_active_teams_without_verified_activity(world: Any) -> None:
    from django.utils import timezone

    from tuquan.journal.services import entry_review

    today = timezone.localdate()
    # world.team's only patrol is not verified yet: paper only.
    assert [t.pk for t in paper_only_teams(world.charlie, world.province, today)] == [world.team.pk]
    entry_review(actor=world.alice, entry=world.entry, verdict="verified")
    assert paper_only_teams(world.charlie, world.province, today) == []
    assert compute(actor=world.erin, area=world.far_province, start=today, end=today)["teams.paper_only"] == 1


# --- pages and API ------------------------------------------------------------------------------


def test_the_province_approves_on_the_page_and_a_bad_post_keeps_the_input(client: Any, world: Any) -> None:
    client.force_login(world.charlie)
    page = client.get(f"/danh-gia/dot/{world.round.uid}/")
    assert page.status_code == 200 and "Phê duyệt" in page.content.decode()
    bad = client.post(f"/danh-gia/dot/{world.round.uid}/phe-duyet/", {"decision_date": "01/12/2025"})
    assert bad.status_code == 422 and "01/12/2025" in bad.content.decode()
    ok = client.post(
        f"/danh-gia/dot/{world.round.uid}/phe-duyet/",
        {"decision_number": "3/QĐ", "decision_date": "01/12/2025"},
    )
    assert ok.status_code == 302
    world.round.refresh_from_db()
    assert (world.round.status, world.round.decision_date) == (RoundStatus.APPROVED, date(2025, 12, 1))


def test_the_api_lists_rounds_and_takes_the_decision(client: Any, world: Any) -> None:
    client.force_login(world.charlie)
    rounds = client.get("/api/v1/assessment/rounds").json()
    assert [r["uid"] for r in rounds] == [str(world.round.uid)]
    got = client.post(
        f"/api/v1/assessment/rounds/{world.round.uid}/decision",
        {"action": "approve", "decision_number": "8/QĐ"},
        content_type="application/json",
    )
    assert got.status_code == 200 and got.json()["status"] == "approved" and got.json()["locked"]
    sets = client.get("/api/v1/assessment/criteria-sets").json()
    assert {s["code"] for s in sets} >= {"antt-khu-dan-cu", "nong-thon-moi-19-2"}


# --- grading the voluntary models' teams ----------------------------------------------------------


def _patrols(world: Any, days: list[date]) -> None:
    from tuquan.journal.services import entry_record, entry_review

    for day in days:
        entry = entry_record(
            actor=CONSOLE,
            team=world.team,
            village=world.village,
            kind="patrol",
            occurred_on=day,
            participants=[world.person],
            member_turns=1,
        )
        entry_review(actor=CONSOLE, entry=entry, verdict="verified")


def test_a_team_is_graded_from_its_verified_journal_with_the_reason_shown(world: Any) -> None:
    from tuquan.assessment.models import GradingRules

    grade = services.team_grade(actor=world.alice, team=world.team, year=2024)
    assert grade.grade == "weak" and grade.reason.startswith("0 hoạt động đã xác minh")
    _patrols(world, [date(2024, m, d) for m in range(1, 13) for d in (5, 12)])  # 2 a month, 12 months
    grade = services.team_grade(actor=world.alice, team=world.team, year=2024)
    assert (grade.computed, grade.grade) == ("fair", "fair")
    assert "24 hoạt động đã xác minh (2,0/tháng), có hoạt động 12/12 tháng" in grade.reason
    GradingRules.objects.create(province=world.province, good_per_month=2, good_months=12)
    assert services.team_grade(actor=world.alice, team=world.team, year=2024).grade == "good"
    with pytest.raises(ValidationError):  # the officer decides otherwise only with a note
        services.team_grade(actor=world.alice, team=world.team, year=2024, grade="average")
    grade = services.team_grade(
        actor=world.alice, team=world.team, year=2024, grade="average", note="Chỉ tuần tra, không có kết quả"
    )
    assert (grade.computed, grade.grade) == ("good", "average")
    with pytest.raises(PermissionDenied):
        services.team_grade(actor=world.bob, team=world.team, year=2024)
    figures = compute(
        actor=world.charlie, area=world.province, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    assert figures["teams.grade.average"] == 1 and figures["teams.grade.good"] == 0
    assert [g.team for g in selectors.team_grades(world.charlie, year=2024, grade="average")] == [world.team]
    assert list(selectors.team_grades(world.erin, year=2024)) == []


def test_the_province_sees_the_weak_and_the_paper_only_teams_of_its_area_only(
    client: Any, world: Any
) -> None:
    services.team_grade(actor=world.alice, team=world.team, year=2024)
    services.team_grade(actor=world.erin, team=world.far_team, year=2024)
    client.force_login(world.charlie)
    page = client.get("/danh-gia/xep-loai-to/?nam=2024").content.decode()
    assert world.team.name in page and world.far_team.name not in page
    grades = client.get("/api/v1/assessment/team-grades?year=2024").json()
    assert [(g["team"], g["grade"]) for g in grades] == [(str(world.team.uid), "weak")]
    assert grades[0]["reason"].startswith("0 hoạt động đã xác minh")
    paper = client.get("/api/v1/assessment/paper-only").json()
    assert [t["uid"] for t in paper] == [str(world.team.uid)]


def test_the_commune_records_results_and_sends_the_round_through_the_api(client: Any, world: Any) -> None:
    services.round_return(actor=world.charlie, round=world.round, reason="Bổ sung")
    client.force_login(world.alice)
    url = f"/api/v1/assessment/rounds/{world.round.uid}"
    got = client.post(
        f"{url}/results",
        {"area_id": world.village.ident, "answers": {**YES, "hoa-giai": False}},
        content_type="application/json",
    )
    assert got.status_code == 200 and got.json()["results"][0]["outcome"] == "not_met"
    missing = client.post(f"{url}/results", {"area_id": world.village.ident}, content_type="application/json")
    assert missing.status_code == 422
    assert client.post(f"{url}/propose", content_type="application/json").json()["status"] == "proposed"


def test_a_communes_units_are_listed_in_vietnamese_order(world: Any) -> None:
    # In code-point order Á and Đ would come after every plain letter and "Cao" before "Cà".
    expected = ["Ánh Dương", "Bưu điện xã", "Cà phê Sáng", "Cao đẳng nghề", "Doanh trại", "Đồn biên phòng"]
    for name in reversed(expected):
        services.unit_create(actor=world.alice, commune=world.commune, kind="agency", name=name)
    listed = [u.name for u in selectors.unit_list(world.alice, commune=world.commune, kind="agency")]
    assert listed == expected
