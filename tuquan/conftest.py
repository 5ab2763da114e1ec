"""Shared fixtures: the official units loaded once, and named personas.

The world every test can use:
  Sơn La (14) → Xã Phiêng Khoài (04099) → Bản Nà Khoang (04099.1)
              → Xã Chiềng Hặc (04078)   → Bản Nà Kè (04078.1)
  Lai Châu (12) → Xã Bum Nưa (first commune) → Bản Lai (…​.1)

  sam     system administrator
  charlie province administrator of Sơn La      dana   province staff of Sơn La
  alice   commune officer of Phiêng Khoài       quang  commune committee of Phiêng Khoài
  bob     commune officer of Chiềng Hặc (same province, other commune)
  linh    team leader in Bản Nà Khoang           minh   team member in Bản Nà Khoang
  erin    province administrator of Lai Châu
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tuquan.core import crypto
from tuquan.testing import PASSWORD, require_all, skip_or_fail  # noqa: F401  (the tests import them from here)
from tuquan.testing.journey import (  # noqa: F401  (fixtures: the journey harness)
    chromium,
    collected_static,
    journey,
    live_server,
    page,
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Fixtures read `rep_call` to know whether the test failed (a screenshot is then kept).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from tuquan.core import units

    with django_db_blocker.unblock():
        units.load()


# Shared test data built once per test process (tuquan/testing/states.py): tests are ordered
# by the data they need, and the database is switched between those states just before
# pytest-django opens the test's transaction (its `_django_db_helper` fixture).
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from tuquan.testing import states

    states.order(items)


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> None:
    if fixturedef.argname == "_django_db_helper":
        from tuquan.testing import states

        states.prepare(request)


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Any:
    # Data keys created inside a rolled-back test must not survive in the process cache.
    crypto.reset_cache()
    yield
    crypto.reset_cache()


@dataclass
class World:
    province: Any
    commune: Any
    village: Any
    other_commune: Any
    other_village: Any
    far_province: Any
    far_commune: Any
    far_village: Any
    users: dict[str, Any]
    registry: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        for group in ("users", "registry"):
            found = self.__dict__.get(group, {})
            if name in found:
                return found[name]
        raise AttributeError(name)


def make_user(username: str, role: str, area: Any, **extra: Any) -> Any:
    from tuquan.accounts.models import RoleAssignment, User

    user = User.objects.create(username=username, full_name=extra.pop("full_name", username.title()), **extra)
    user.set_password(PASSWORD)
    user.save()
    RoleAssignment.objects.create(user=user, role=role, area=area)
    return user


def build_world() -> World:
    """The world (see the module's docstring), written through the services."""
    from tuquan.core import services
    from tuquan.core.actors import CONSOLE
    from tuquan.core.models import Area

    province = Area.objects.get(ident="14")
    commune = Area.objects.get(ident="04099")
    other_commune = Area.objects.get(ident="04078")
    far_province = Area.objects.get(ident="12")
    far_commune = Area.objects.filter(parent=far_province).order_by("ident")[0]
    village = services.village_create(actor=CONSOLE, commune=commune, kind="Bản", name="Nà Khoang")
    other_village = services.village_create(actor=CONSOLE, commune=other_commune, kind="Bản", name="Nà Kè")
    far_village = services.village_create(actor=CONSOLE, commune=far_commune, kind="Bản", name="Lai")
    country = Area.objects.get(ident="VN")
    users = {
        "sam": make_user("sam", "system_admin", country),
        "charlie": make_user("charlie", "province_admin", province),
        "dana": make_user("dana", "province_staff", province),
        "alice": make_user("alice", "commune_officer", commune),
        "quang": make_user("quang", "commune_committee", commune),
        "bob": make_user("bob", "commune_officer", other_commune),
        "linh": make_user("linh", "team_leader", village, phone="0912000111", national_id="014090001111"),
        "minh": make_user("minh", "team_member", village),
        "erin": make_user("erin", "province_admin", far_province),
    }
    world = World(
        province,
        commune,
        village,
        other_commune,
        other_village,
        far_province,
        far_commune,
        far_village,
        users,
        registry_world(users, village, far_village),
    )
    world.registry.update(app_worlds(world))
    return world


def refetched(world: World) -> World:
    """The same world with every model instance read again: a test that changed an object in
    memory (then rolled back) must not hand its copy to the next test."""
    from django.db.models import Model

    def fresh(value: Any) -> Any:
        return type(value)._base_manager.get(pk=value.pk) if isinstance(value, Model) else value

    areas: dict[str, Any] = {name: fresh(getattr(world, name)) for name in AREA_FIELDS}
    return World(
        **areas,
        users={name: fresh(user) for name, user in world.users.items()},
        registry={name: fresh(obj) for name, obj in world.registry.items()},
    )


AREA_FIELDS = (
    "province",
    "commune",
    "village",
    "other_commune",
    "other_village",
    "far_province",
    "far_commune",
    "far_village",
)


@pytest.fixture
def world(db: Any) -> World:
    """The world, built once per test process and kept committed (tuquan.testing.states):
    each test reads it inside its own transaction, rolled back at its end."""
    from tuquan.testing import states

    built = states.built("world")
    assert isinstance(built, World), "the world is built before the test starts (pytest_runtest_setup)"
    return refetched(built)


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    """The whole demo (`tuquan load-demo`), built once per test process like the world; its
    value is the period the demo's figures cover ({"start", "end"})."""
    from tuquan.testing import states

    period = states.built("demo")
    assert period is not None, "the demo is loaded before the test starts (pytest_runtest_setup)"
    return period  # type: ignore[no-any-return]


@pytest.fixture
def live_world(transactional_db: Any, request: pytest.FixtureRequest) -> World:
    """The world, committed so that the live server's threads see it (the browser journeys);
    the units are loaded again first, since a transactional test ends by emptying every table."""
    from tuquan.core import units

    units.load()
    reseed_after_flush()
    return build_world()


def app_worlds(world: World) -> dict[str, Any]:
    """Objects later apps add to the world: each app may have `tests/world.py` with
    `build(world) -> dict` (an object inside alice's area and one `far_` in Lai Châu)."""
    import importlib
    import pkgutil

    import tuquan

    made: dict[str, Any] = {}
    for module in pkgutil.walk_packages(tuquan.__path__, "tuquan."):
        if module.name.endswith(".tests.world"):
            made.update(importlib.import_module(module.name).build(world))
    return made


def registry_world(users: dict[str, Any], village: Any, far_village: Any) -> dict[str, Any]:
    """A patrol team in Bản Nà Khoang led by linh, with a household; the same in Lai Châu."""
    from datetime import date

    from tuquan.core.actors import CONSOLE
    from tuquan.registry import services
    from tuquan.registry.models import ModelType

    patrol = ModelType.objects.get(code="tuan-tra-nhan-dan")
    made: dict[str, Any] = {}
    for prefix, where, leader in (("", village, users["linh"]), ("far_", far_village, None)):
        team = services.team_create(
            actor=CONSOLE,
            model_type=patrol,
            name=f"Tổ tuần tra {where.short_name}",
            home_area=where.parent,
            areas=[where],
            status="active",
            established_on=date(2020, 1, 1),
            decision_number="12/QĐ-UBND",
        )
        person = services.person_create(
            actor=CONSOLE,
            full_name="Lò Văn Tổ" if prefix == "" else "Giàng A Xa",
            area=where,
            gender="male",
            birth_year=1975,
            national_id="014075009999",
            ethnicity="Thái",
            phone="0977000111",
        )
        if leader is not None:
            person.user = leader
            person.save(update_fields=["user"])
        household = services.household_create(
            actor=CONSOLE, area=where, address=f"Nhà số 1, {where.name}", head=person
        )
        membership = services.membership_add(
            actor=CONSOLE, team=team, person=person, role="leader", start_on=date(2020, 1, 1)
        )
        services.team_household_add(actor=CONSOLE, team=team, household=household, start_on=date(2020, 1, 1))
        made.update(
            {
                f"{prefix}team": team,
                f"{prefix}person": person,
                f"{prefix}household": household,
                f"{prefix}membership": membership,
            }
        )
    made.update(placements_world(village, far_village))
    made.update(journal_world(made))
    made.update(reports_world(users, village, far_village))
    made["far_type"] = services.model_type_create(
        actor=CONSOLE,
        province=far_village.province,
        code="lai-chau-rieng",
        name="Mô hình riêng Lai Châu",
        short_name="Riêng Lai Châu",
        kind="team",
        attaches_to="village",
        roles=[{"code": "leader", "label": "Trưởng"}, {"code": "member", "label": "Thành viên"}],
    )
    return made


def placements_world(village: Any, far_village: Any) -> dict[str, Any]:
    """Pretend each world commune's old namesake was split between two new communes, and a
    person record from it waits in the queue (real split communes exist only elsewhere)."""
    from tuquan.core.models import Area, AreaSuccession
    from tuquan.core.services import placement_create
    from tuquan.registry.models import Person

    made: dict[str, Any] = {}
    for prefix, commune in (("", village.parent), ("far_", far_village.parent)):
        legacy = (
            Area.objects.filter(level="legacy_commune", successor_links__successor=commune).first()
            or Area.objects.filter(level="legacy_commune", province=commune.province).first()
        )
        assert legacy is not None
        sibling = (
            Area.objects.filter(parent=commune.parent, level="commune")
            .exclude(pk=commune.pk)
            .order_by("ident")[0]
        )
        if prefix == "":
            sibling = Area.objects.get(ident="04078")
        AreaSuccession.objects.filter(predecessor=legacy).delete()
        for successor in (commune, sibling):
            AreaSuccession.objects.create(predecessor=legacy, successor=successor, kind="part")
        person = Person.objects.create(full_name="Người từ xã cũ", area=legacy, birth_year=1980)
        made[f"{prefix}placement"] = placement_create(
            obj=person, legacy_area=legacy, summary="Người từ xã cũ (1980)", source="thu-nghiem.xlsx"
        )
    return made


def journal_world(made: dict[str, Any]) -> dict[str, Any]:
    """One patrol recorded for each world team (last month, so it can be approved)."""
    from datetime import timedelta

    from django.utils import timezone

    from tuquan.core.actors import CONSOLE
    from tuquan.journal.services import entry_record

    day = timezone.localdate().replace(day=1) - timedelta(days=3)
    found: dict[str, Any] = {}
    for prefix in ("", "far_"):
        team = made[f"{prefix}team"]
        found[f"{prefix}entry"] = entry_record(
            actor=CONSOLE,
            team=team,
            village=team.areas.get(),
            kind="patrol",
            occurred_on=day,
            participants=[made[f"{prefix}person"]],
            member_turns=1,
        )
    return found


def reseed_after_flush() -> None:
    """Transactional tests end with a flush that also empties data seeded by migrations (the
    model-type catalogue, the national criteria sets); a later transactional test puts it back."""
    import importlib

    from django.apps import apps

    from tuquan.assessment.models import CriteriaSet
    from tuquan.registry.models import ModelType

    if not ModelType.objects.exists():
        importlib.import_module("tuquan.registry.migrations.0002_builtin_model_types").seed(apps, None)
    if not CriteriaSet.objects.exists():
        importlib.import_module("tuquan.assessment.migrations.0002_criteria_sets").seed(apps, None)


def login(tab: Any, base: str) -> None:
    tab.goto(f"{base}/dang-nhap/")
    tab.fill("#id_username", "alice")
    tab.fill("#id_password", PASSWORD)
    tab.click("button[type=submit] >> text=Đăng nhập")
    tab.wait_for_url(f"{base}/")


def reports_world(users: dict[str, Any], village: Any, far_village: Any) -> dict[str, Any]:
    """A finished report of alice's (inside) and one of erin's (outside): a report is its
    author's alone."""
    from datetime import date

    from tuquan.reports.models import ReportJob

    made = {}
    for prefix, owner, area in (
        ("", users["alice"], village.parent),
        ("far_", users["erin"], far_village.parent),
    ):
        made[f"{prefix}report"] = ReportJob.objects.create(
            actor=owner,
            area=area,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            by=["child"],
            status="ready",
            result={
                "area": {"id": area.ident, "name": area.short_name},
                "from": "2025-01-01",
                "to": "2025-12-31",
                "indicators": {},
                "notes": {},
                "breakdowns": {},
                "labels": {},
                "comparison": {"previous": {"indicators": {}}, "year_before": {"indicators": {}}},
            },
            workbook=b"",
        )
    return made
