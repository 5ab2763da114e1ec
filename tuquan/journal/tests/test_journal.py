from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute
from tuquan.journal import selectors, services
from tuquan.journal.models import Entry

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=10)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patrol(world: Any, actor: Any = None, **extra: Any) -> Entry:
    values: dict[str, Any] = dict(occurred_on=last_month(), participants=[world.person], member_turns=1)
    values.update(extra)
    return services.entry_record(
        actor=actor or world.linh, team=world.team, village=world.village, kind="patrol", **values
    )


def scattered_entries(world: Any, rng: Any, count: int, *, days: int) -> None:
    """Up to `count` patrols, tips, arrests and handed-in items on random days of the last
    `days` (skipping approved months), recorded by the team of Nà Khoang."""
    for _n in range(count):
        day = timezone.localdate() - timedelta(days=rng.randrange(1, days))
        if services.approval_for(world.village, day):
            continue
        services.entry_record(
            actor=CONSOLE,
            team=world.team,
            village=world.village,
            kind=rng.choice(["patrol", "tip", "arrest", "items"]),
            occurred_on=day,
            participants=[world.person],
            member_turns=1,
            tip_category="drugs",
            cases=1,
            suspects=rng.randint(0, 3),
            bullets=rng.randint(1, 9),
            confirm=True,
        )


def test_the_leader_records_a_patrol_and_the_officer_verifies_it(world: Any) -> None:
    entry = patrol(world, member_turns=3, other_participants=2)
    assert entry.status == "submitted"
    services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    assert Entry.objects.get(pk=entry.pk).status == "verified"
    with pytest.raises(PermissionDenied):
        services.entry_review(actor=world.linh, entry=entry, verdict="verified")


def test_a_returned_entry_needs_a_reason_and_goes_back_once_corrected(world: Any) -> None:
    entry = patrol(world)
    with pytest.raises(ValidationError):
        services.entry_review(actor=world.alice, entry=entry, verdict="returned")
    services.entry_review(actor=world.alice, entry=entry, verdict="returned", comment="Thiếu giờ tuần tra")
    services.entry_update(
        actor=world.linh,
        entry=entry,
        started_at=datetime.combine(entry.occurred_on, datetime.min.time(), HCM).replace(hour=20),
        ended_at=datetime.combine(entry.occurred_on, datetime.min.time(), HCM).replace(hour=23),
    )
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


def test_impossible_values_are_refused_before_saving(world: Any) -> None:
    evening = datetime.combine(last_month(), datetime.min.time(), HCM).replace(hour=22)
    with pytest.raises(ValidationError) as caught:
        patrol(world, started_at=evening, ended_at=evening - timedelta(hours=2))
    assert "ended_at" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        patrol(world, member_turns=50)  # one member, one day
    assert "member_turns" in caught.value.error_dict
    with pytest.raises(ValidationError):
        patrol(world, occurred_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):
        services.entry_record(
            actor=world.linh,
            team=world.team,
            village=world.village,
            kind="poppy",
            occurred_on=last_month(),
            poppy_m2=Decimal(100),
        )  # patrol teams do not record poppy
    assert Entry.objects.filter(team=world.team).count() == 1  # the world's own patrol


def test_outlying_values_need_confirmation(world: Any) -> None:
    kwargs = dict(
        actor=world.linh,
        team=world.team,
        village=world.village,
        kind="items",
        occurred_on=last_month(),
        bullets=5000,
    )
    with pytest.raises(ValidationError) as caught:
        services.entry_record(**kwargs)
    assert "bất thường" in str(caught.value)
    assert services.entry_record(confirm=True, **kwargs).bullets == 5000


def test_an_approved_month_is_locked_until_the_approver_reopens_it(world: Any) -> None:
    entry = world.entry
    with pytest.raises(ValidationError):
        services.month_approve(
            actor=world.alice, village=world.village, month=entry.occurred_on
        )  # not checked
    services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=entry.occurred_on)
    with pytest.raises(ValidationError):
        services.entry_update(actor=world.linh, entry=entry, member_turns=1, note="sửa")
    with pytest.raises(ValidationError):
        patrol(world)
    page = client_for(world.linh).post(
        f"/hoat-dong/{entry.uid}/",
        {
            "occurred_on": entry.occurred_on.strftime("%d/%m/%Y"),
            "village": world.village.ident,
            "member_turns": 1,
            "other_participants": 0,
        },
    )
    assert page.status_code in (403, 422) and Entry.objects.get(pk=entry.pk).note == ""
    services.month_accept(actor=world.dana, village=world.village, month=entry.occurred_on)
    with pytest.raises(PermissionDenied):
        services.month_reopen(actor=world.alice, village=world.village, month=entry.occurred_on, reason="Sai")
    services.month_reopen(
        actor=world.dana, village=world.village, month=entry.occurred_on, reason="Sai số lượt"
    )
    services.entry_update(actor=world.linh, entry=entry, note="đã sửa")
    assert Entry.objects.get(pk=entry.pk).note == "đã sửa"


def test_approved_only_figures_leave_out_unapproved_months(world: Any) -> None:
    month = last_month()
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    all_figures = compute(actor=CONSOLE, area=world.commune, start=month.replace(day=1), end=end)
    assert all_figures["indicators"]["patrols.count"] == 1
    assert "chưa được duyệt" in all_figures["notes"]["journal.unapproved"]
    approved = compute(
        actor=CONSOLE, area=world.commune, start=month.replace(day=1), end=end, approved_only=True
    )
    assert approved["indicators"]["patrols.count"] == 0
    services.entry_review(actor=world.alice, entry=world.entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=month)
    approved = compute(
        actor=CONSOLE, area=world.commune, start=month.replace(day=1), end=end, approved_only=True
    )
    assert approved["indicators"]["patrols.count"] == 1


def test_a_figure_comes_from_records_or_totals_never_both(world: Any) -> None:
    year = timezone.localdate().year - 3
    services.aggregate_record(
        actor=world.alice,
        area=world.commune,
        indicator="patrols.count",
        period_kind="year",
        period_start=date(year, 1, 1),
        value=Decimal(52),
    )
    with pytest.raises(ValidationError):
        patrol(world, occurred_on=date(year, 5, 5))
    with pytest.raises(ValidationError):
        services.aggregate_record(
            actor=world.alice,
            area=world.village,
            indicator="patrols.count",
            period_kind="month",
            period_start=date(year, 5, 1),
            value=Decimal(4),
        )
    with pytest.raises(ValidationError):  # the world's patrol is recorded last month
        services.aggregate_record(
            actor=world.alice,
            area=world.commune,
            indicator="patrols.count",
            period_kind="month",
            period_start=last_month(),
            value=Decimal(4),
        )
    figures = compute(actor=CONSOLE, area=world.province, start=date(year, 1, 1), end=timezone.localdate())
    assert figures["indicators"]["patrols.count"] == 53
    assert "tổng hợp" in figures["notes"]["patrols.count"]
    half = compute(actor=CONSOLE, area=world.province, start=date(year, 7, 1), end=date(year, 12, 31))
    assert half["indicators"]["patrols.count"] == 0 and "một phần" in half["notes"]["patrols.count"]


def test_a_border_cluster_is_recorded_by_each_commune_at_its_own_villages(world: Any) -> None:
    from tuquan.registry import services as registry
    from tuquan.registry.models import ModelType

    cluster = registry.team_create(
        actor=world.alice,
        model_type=ModelType.objects.get(code="cum-giap-ranh"),
        name="Cụm giáp ranh",
        home_area=world.commune,
        areas=[world.commune, world.other_commune],
        status="active",
        established_on=date(2020, 1, 1),
    )
    services.entry_record(
        actor=world.bob,
        team=cluster,
        village=world.other_village,
        kind="meeting",
        occurred_on=last_month(),
        other_participants=12,
    )
    with pytest.raises(PermissionDenied):
        services.entry_record(
            actor=world.bob, team=cluster, village=world.village, kind="meeting", occurred_on=last_month()
        )


def test_a_village_team_records_only_at_its_village_and_a_patrol_only_as_many_turns_as_members(
    world: Any,
) -> None:
    """The checks a new entry reads in one statement (`_new_entry_facts`): another village of
    the same commune and the commune itself are not the team's village; the turns are bounded
    by the members active that day."""
    from tuquan.core import services as core_services

    neighbour = core_services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Nà Lừa")
    for place in (neighbour, world.commune):
        with pytest.raises(ValidationError) as refused:
            services.entry_record(
                actor=world.alice, team=world.team, village=place, kind="meeting", occurred_on=last_month()
            )
        assert refused.value.message_dict == {"village": ["Thôn này không thuộc địa bàn của tổ."]}
    members = services._active_members(world.team, last_month())
    with pytest.raises(ValidationError) as refused:
        patrol(world, member_turns=members + 1, other_participants=0, participants=[])
    assert list(refused.value.message_dict) == ["member_turns"]
    assert patrol(world, member_turns=members, other_participants=0, participants=[]).pk


def test_the_officer_sees_silent_teams_and_late_entries(world: Any) -> None:
    month = last_month().replace(day=1)
    data = selectors.commune_month(world.alice, world.commune, month)
    assert data["completeness"] == (1, 1) and data["silent"] == []
    due = (month + timedelta(days=32)).replace(day=selectors.DEADLINE_DAY)
    Entry.objects.filter(pk=world.entry.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert selectors.commune_month(world.alice, world.commune, month)["late"] == []
    recorded_late = datetime.combine(due + timedelta(days=1), datetime.min.time(), HCM)
    Entry.objects.filter(pk=world.entry.pk).update(created_at=recorded_late)
    assert len(selectors.commune_month(world.alice, world.commune, month)["late"]) == 1
    before = selectors.commune_month(world.alice, world.commune, month.replace(day=1) - timedelta(days=1))
    assert before["completeness"][0] == 0 and before["silent"][0]["team"] == world.team


def test_recording_from_the_phone_form_prechecks_the_roster(world: Any) -> None:
    client = client_for(world.linh)
    form = client.get(f"/nhat-ky/{world.team.uid}/ghi/patrol/").content.decode()
    assert "checked" in form and "Lò Văn Tổ" in form
    response = client.post(
        f"/nhat-ky/{world.team.uid}/ghi/patrol/",
        {
            "occurred_on": timezone.localdate().strftime("%d/%m/%Y"),
            "village": world.village.ident,
            "participants": [str(world.person.uid)],
            "other_participants": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert Entry.objects.filter(team=world.team, occurred_on=timezone.localdate()).get().member_turns == 1


def test_a_bad_entry_form_answers_422_and_keeps_the_input(world: Any) -> None:
    response = client_for(world.linh).post(
        f"/nhat-ky/{world.team.uid}/ghi/patrol/",
        {
            "occurred_on": timezone.localdate().strftime("%d/%m/%Y"),
            "village": world.village.ident,
            "member_turns": "99",
            "other_participants": "0",
            "note": "Tuần tra đêm",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Tuần tra đêm" in response.content.decode() and "Lượt người" in response.content.decode()


def test_a_model_types_own_indicator_is_summed_without_code(world: Any) -> None:
    from tuquan.registry.services import model_type_update

    model_type_update(
        actor=CONSOLE,
        model_type=world.team.type,
        extra_indicators=[{"code": "cameras", "label": "Số camera", "unit": "cái"}],
    )
    world.team.type.refresh_from_db()
    patrol(world, extra={"cameras": 3})
    figures = compute(actor=CONSOLE, area=world.commune, start=last_month().replace(day=1), end=last_month())
    assert figures["indicators"]["extra.cameras"] == 3
    with pytest.raises(ValidationError):
        patrol(world, extra={"drones": 1})


def test_figures_from_rollups_equal_a_recount_of_the_entries_for_any_period(world: Any) -> None:
    import random

    from tuquan.core.indicators import Query
    from tuquan.journal import rollups
    from tuquan.journal.indicators import _entry_aggregations, entries_for

    rng = random.Random(7)
    today = timezone.localdate()
    scattered_entries(world, rng, 60, days=400)
    assert rollups.verify() == []
    for _ in range(15):
        start = today - timedelta(days=rng.randrange(0, 420))
        end = start + timedelta(days=rng.randrange(0, 200))
        figures = compute(actor=world.alice, area=world.commune, start=start, end=end)["indicators"]
        raw = entries_for(Query(actor=world.alice, area=world.commune, start=start, end=end)).aggregate(
            **_entry_aggregations()
        )
        for code, value in raw.items():
            assert figures[code] == (value or 0), (code, start, end)
        # The province's figure comes from its own totals, the country's from the provinces'.
        for area in (world.commune.parent, world.commune.parent.parent):
            whole = compute(actor=CONSOLE, area=area, start=start, end=end)["indicators"]
            raw = entries_for(Query(actor=CONSOLE, area=area, start=start, end=end)).aggregate(
                **_entry_aggregations()
            )
            for code, value in raw.items():
                assert whole[code] == (value or 0), (area.ident, code, start, end)
    assert rollups.verify() == []


def test_commune_and_province_totals_follow_entries_approval_and_reopening(world: Any) -> None:
    from tuquan.journal import rollups
    from tuquan.journal.models import AreaRollup

    month = last_month().replace(day=1)
    end = timezone.localdate().replace(day=1) - timedelta(days=1)
    province = world.commune.parent

    def kept(area: Any, approved: bool) -> int:
        row = AreaRollup.objects.filter(area=area, month=month, code="patrols.count", approved=approved)
        return int(sum(r.value for r in row))

    patrol(world)
    assert kept(world.commune, False) == kept(province, False) == 2 and kept(province, True) == 0
    for entry in Entry.objects.filter(village=world.village, occurred_on__gte=month):
        services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=month)
    assert kept(province, True) == 2 and kept(province, False) == 0
    figures = compute(actor=world.charlie, area=province, start=month, end=end, approved_only=True)
    assert figures["indicators"]["patrols.count"] == 2
    assert rollups.verify() == []
    services.month_reopen(actor=world.alice, village=world.village, month=month, reason="Sửa số lượt")
    assert kept(province, True) == 0 and kept(world.commune, False) == 2
    incremental = set(
        AreaRollup.objects.values_list("area_id", "month", "type_id", "code", "approved", "value")
    )
    rollups.rebuild()
    assert set(
        AreaRollup.objects.values_list("area_id", "month", "type_id", "code", "approved", "value")
    ) == (incremental)
    assert rollups.verify() == []


def test_history_entered_at_an_old_commune_adds_up_under_todays_commune(world: Any) -> None:
    from tuquan.core.models import Area

    old = Area.objects.get(ident="legacy:04078")  # Chiềng Hặc went wholly into today's 04078
    services.aggregate_record(
        actor=world.bob,
        area=old,
        indicator="tips.count",
        period_kind="year",
        period_start=date(2018, 1, 1),
        value=Decimal(11),
    )
    with pytest.raises(ValidationError):  # the same year again at today's commune would count twice
        services.aggregate_record(
            actor=world.bob,
            area=world.other_commune,
            indicator="tips.count",
            period_kind="year",
            period_start=date(2018, 1, 1),
            value=Decimal(3),
        )
    with pytest.raises(PermissionDenied):
        services.aggregate_record(
            actor=world.alice,
            area=old,
            indicator="tips.count",
            period_kind="year",
            period_start=date(2019, 1, 1),
            value=Decimal(1),
        )
    for area in (world.other_commune, world.province):
        figures = compute(actor=CONSOLE, area=area, start=date(2018, 1, 1), end=date(2018, 12, 31))
        assert figures["indicators"]["tips.count"] == 11
    assert (
        compute(actor=CONSOLE, area=world.commune, start=date(2018, 1, 1), end=date(2018, 12, 31))[
            "indicators"
        ]["tips.count"]
        == 0
    )


def test_a_leader_cannot_assess_their_own_tip_and_an_edited_entry_is_checked_again(world: Any) -> None:
    tip = services.entry_record(
        actor=world.linh,
        team=world.team,
        village=world.village,
        kind="tip",
        occurred_on=last_month(),
        tip_category="drugs",
    )
    assert tip.tip_valuable is None
    with pytest.raises(ValueError):
        services.entry_record(
            actor=world.linh,
            team=world.team,
            village=world.village,
            kind="tip",
            occurred_on=last_month(),
            tip_category="drugs",
            tip_valuable=True,
        )
    with pytest.raises(PermissionDenied):
        services.tip_assess(actor=world.linh, entry=tip, valuable=True)
    services.entry_review(actor=world.alice, entry=tip, verdict="verified")
    services.entry_update(actor=world.linh, entry=tip, tip_category="theft")
    assert Entry.objects.get(pk=tip.pk).status == "submitted"


def test_a_leader_does_not_add_up_totals_entered_for_the_whole_commune(world: Any) -> None:
    year = timezone.localdate().year - 3
    services.aggregate_record(
        actor=world.alice,
        area=world.commune,
        indicator="patrols.count",
        period_kind="year",
        period_start=date(year, 1, 1),
        value=Decimal(52),
    )

    def patrols(user: Any) -> int:
        return compute(actor=user, area=world.commune, start=date(year, 1, 1), end=date(year, 12, 31))[
            "indicators"
        ]["patrols.count"]

    assert patrols(world.alice) == 52 and patrols(world.linh) == 0


def test_completeness_from_rollups_equals_the_team_by_village_by_month_walk(world: Any) -> None:
    """The grouped count of reporting.completeness against reporting_status, the walk the
    officer's pages use, for a commune-wide team that turns weak, is dissolved and comes back."""
    from tuquan.registry import services as registry

    today = timezone.localdate()
    second = core_village(world, "Nà Sản")
    commune_wide = registry.model_type_create(
        actor=CONSOLE,
        province=world.province,
        code="ca-xa",
        name="Mô hình cả xã",
        short_name="Cả xã",
        kind="team",
        attaches_to="commune",
        roles=[{"code": "leader", "label": "Trưởng"}],
        journal_kinds=["meeting"],
    )
    wide = registry.team_create(
        actor=CONSOLE,
        model_type=commune_wide,
        name="Tổ tuần tra cả xã",
        home_area=world.commune,
        areas=[world.commune],
        status="active",
        status_on=date(2024, 3, 10),
        established_on=date(2024, 3, 10),
    )
    registry.team_set_status(
        actor=CONSOLE, team=wide, status="weak", on=date(2024, 9, 20), reason="Ít hoạt động"
    )
    registry.team_set_status(
        actor=CONSOLE, team=wide, status="dissolved", on=date(2025, 2, 14), reason="Giải thể"
    )
    for n, day in enumerate([date(2024, 4, 2), date(2024, 9, 30), date(2024, 10, 3), date(2024, 4, 20)]):
        services.entry_record(
            actor=CONSOLE,
            team=wide,
            village=second if n % 2 else world.village,
            kind="meeting",
            occurred_on=day,
            confirm=True,
        )
    for start, end in [
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 3, 15), date(2025, 3, 5)),
        (date(2023, 6, 1), today),
        (last_month(), today),
    ]:
        for actor, area in [
            (world.alice, world.commune),
            (world.charlie, world.province),
            (CONSOLE, world.province.parent),
            (world.linh, world.village),
        ]:
            rows = selectors.reporting_status(actor, area, start, end)
            expected = {"numerator": sum(1 for r in rows if r["entries"]), "denominator": len(rows)}
            got = compute(actor=actor, area=area, start=start, end=end)["indicators"][
                "reporting.completeness"
            ]
            assert {k: got[k] for k in expected} == expected, (area.ident, start, end)
    assert expected["denominator"] > 0
    # A meeting held before the team was dissolved in mid-February: a report it did not owe
    # (not active at the month's end). The walk ignores it; the engine counts it, capped.
    services.entry_record(
        actor=CONSOLE, team=wide, village=world.village, kind="meeting", occurred_on=date(2025, 2, 3)
    )
    rows = selectors.reporting_status(world.alice, world.commune, date(2025, 1, 1), date(2025, 3, 31))
    got = compute(actor=world.alice, area=world.commune, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert (
        got["indicators"]["reporting.completeness"]["numerator"] == sum(1 for r in rows if r["entries"]) + 1
    )


def core_village(world: Any, name: str) -> Any:
    from tuquan.core import services as core

    return core.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name=name)


# One case per asker and period: each compares every child area one by one (the province's
# 75 communes under three options take a few seconds).
@pytest.mark.parametrize("period", ["since-2023", "inside-the-last-200-days"])
@pytest.mark.parametrize("asker", ["console", "charlie", "alice", "linh"])
def test_figures_of_sibling_areas_read_together_equal_each_area_on_its_own(
    world: Any, asker: str, period: str
) -> None:
    """The grouped form the report engine uses for a breakdown by child area gives, for every
    child, exactly what `compute` gives for it alone: sums over whole and partial months,
    period totals (also of old communes), completeness, type filter, approved only."""
    import random

    from tuquan.core.indicators import compute_children
    from tuquan.core.models import Area
    from tuquan.reports.engine import children

    rng = random.Random(11)
    today = timezone.localdate()
    services.aggregate_record(
        actor=world.bob,
        area=Area.objects.get(ident="legacy:04078"),
        indicator="tips.count",
        period_kind="year",
        period_start=date(2023, 1, 1),
        value=Decimal(7),
    )
    scattered_entries(world, rng, 30, days=500)
    month = last_month().replace(day=1)
    for entry in Entry.objects.filter(
        village=world.village, occurred_on__year=month.year, occurred_on__month=month.month
    ):
        services.entry_review(actor=world.alice, entry=entry, verdict="verified")
    services.month_approve(actor=world.alice, village=world.village, month=month)
    start, end = {
        "since-2023": (date(2023, 1, 1), today),
        "inside-the-last-200-days": (today - timedelta(days=200), today - timedelta(days=20)),
    }[period]
    actor, area = {
        "console": (CONSOLE, world.province.parent),
        "charlie": (world.charlie, world.province),
        "alice": (world.alice, world.commune),
        "linh": (world.linh, world.commune),
    }[asker]
    kids = children(actor, area)
    everything: list[dict[str, Any]] = [
        {},
        {"approved_only": True},
        {"type_code": world.team.type.code},
    ]
    # The country's 34 provinces one by one are slow: the default options suffice there.
    for options in everything[:1] if area.level == "country" else everything:
        together = compute_children(actor=actor, areas=kids, start=start, end=end, **options)
        for kid in kids:
            alone = compute(actor=actor, area=kid, start=start, end=end, **options)
            assert together[kid.ident] == alone, (area.ident, kid.ident, start, end, options)
    if (asker, period) != ("charlie", "since-2023"):
        return
    # The grouped form really is used where the asker sees whole areas (not one by one).
    from tuquan.journal import indicators

    def one_by_one(query: Any) -> Any:
        raise AssertionError("grouped form fell back to one area at a time")

    original, indicators.journal_indicators = indicators.journal_indicators, one_by_one  # type: ignore[assignment]
    try:
        compute_children(
            actor=world.charlie, areas=children(world.charlie, world.province), start=start, end=end
        )
    finally:
        indicators.journal_indicators = original  # type: ignore[assignment]
    by_type = compute(
        actor=CONSOLE, area=world.province, start=date(2023, 1, 1), end=today, type_code=world.team.type.code
    )
    total = compute(actor=CONSOLE, area=world.province, start=date(2023, 1, 1), end=today)
    assert by_type["indicators"]["patrols.count"] == total["indicators"]["patrols.count"] > 0


def test_a_number_past_a_million_is_refused_in_vietnamese_and_nothing_is_saved(world: Any) -> None:
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as caught:
        patrol(world, member_turns=5_000_000, other_participants=5_000_000, confirm=True)
    errors = caught.value.message_dict
    assert errors["other_participants"] == ["Số quá lớn (tối đa 1.000.000)."]
    assert "Số quá lớn (tối đa 1.000.000)." in errors["member_turns"]
    # Past what the database can hold (PostgreSQL's integer refuses it first, in Vietnamese too).
    with pytest.raises(ValidationError) as caught:
        patrol(world, member_turns=1, other_participants=2**63 - 1, confirm=True)
    assert caught.value.message_dict["other_participants"]
    assert Entry.objects.count() == before
    # Through the leader's page: the form comes back (422) with the message beside the field.
    page = client_for(world.linh).post(
        f"/nhat-ky/{world.team.uid}/ghi/patrol/",
        {
            "occurred_on": last_month().strftime("%d/%m/%Y"),
            "village": world.village.ident,
            "member_turns": "1",
            "other_participants": "5000000",
        },
    )
    assert page.status_code == 422 and "Số quá lớn" in page.content.decode()
    assert Entry.objects.count() == before
