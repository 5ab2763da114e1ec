"""The assessment's pages and API writes: the commune's data entry (rounds, results, units,
hotspots, the statutory team's rating, commendations) and the province's criteria sets and
rules. Services' rules are tested in test_assessment.py; here, that the pages reach them, show
their refusals in Vietnamese with what the user typed, and stay within the user's area."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tuquan.assessment import rules, services
from tuquan.assessment.models import (
    CriteriaSet,
    GradingRules,
    Hotspot,
    HotspotStatus,
    Rating,
    RatingRules,
    RoundStatus,
    SetStatus,
    Unit,
)
from tuquan.assessment.tests.world import YES
from tuquan.core.actors import CONSOLE

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return str(response.content.decode())


# --- rounds -------------------------------------------------------------------------------------


def test_commune_officer_opens_a_round_records_results_and_proposes_it(client: Any, world: Any) -> None:
    commune_set = CriteriaSet.objects.get(code="antt-xa", status=SetStatus.ACTIVE)
    client.force_login(world.alice)
    assert "Lập đợt đánh giá" in _text(client.get("/danh-gia/"))
    form = client.get("/danh-gia/dot/mo/")
    assert form.status_code == 200 and "Xã Phiêng Khoài" in _text(form)
    assert "Chiềng Hặc" not in _text(form)  # only communes where alice records
    opened = client.post(
        "/danh-gia/dot/mo/", {"criteria_set": commune_set.pk, "commune": world.commune.ident, "year": "2025"}
    )
    assert opened.status_code == 302
    rnd = commune_set.rounds.get(commune=world.commune, year=2025)
    assert opened["Location"] == f"/danh-gia/dot/{rnd.uid}/"
    again = client.post(
        "/danh-gia/dot/mo/", {"criteria_set": commune_set.pk, "commune": world.commune.ident, "year": "2025"}
    )
    assert again.status_code == 422 and "đã có đợt đánh giá" in _text(again)

    page = _text(client.get(f"/danh-gia/dot/{rnd.uid}/"))
    assert "Chưa nhập" in page and f"/danh-gia/dot/{rnd.uid}/ket-qua/{world.commune.ident}/" in page

    url = f"/danh-gia/dot/{rnd.uid}/ket-qua/{world.commune.ident}/"
    entry = _text(client.get(url))
    # "at least one working model" is derived: its computed value shows (world.team is active).
    assert "Tính từ số liệu đã ghi" in entry and "teams.active" in entry
    assert "Đạt khi ≥ 70" in entry or "Đạt khi ≥" in entry

    typed = {"c_nghi-quyet": "yes", "c_khong-vu-viec": "yes", "c_vi-pham": "yes", "evidence": "Biên bản số 7"}
    bad = client.post(url, typed)  # the number of villages meeting the standard is missing
    assert bad.status_code == 422
    assert "Biên bản số 7" in _text(bad) and "This field is required" not in _text(bad)
    ok = client.post(url, {**typed, "c_khu-dan-cu": "80"})
    assert ok.status_code == 302
    result = rnd.results.get()
    assert result.outcome == "met" and result.evidence == "Biên bản số 7"
    assert result.answers["khu-dan-cu"] == {"value": "80", "met": True}
    assert "Sửa kết quả" in _text(client.get(f"/danh-gia/dot/{rnd.uid}/"))
    assert client.get(url).status_code == 200  # the form comes back filled for an edit

    sent = client.post(f"/danh-gia/dot/{rnd.uid}/de-nghi/")
    assert sent.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PROPOSED and rnd.proposed_by == world.alice
    twice = client.post(f"/danh-gia/dot/{rnd.uid}/de-nghi/")
    assert twice.status_code == 422 and "Đợt đánh giá đã gửi" in _text(twice)
    locked = client.post(url, {**typed, "c_khu-dan-cu": "10"})
    assert locked.status_code == 422 and "không sửa được" in _text(locked)


def test_a_round_without_results_is_not_proposed_and_says_why(client: Any, world: Any) -> None:
    residential = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1)
    rnd = services.round_open(
        actor=world.bob, criteria_set=residential, commune=world.other_commune, year=2026
    )
    client.force_login(world.bob)
    page = _text(client.get(f"/danh-gia/dot/{rnd.uid}/"))
    assert world.other_village.name in page and "Nhập kết quả" in page
    refused = client.post(f"/danh-gia/dot/{rnd.uid}/de-nghi/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "chưa có kết quả nào" in _text(refused)


def test_a_residential_round_takes_one_result_per_village_and_refuses_another_communes(
    client: Any, world: Any
) -> None:
    services.round_return(actor=world.charlie, round=world.round, reason="Bổ sung")
    client.force_login(world.alice)
    answers = {f"c_{k}": "yes" if v else "no" for k, v in YES.items()}
    got = client.post(f"/danh-gia/dot/{world.round.uid}/ket-qua/{world.village.ident}/", answers)
    assert got.status_code == 302
    other = client.post(f"/danh-gia/dot/{world.round.uid}/ket-qua/{world.other_village.ident}/", answers)
    assert other.status_code == 404
    assert client.get(f"/danh-gia/dot/{world.round.uid}/ket-qua/{world.village.ident}/").status_code == 200
    client.force_login(world.quang)  # reads the round, records nothing
    assert client.get(f"/danh-gia/dot/{world.round.uid}/ket-qua/{world.village.ident}/").status_code == 403
    assert "Nhập kết quả" not in _text(client.get(f"/danh-gia/dot/{world.round.uid}/"))


# --- registered units -----------------------------------------------------------------------------


def test_commune_officer_registers_and_edits_units(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.alice)
    bad = client.post(
        "/danh-gia/don-vi/", {"commune": world.commune.ident, "kind": "agency", "address": "Bản Mòng"}
    )
    assert bad.status_code == 422 and "Bản Mòng" in _text(bad)
    made = client.post(
        "/danh-gia/don-vi/",
        {
            "commune": world.commune.ident,
            "kind": "enterprise",
            "name": "Công ty chè Phiêng Khoài",
            "address": "",
        },
    )
    assert made.status_code == 302
    firm = Unit.objects.get(name="Công ty chè Phiêng Khoài")
    assert (firm.commune, firm.kind) == (world.commune, "enterprise")
    for i in range(5):
        services.unit_create(actor=CONSOLE, commune=world.commune, kind="agency", name=f"Cơ quan {i}")
    with django_assert_max_num_queries(12):
        listing = client.get("/danh-gia/don-vi/")
    assert listing.status_code == 200 and "Cơ quan 4" in _text(listing)
    edited = client.post(
        f"/danh-gia/don-vi/{firm.uid}/", {"kind": "enterprise", "name": "Công ty chè", "address": "Km 5"}
    )
    assert edited.status_code == 302
    firm.refresh_from_db()
    assert (firm.name, firm.address, firm.active) == ("Công ty chè", "Km 5", False)  # unticked: closed
    client.force_login(world.bob)
    assert client.get(f"/danh-gia/don-vi/{firm.uid}/").status_code == 404
    assert "Công ty chè" not in _text(client.get("/danh-gia/don-vi/"))


def test_a_unit_with_results_keeps_its_kind(world: Any) -> None:
    schools = CriteriaSet.objects.get(code="antt-truong-hoc", version=1)
    rnd = services.round_open(actor=world.alice, criteria_set=schools, commune=world.commune, year=2025)
    answers = {"ke-hoach": True, "ma-tuy": True, "bao-luc": True, "vi-pham": "0"}
    services.result_record(actor=world.alice, round=rnd, unit=world.unit, answers=answers)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="không đổi loại"):
        services.unit_update(actor=world.alice, unit=world.unit, kind="agency", name=world.unit.name)


def test_the_round_of_a_unit_kind_lists_the_communes_units_of_that_kind(client: Any, world: Any) -> None:
    schools = CriteriaSet.objects.get(code="antt-truong-hoc", version=1)
    rnd = services.round_open(actor=world.alice, criteria_set=schools, commune=world.commune, year=2025)
    services.unit_create(actor=world.alice, commune=world.commune, kind="agency", name="UBND xã")
    client.force_login(world.alice)
    page = _text(client.get(f"/danh-gia/dot/{rnd.uid}/"))
    assert world.unit.name in page and "UBND xã" not in page
    url = f"/danh-gia/dot/{rnd.uid}/ket-qua/{world.unit.uid}/"
    got = client.post(
        url, {"c_ke-hoach": "yes", "c_ma-tuy": "yes", "c_bao-luc": "yes", "c_vi-pham": "1", "evidence": ""}
    )
    assert got.status_code == 302 and rnd.results.get().outcome == "not_met"
    assert client.get(f"/danh-gia/dot/{rnd.uid}/ket-qua/{world.far_unit.uid}/").status_code == 404


# --- hotspots ---------------------------------------------------------------------------------------


def test_commune_officer_declares_a_hotspot_follows_its_plan_and_the_province_recognises_it(
    client: Any, world: Any
) -> None:
    client.force_login(world.alice)
    bad = client.post(
        "/dia-ban-trong-diem/moi/",
        {"area": world.village.ident, "reason": "Trộm cắp gia súc", "declared_on": "01/02/2025"},
    )
    assert bad.status_code == 422 and "Trộm cắp gia súc" in _text(bad)
    made = client.post(
        "/dia-ban-trong-diem/moi/",
        {
            "area": world.village.ident,
            "reason": "Trộm cắp gia súc",
            "declared_on": "01/02/2025",
            "decision_number": "8/QĐ-UBND",
            "tasks": "Họp dân ký cam kết\n\nLắp đèn đường",
        },
    )
    assert made.status_code == 302
    hotspot = Hotspot.objects.get(decision_number="8/QĐ-UBND")
    assert [t.text for t in hotspot.tasks.all()] == ["Họp dân ký cam kết", "Lắp đèn đường"]
    url = f"/dia-ban-trong-diem/{hotspot.uid}/"
    assert (
        client.post(f"{url}nhiem-vu/", {"text": "Tuần tra ban đêm", "due_on": "30/06/2025"}).status_code
        == 302
    )
    assert hotspot.tasks.count() == 3
    first, *rest = list(hotspot.tasks.all())
    early = client.post(f"{url}nhiem-vu/{first.pk}/xong/", {"done_on": "01/01/2025"}, HTTP_HX_REQUEST="true")
    assert early.status_code == 422 and "trước ngày xác định" in _text(early) and "01/01/2025" in _text(early)
    assert "Công nhận đã chuyển hóa" not in _text(client.get(url))  # the province recognises
    assert client.post(f"{url}chuyen-hoa/", {"on": "01/09/2025", "decision_number": "9"}).status_code == 403
    client.force_login(world.charlie)
    open_tasks = client.post(f"{url}chuyen-hoa/", {"on": "01/09/2025", "decision_number": "9/QĐ"})
    assert open_tasks.status_code == 422 and "còn nhiệm vụ chưa hoàn thành" in _text(open_tasks)
    client.force_login(world.alice)
    for task in (first, *rest):
        assert client.post(f"{url}nhiem-vu/{task.pk}/xong/", {"done_on": "01/06/2025"}).status_code == 302
    client.force_login(world.charlie)
    assert (
        client.post(f"{url}chuyen-hoa/", {"on": "01/09/2025", "decision_number": "9/QĐ"}).status_code == 302
    )
    hotspot.refresh_from_db()
    assert (hotspot.status, hotspot.transformed_decision) == (HotspotStatus.TRANSFORMED, "9/QĐ")
    client.force_login(world.alice)
    assert client.post(f"{url}nhiem-vu/", {"text": "Thêm"}).status_code == 422  # the plan is closed
    client.force_login(world.bob)
    assert client.get(url).status_code == 404


# --- the statutory team's rating ----------------------------------------------------------------------


def _force(world: Any, members: int) -> tuple[Any, list[Any]]:
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
                team=team, person=person, role="leader" if i == 0 else "member", start_on=date(2024, 7, 1)
            )
        )
    return team, made


def _rate(client: Any, team: Any, member: Any, **fields: Any) -> Any:
    key = str(member.uid) if member else ""
    prefix = key or "to"
    data = {"member": key, **{f"{prefix}-{k}": v for k, v in fields.items()}}
    return client.post(f"/danh-gia/xep-loai-luc-luong/{team.uid}/?nam=2025", data, HTTP_HX_REQUEST="true")


def test_commune_officer_rates_the_statutory_team_and_sees_each_rule_that_refuses(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    team, (leader, member, complainer, *_rest) = _force(world, 10)
    RatingRules.objects.create(province=world.province, excellent_quota_percent=10)
    client.force_login(world.alice)
    listing = _text(client.get("/danh-gia/xep-loai-luc-luong/?nam=2025"))
    assert team.name in listing and world.team.name not in listing
    with django_assert_max_num_queries(15):
        sheet = client.get(f"/danh-gia/xep-loai-luc-luong/{team.uid}/?nam=2025")
    assert sheet.status_code == 200 and "Thành viên số 9" in _text(sheet)
    assert "dưới 9 tháng" in _text(sheet) and "không vượt 10%" in _text(sheet)  # the province's rules

    first = _rate(client, team, leader, level="good", decision_number="12/QĐ")
    assert first.status_code == 422 and "Xếp loại tổ trước khi xếp loại tổ trưởng" in _text(first)
    assert "12/QĐ" in _text(first)  # what was typed stays
    no_number = _rate(client, team, None, level="good", decision_number="")
    assert no_number.status_code == 422
    assert _rate(client, team, None, level="good", decision_number="12/QĐ").status_code == 204
    above = _rate(client, team, leader, level="excellent", decision_number="12/QĐ")
    assert above.status_code == 422 and "Tổ trưởng không được xếp loại cao hơn tổ" in _text(above)
    complaint = _rate(client, team, complainer, level="done", under_complaint="on", decision_number="12/QĐ")
    assert complaint.status_code == 422 and "Không xếp loại: Đang có khiếu nại" in _text(complaint)
    assert (
        _rate(client, team, complainer, level="", under_complaint="on", decision_number="12/QĐ").status_code
        == 204
    )
    assert _rate(client, team, member, level="excellent", decision_number="12/QĐ").status_code == 204
    quota = _rate(client, team, _rest[0], level="excellent", decision_number="12/QĐ")
    assert quota.status_code == 422 and "Vượt tỷ lệ “hoàn thành xuất sắc”" in _text(quota)
    ratings = {r.membership_id: r for r in Rating.objects.filter(team=team, year=2025)}
    assert ratings[None].level == "good" and ratings[complainer.pk].not_rated_reason == "Đang có khiếu nại"
    assert ratings[member.pk].level == "excellent"

    # The excellent member is on the commendation list; the decision is recorded in the registry.
    commend_list = _text(client.get("/danh-gia/khen-thuong/?nam=2025"))
    assert member.person.full_name in commend_list
    recorded = client.post(
        f"/danh-gia/xep-loai-luc-luong/{team.uid}/khen-thuong/?nam=2025",
        {
            "rating": str(ratings[member.pk].uid),
            "level": "commune",
            "decision_number": "44/QĐ-UBND",
            "awarded_on": "01/12/2025",
        },
    )
    assert recorded.status_code == 302
    commendation = Rating.objects.get(pk=ratings[member.pk].pk).commendation
    assert commendation is not None and commendation.person == member.person
    assert "44/QĐ-UBND" in _text(client.get("/danh-gia/khen-thuong/?nam=2025"))
    client.force_login(world.quang)  # reads, does not rate
    assert "Lưu xếp loại" not in _text(client.get(f"/danh-gia/xep-loai-luc-luong/{team.uid}/?nam=2025"))
    assert _rate(client, team, None, level="good", decision_number="1").status_code == 403


# --- commendations from approved results -----------------------------------------------------------------


def test_approved_results_are_proposed_for_commendation_and_the_decision_is_recorded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    from tuquan.registry import services as registry

    services.round_return(actor=world.charlie, round=world.round, reason="Ký cam kết")
    registry.commitment_record(
        actor=CONSOLE, household=world.household, team=world.team, signed_on=date(2025, 3, 1)
    )
    services.result_record(actor=world.alice, round=world.round, area=world.village, answers=YES)
    services.round_propose(actor=world.alice, round=world.round)
    client.force_login(world.alice)
    result = world.round.results.get()
    early = client.post(
        f"/danh-gia/khen-thuong/{result.uid}/",
        {"level": "commune", "decision_number": "50/QĐ", "awarded_on": "01/12/2025"},
    )
    assert early.status_code == 422 and "đã phê duyệt" in _text(early)
    services.round_approve(actor=world.charlie, round=world.round, decision_number="9/QĐ-UBND")
    with django_assert_max_num_queries(12):
        page = client.get("/danh-gia/khen-thuong/?nam=2025")
    assert world.village.name in _text(page) and "Ghi quyết định khen thưởng" in _text(page)
    missing = client.post(
        f"/danh-gia/khen-thuong/{result.uid}/", {"level": "commune", "awarded_on": "01/12/2025"}
    )
    assert missing.status_code == 422 and "01/12/2025" in _text(missing)
    ok = client.post(
        f"/danh-gia/khen-thuong/{result.uid}/",
        {"level": "commune", "decision_number": "50/QĐ", "awarded_on": "01/12/2025"},
    )
    assert ok.status_code == 302
    result.refresh_from_db()
    assert (result.commendation_level, result.commendation_decision, result.commended_on) == (
        "commune",
        "50/QĐ",
        date(2025, 12, 1),
    )
    assert "50/QĐ" in _text(client.get("/danh-gia/khen-thuong/?nam=2025"))
    client.force_login(world.erin)
    assert world.village.name not in _text(client.get("/danh-gia/khen-thuong/?nam=2025"))


# --- the province's criteria sets and rules ---------------------------------------------------------------


def test_province_admin_makes_a_new_version_edits_its_criteria_and_activates_it(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    used = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1)
    client.force_login(world.charlie)
    with django_assert_max_num_queries(8):
        listing = client.get("/danh-gia/bo-tieu-chi/")
    assert listing.status_code == 200 and "đã dùng để đánh giá" in _text(listing)
    page = _text(client.get(f"/danh-gia/bo-tieu-chi/{used.pk}/"))
    assert "Tạo phiên bản mới" in page and "Thêm tiêu chí" not in page  # in use: not edited
    assert client.post(f"/danh-gia/bo-tieu-chi/{used.pk}/sua/", {"name": "X"}).status_code == 422
    no_basis = client.post(f"/danh-gia/bo-tieu-chi/{used.pk}/phien-ban-moi/", {"name": "Bộ mới"})
    assert no_basis.status_code == 422 and "Bộ mới" in _text(no_basis)
    made = client.post(
        f"/danh-gia/bo-tieu-chi/{used.pk}/phien-ban-moi/", {"legal_basis": "Thông tư 99/2026/TT-BCA"}
    )
    assert made.status_code == 302
    new = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=2)
    assert made["Location"] == f"/danh-gia/bo-tieu-chi/{new.pk}/"
    assert (new.status, new.legal_basis, new.criteria.count()) == (
        SetStatus.DRAFT,
        "Thông tư 99/2026/TT-BCA",
        5,
    )
    assert used.criteria.get(code="dang-ky").indicator == new.criteria.get(code="dang-ky").indicator

    header = {
        "name": new.name,
        "legal_basis": new.legal_basis,
        "window_end_day": "31",
        "window_end_month": "10",
        "deadline_day": "31",
        "deadline_month": "11",
    }
    bad_day = client.post(f"/danh-gia/bo-tieu-chi/{new.pk}/sua/", header)
    assert bad_day.status_code == 422 and "Ngày 31/11 không có trong năm" in _text(bad_day)
    assert (
        client.post(f"/danh-gia/bo-tieu-chi/{new.pk}/sua/", {**header, "deadline_day": "25"}).status_code
        == 302
    )
    new.refresh_from_db()
    assert rules.deadline(new, 2026) == date(2026, 11, 25)

    criterion = new.criteria.get(code="dang-ky")
    no_threshold = client.post(
        f"/danh-gia/tieu-chi/{criterion.pk}/",
        {"code": "dang-ky", "text": "Số vụ trộm", "check_kind": "threshold", "threshold": ""},
    )
    assert no_threshold.status_code == 422 and "cần có ngưỡng" in _text(no_threshold)
    unknown = client.post(
        f"/danh-gia/tieu-chi/{criterion.pk}/",
        {"code": "dang-ky", "text": criterion.text, "check_kind": "derived", "indicator": "khong.co"},
    )
    assert unknown.status_code == 422 and "Không có chỉ tiêu “khong.co”" in _text(unknown)
    edited = client.post(
        f"/danh-gia/tieu-chi/{criterion.pk}/",
        {
            "code": "dang-ky",
            "text": criterion.text,
            "check_kind": "derived",
            "indicator": "commitments.households",
            "threshold": "0,9",
        },
    )
    assert edited.status_code == 302
    criterion.refresh_from_db()
    assert str(criterion.threshold) == "0.9000"
    added = client.post(
        f"/danh-gia/bo-tieu-chi/{new.pk}/them-tieu-chi/",
        {"code": "camera", "text": "Có camera an ninh", "check_kind": "yes_no"},
    )
    assert added.status_code == 302
    assert list(new.criteria.values_list("code", flat=True))[-1] == "camera"

    unconfirmed = client.post(f"/danh-gia/bo-tieu-chi/{new.pk}/ap-dung/", {})
    assert unconfirmed.status_code == 422
    assert client.post(f"/danh-gia/bo-tieu-chi/{new.pk}/ap-dung/", {"confirm": "on"}).status_code == 302
    used.refresh_from_db()
    new.refresh_from_db()
    assert (used.status, new.status) == (SetStatus.RETIRED, SetStatus.ACTIVE)
    client.force_login(world.alice)
    assert client.post(f"/danh-gia/tieu-chi/{criterion.pk}/", {"text": "x"}).status_code == 403
    assert "Tạo phiên bản mới" not in _text(client.get(f"/danh-gia/bo-tieu-chi/{new.pk}/"))


def test_province_admin_sets_the_rating_and_grading_rules_of_the_province(client: Any, world: Any) -> None:
    client.force_login(world.charlie)
    assert "/danh-gia/quy-tac/14/" in _text(client.get("/danh-gia/"))
    page = client.get("/danh-gia/quy-tac/14/")
    assert page.status_code == 200 and "Tỷ lệ tối đa “hoàn thành xuất sắc”" in _text(page)
    saved = client.post(
        "/danh-gia/quy-tac/14/",
        {"rules": "rating", "excellent_quota_percent": "15", "min_active_months": "9"},
    )
    assert saved.status_code == 302
    rules = RatingRules.objects.get(province=world.province)
    assert (rules.excellent_quota_percent, rules.min_active_months) == (15, 9)
    grading = {
        "rules": "grading",
        "good_per_month": "3",
        "good_months": "10",
        "fair_per_month": "4",
        "fair_months": "8",
        "average_per_month": "1",
    }
    upside_down = client.post("/danh-gia/quy-tac/14/", grading, HTTP_HX_REQUEST="true")
    assert upside_down.status_code == 422 and "tốt ≥ khá ≥ trung bình" in _text(upside_down)
    assert 'value="4"' in _text(upside_down)  # what was typed stays
    assert not GradingRules.objects.filter(province=world.province).exists()
    assert client.post("/danh-gia/quy-tac/14/", {**grading, "fair_per_month": "1,5"}).status_code == 302
    assert str(GradingRules.objects.get(province=world.province).fair_per_month) == "1.50"
    assert services.grading_rules_for(world.commune).good_per_month == 3
    client.force_login(world.alice)
    assert client.get("/danh-gia/quy-tac/14/").status_code == 403
    client.force_login(world.erin)
    assert client.get("/danh-gia/quy-tac/14/").status_code == 404


def test_the_index_links_every_page_a_user_may_use(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.alice)
    with django_assert_max_num_queries(12):
        page = _text(client.get("/danh-gia/"))
    for link in (
        "/danh-gia/dot/mo/",
        "/danh-gia/don-vi/",
        "/dia-ban-trong-diem/moi/",
        "/danh-gia/xep-loai-luc-luong/",
        "/danh-gia/khen-thuong/",
        "/danh-gia/bo-tieu-chi/",
    ):
        assert link in page
    assert "/danh-gia/quy-tac/" not in page
    client.force_login(world.dana)
    page = _text(client.get("/danh-gia/"))
    assert "/danh-gia/dot/mo/" not in page and "/danh-gia/khen-thuong/" in page


# --- the API's writes ---------------------------------------------------------------------------------------


def test_the_commune_registers_units_opens_a_round_and_keeps_the_hotspot_plan_through_the_api(
    client: Any, world: Any
) -> None:
    client.force_login(world.alice)
    api = "/api/v1/assessment"
    made = client.post(
        f"{api}/units",
        {"commune_id": "04099", "kind": "agency", "name": "UBND xã Phiêng Khoài"},
        content_type="application/json",
    )
    assert made.status_code == 200 and made.json()["kind"] == "agency"
    uid = made.json()["uid"]
    changed = client.put(
        f"{api}/units/{uid}",
        {"kind": "agency", "name": "UBND xã", "address": "Trung tâm", "active": True},
        content_type="application/json",
    )
    assert changed.json()["name"] == "UBND xã"
    assert {u["name"] for u in client.get(f"{api}/units").json()} == {"UBND xã", world.unit.name}
    refused = client.post(
        f"{api}/units",
        {"commune_id": "04078", "kind": "agency", "name": "X"},
        content_type="application/json",
    )
    assert refused.status_code == 404

    opened = client.post(
        f"{api}/rounds",
        {"criteria_set": "antt-co-quan-doanh-nghiep", "commune_id": "04099", "year": 2025},
        content_type="application/json",
    )
    assert opened.status_code == 200 and opened.json()["status"] == "draft"

    url = f"{api}/hotspots/{world.hotspot.uid}"
    added = client.post(
        f"{url}/tasks", {"text": "Họp dân", "due_on": "2025-08-01"}, content_type="application/json"
    )
    assert added.status_code == 200 and [t["text"] for t in added.json()["tasks"]] == [
        "Tuần tra đêm hằng tuần",
        "Họp dân",
    ]
    task_id = added.json()["tasks"][0]["id"]
    future = client.post(
        f"{url}/tasks/{task_id}/done", {"done_on": "2999-01-01"}, content_type="application/json"
    )
    assert future.status_code == 422 and "sau hôm nay" in future.json()["detail"]
    done = client.post(
        f"{url}/tasks/{task_id}/done", {"done_on": "2025-05-01"}, content_type="application/json"
    )
    assert done.json()["tasks"][0]["done_on"] == "2025-05-01"
    client.force_login(world.bob)
    assert client.get(url).status_code == 404


def test_every_form_page_opens_for_its_user_as_a_page_and_as_a_partial(client: Any, world: Any) -> None:
    criterion = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1).criteria.first()
    assert criterion is not None
    pages = {
        world.alice: [
            "/danh-gia/dot/mo/",
            f"/danh-gia/dot/{world.round.uid}/ket-qua/{world.village.ident}/",
            "/danh-gia/don-vi/",
            f"/danh-gia/don-vi/{world.unit.uid}/",
            "/dia-ban-trong-diem/moi/",
            f"/dia-ban-trong-diem/{world.hotspot.uid}/",
            f"/danh-gia/xep-loai-luc-luong/{world.team.uid}/",
        ],
        world.charlie: [
            f"/danh-gia/bo-tieu-chi/{criterion.criteria_set_id}/",
            f"/danh-gia/bo-tieu-chi/{criterion.criteria_set_id}/sua/",
            f"/danh-gia/tieu-chi/{criterion.pk}/",
            "/danh-gia/quy-tac/14/",
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            full = client.get(url)
            assert full.status_code == 200, url
            assert "<html" in _text(full), url
            partial = client.get(url, HTTP_HX_REQUEST="true")
            assert partial.status_code == 200, url


def test_the_round_page_reads_a_fixed_number_of_queries_however_many_villages(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    from tuquan.core import services as core

    residential = CriteriaSet.objects.get(code="antt-khu-dan-cu", version=1)
    rnd = services.round_open(
        actor=world.bob, criteria_set=residential, commune=world.other_commune, year=2026
    )
    for i in range(12):
        village = core.village_create(actor=CONSOLE, commune=world.other_commune, kind="Bản", name=f"Mới {i}")
        services.result_record(actor=CONSOLE, round=rnd, area=village, answers=YES, evidence=f"Biên bản {i}")
    client.force_login(world.bob)
    with django_assert_max_num_queries(12):
        page = client.get(f"/danh-gia/dot/{rnd.uid}/")
    assert page.status_code == 200 and "Biên bản 11" in _text(page)


def test_the_new_writes_leave_an_audit_entry(world: Any) -> None:
    from decimal import Decimal

    from tuquan.core.models import AuditEntry

    services.unit_update(actor=world.alice, unit=world.unit, kind="school", name="Trường TH số 1")
    services.hotspot_task_add(actor=world.alice, hotspot=world.hotspot, text="Họp dân")
    services.rating_rules_update(
        actor=world.charlie, province=world.province, excellent_quota_percent=10, min_active_months=9
    )
    services.grading_rules_update(
        actor=world.charlie,
        province=world.province,
        good_per_month=Decimal(4),
        good_months=10,
        fair_per_month=Decimal(2),
        fair_months=8,
        average_per_month=Decimal(1),
    )
    mine = AuditEntry.objects.filter(actor__in=[world.alice, world.charlie])
    assert set(mine.values_list("object_type", flat=True)) >= {
        "assessment.unit",
        "assessment.hotspottask",
        "assessment.ratingrules",
        "assessment.gradingrules",
    }
    assert mine.filter(object_type="assessment.ratingrules").get().area == world.province
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rating_rules_update(
            actor=world.erin, province=world.province, excellent_quota_percent=50, min_active_months=1
        )
