"""The registry's stocks (teams, sites, coverage, members on a day) kept per commune,
province and country: right after every kind of write, and equal to the rosters' count."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tuquan.core import services as core_services
from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import Query
from tuquan.core.models import Area
from tuquan.registry import indicators, services, stocks
from tuquan.registry.models import ModelType, Stock

pytestmark = pytest.mark.django_db


def village_type() -> ModelType:
    found = (
        ModelType.objects.filter(attaches_to="village", is_statutory=False, is_active=True)
        .exclude(code="tuan-tra-nhan-dan")
        .order_by("code")
        .first()
    )
    assert found is not None
    return found


def history(world: Any) -> list[tuple[str, Any]]:
    """Steps of a commune's life, each a write the stocks must follow."""
    made: dict[str, Any] = {}

    def team(name: str, model_type: ModelType, areas: list[Any], established_on: date) -> Any:
        return services.team_create(
            actor=world.alice,
            model_type=model_type,
            name=name,
            home_area=world.commune,
            areas=areas,
            status="active",
            established_on=established_on,
        )

    def statutory() -> ModelType:
        return ModelType.objects.get(code="to-bao-ve-antt")

    def second_village() -> None:
        made["v2"] = core_services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Pá")
        made["v3"] = core_services.village_create(actor=CONSOLE, commune=world.commune, kind="Bản", name="Co")

    def team_b() -> None:
        made["b"] = team("Tổ hòa giải bản Pá", village_type(), [made["v2"]], date(2021, 3, 1))

    def cluster() -> None:
        made["c"] = team(
            "Cụm giáp ranh",
            ModelType.objects.get(code="cum-giap-ranh"),
            [world.commune, world.other_commune],
            date(2021, 6, 1),
        )

    def team_d() -> None:
        made["d"] = team("Tổ tuần tra bản Co", world.team.type, [made["v3"]], date(2020, 5, 1))

    def same_person_in_three_teams() -> None:
        for joined, on in ((made["b"], date(2021, 4, 1)), (made["c"], date(2021, 7, 1))):
            services.membership_add(
                actor=CONSOLE, team=joined, person=world.person, role="member", start_on=on
            )

    def force() -> None:
        made["f"] = team("Tổ bảo vệ ANTT", statutory(), [world.village, made["v2"]], date(2020, 7, 1))
        old, young = (
            services.person_create(
                actor=world.alice,
                full_name=name,
                area=world.village,
                birth_year=year,
                resident_since=date(2000, 1, 1),
                education="lower_secondary",
                gender="male",
            )
            for name, year in (("Cụ Lò Văn Cả", 1952), ("Lò Văn Út", 1990))
        )
        served = []
        for person, role, on in ((old, "leader", date(2020, 8, 1)), (young, "member", date(2021, 2, 1))):
            served.append(
                services.membership_add(
                    actor=CONSOLE,
                    team=made["f"],
                    person=person,
                    role=role,
                    start_on=on,
                    decision_number="01/QĐ-UBND",
                    age_exception=True,
                )
            )
        # Promoted: the member's service ends and a deputy's begins (the role follows the day).
        services.membership_end(actor=CONSOLE, membership=served[1], end_on=date(2022, 1, 31))
        services.membership_add(
            actor=CONSOLE,
            team=made["f"],
            person=young,
            role="deputy",
            start_on=date(2022, 2, 1),
            decision_number="02/QĐ-UBND",
        )
        services.person_update(actor=world.alice, person=old, birth_year=1950)
        # The same person in a second statutory team, made later but named first: the role
        # counted is the first team's by id (as the rosters count), not by name.
        made["f2"] = team("An ninh bản Co", statutory(), [made["v3"]], date(2021, 5, 1))
        services.membership_add(
            actor=CONSOLE,
            team=made["f2"],
            person=young,
            role="leader",
            start_on=date(2021, 6, 1),
            decision_number="03/QĐ-UBND",
        )

    def statuses() -> None:
        for changed, status, on in (
            (made["b"], "weak", date(2022, 3, 1)),
            (made["b"], "active", date(2022, 9, 1)),
            (world.team, "weak", date(2023, 5, 5)),
            (made["b"], "dissolved", date(2024, 1, 1)),
        ):
            services.team_set_status(
                actor=CONSOLE, team=changed, status=status, on=on, reason="Theo biên bản"
            )

    def leaves() -> None:
        services.membership_end(actor=CONSOLE, membership=world.membership, end_on=date(2023, 6, 30))

    def moves() -> None:
        services.team_update(actor=world.alice, team=world.team, areas=[made["v2"]])
        # A founding day moved (from the API, without areas): paper-only days move with it.
        services.team_update(actor=world.alice, team=made["d"], established_on=date(2023, 1, 1))

    def merge() -> None:
        core_services.village_merge(
            actor=CONSOLE, sources=[made["v3"]], target=made["v2"], on=date(2024, 6, 1)
        )

    return [
        ("villages", second_village),
        ("team in a second village", team_b),
        ("border cluster", cluster),
        ("team in a third village", team_d),
        ("one person in three teams", same_person_in_three_teams),
        ("the statutory force", force),
        ("status changes", statuses),
        ("a member leaves", leaves),
        ("a team moves village", moves),
        ("villages merge", merge),
    ]


def test_stocks_equal_a_recount_after_every_kind_of_write(world: Any) -> None:
    assert Stock.objects.exists()
    assert stocks.verify() == []
    for name, step in history(world):
        step()
        assert stocks.verify() == [], name


def test_a_write_that_reaches_undeclared_keys_is_refused(world: Any) -> None:
    from tuquan.registry.models import Membership

    someone = services.person_create(
        actor=world.alice, full_name="Lò Thị Ét", area=world.village, birth_year=1990
    )
    # The team is declared, the person who joins it is not: their stocks have no "before".
    with pytest.raises(RuntimeError, match="undeclared"), stocks.changing(teams=[world.team.pk]):
        Membership.objects.create(team=world.team, person=someone, role="member", start_on=date(2024, 1, 1))
    assert not Membership.objects.filter(person=someone).exists()  # the whole write is undone
    assert stocks.verify() == []


def test_a_team_changed_inside_a_change_of_its_journal_is_counted_once(world: Any) -> None:
    with stocks.changing(journals=[world.team.pk]):
        services.team_set_status(
            actor=CONSOLE, team=world.team, status="weak", on=date(2024, 1, 1), reason="x"
        )
    assert stocks.verify() == []


def counted(query: Query, *, kept: bool, monkeypatch: Any) -> dict[str, Any]:
    """The registry's figures read from the stocks (which must then be used), or counted."""
    used: list[bool] = []
    real = indicators._from_stocks

    def spy(queries: Any, counts: Any) -> bool:
        used.append(real(queries, counts) if kept else False)
        return used[-1]

    with monkeypatch.context() as m:
        m.setattr(indicators, "_from_stocks", spy)
        figures = indicators.registry_indicators(query)
    assert used == [kept]
    return figures


DAYS = [date(2019, 12, 31), date(2021, 3, 1), date(2021, 7, 1), date(2022, 5, 1), date(2023, 5, 5)]
DAYS += [date(2023, 6, 30), date(2023, 7, 1), date(2024, 1, 1), date(2024, 5, 31), date(2024, 6, 1)]
DAYS += [date(2026, 1, 1)]


def test_figures_from_stocks_equal_figures_counted_from_the_rosters(world: Any, monkeypatch: Any) -> None:
    for _name, step in history(world):
        step()
    country = Area.objects.get(ident="VN")
    kinds = ["", world.team.type.code, village_type().code, "cum-giap-ranh", "no-such-type"]
    seen = force = 0
    for area in (world.commune, world.other_commune, world.province, country):
        for day in DAYS:
            for type_code in kinds:
                query = Query(actor=CONSOLE, area=area, start=date(2019, 1, 1), end=day, type_code=type_code)
                kept = counted(query, kept=True, monkeypatch=monkeypatch)
                assert kept == counted(query, kept=False, monkeypatch=monkeypatch), (area, day, type_code)
                seen += kept["teams.active"] + kept["teams.members"]
                force += kept["force.members.by_age_group"]["over_70"]
    assert seen > 0 and force > 0  # the history is not empty on the days read


def test_siblings_from_stocks_equal_each_child_counted_alone(world: Any, monkeypatch: Any) -> None:
    from tuquan.core.indicators import compute_children

    for _name, step in history(world):
        step()
    communes = [world.commune, world.other_commune]
    for day in DAYS:
        together = compute_children(actor=world.charlie, areas=communes, start=date(2019, 1, 1), end=day)
        for commune in communes:
            figures = together[commune.ident]
            alone = counted(
                Query(actor=world.charlie, area=commune, start=date(2019, 1, 1), end=day),
                kept=False,
                monkeypatch=monkeypatch,
            )
            assert {k: figures["indicators"][k] for k in alone} == alone, (commune, day)


def test_teams_weak_counts_the_status_on_the_last_day_not_today(world: Any, monkeypatch: Any) -> None:
    services.team_set_status(actor=CONSOLE, team=world.team, status="weak", on=date(2024, 1, 1), reason="x")
    for kept in (True, False):
        before = counted(
            Query(actor=CONSOLE, area=world.commune, start=date(2023, 1, 1), end=date(2023, 12, 31)),
            kept=kept,
            monkeypatch=monkeypatch,
        )
        after = counted(
            Query(actor=CONSOLE, area=world.commune, start=date(2024, 1, 1), end=date(2024, 12, 31)),
            kept=kept,
            monkeypatch=monkeypatch,
        )
        assert (before["teams.weak"], after["teams.weak"]) == (0, 1)


def test_expected_reporting_pairs_from_stocks_equal_the_count_over_status_spans(
    world: Any, monkeypatch: Any
) -> None:
    from tuquan.journal.selectors import expected_pairs_by

    for _name, step in history(world):
        step()
    country = Area.objects.get(ident="VN")
    kinds = [None, world.team.type.code, "cum-giap-ranh", "no-such-type"]
    asked = [(world.commune, None), (world.province, None), (country, None), (world.province, "commune")]
    asked += [(country, "province")]
    total = 0
    for area, child_level in asked:
        for end in DAYS:
            for type_code in kinds:
                args = (CONSOLE, area, date(2019, 6, 1), end, type_code, child_level)
                kept = expected_pairs_by(*args)
                with monkeypatch.context() as m:
                    m.setattr(stocks, "LEVELS", ())
                    counted = expected_pairs_by(*args)
                assert {k: v for k, v in kept.items() if v} == {k: v for k, v in counted.items() if v}, args
                total += sum(kept.values())
    assert total > 0


def test_paper_only_teams_from_stocks_follow_verified_entries(world: Any, monkeypatch: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tuquan.assessment.indicators import assessment_indicators
    from tuquan.journal import services as journal

    today = timezone.localdate()
    entries = []
    for k in range(8):
        entries.append(
            journal.entry_record(
                actor=CONSOLE,
                team=world.team,
                village=world.village,
                kind="patrol",
                occurred_on=today - timedelta(days=20 + 97 * k),
                participants=[world.person],
                member_turns=1,
                confirm=True,
            )
        )
    for entry in entries[::2]:
        journal.entry_review(actor=world.alice, entry=entry, verdict="verified")
    assert stocks.verify() == []
    journal.entry_update(actor=CONSOLE, entry=entries[2], note="Sửa lại")  # verified no more
    assert stocks.verify() == []
    country = Area.objects.get(ident="VN")
    seen = set()
    for area in (world.commune, world.province, country):
        for j in range(0, 900, 37):
            query = Query(
                actor=world.sam,
                area=area,
                start=today - timedelta(days=j + 30),
                end=today - timedelta(days=j),
            )
            kept = assessment_indicators(query)["teams.paper_only"]
            with monkeypatch.context() as m:
                m.setattr(stocks, "LEVELS", ())
                assert assessment_indicators(query)["teams.paper_only"] == kept, (area, j)
            seen.add(kept)
    assert len(seen) > 1  # on paper some days, working on others


def test_the_migration_that_adds_stocks_counts_with_its_own_historical_models(world: Any) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    for _name, step in history(world):
        step()
    state = MigrationLoader(connection).project_state(("registry", "0005_stocks"))
    assert stocks.recount(state.apps) == stocks.recount()
