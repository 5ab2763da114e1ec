"""Demo teams, people, households and commitments in Sơn La (part of `tuquan load-demo`)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from tuquan.accounts.models import User
from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area
from tuquan.registry import services
from tuquan.registry.models import ModelType, Person, Team

# name, gender, birth year, village ident, ethnicity
PEOPLE = [
    ("Quàng Văn Tổ", "male", 1978, "04099.1", "Thái"),
    ("Lường Thị Viên", "female", 1990, "04099.1", "Thái"),
    ("Lò Văn Hùng", "male", 1982, "04099.1", "Thái"),
    ("Cầm Thị Lan", "female", 1986, "04099.1", "Thái"),
    ("Tòng Văn Sơn", "male", 1975, "04099.1", "Thái"),
    ("Lò Thị Hoa", "female", 1995, "04099.1", "Thái"),
    ("Giàng A Páo", "male", 1980, "04099.2", "Mông"),
    ("Sồng A Chư", "male", 1969, "04099.2", "Mông"),
    ("Vàng A Dê", "male", 1988, "04099.2", "Mông"),
    ("Mùa A Sính", "male", 1992, "04099.2", "Mông"),
    ("Lý Thị Mai", "female", 1984, "04099.2", "Mông"),
    ("Hà Văn Thắng", "male", 1950, "04099.3", "Thái"),
    ("Lò Văn Ún", "male", 1972, "04099.3", "Thái"),
    ("Quàng Thị Xuân", "female", 1980, "04099.3", "Thái"),
    ("Điêu Văn Hải", "male", 1979, "04078.1", "Thái"),
    ("Lò Thị Thương", "female", 1987, "04078.1", "Thái"),
    ("Nguyễn Văn Bình", "male", 1958, "03646.1", "Kinh"),
    ("Trần Thị Hòa", "female", 1970, "03646.1", "Kinh"),
    ("Phạm Văn Dũng", "male", 1965, "03646.1", "Kinh"),
    ("Lê Văn Cường", "male", 1983, "03646.1", "Kinh"),
]


def load_registry_demo() -> int:
    if Team.objects.filter(name="Tổ bảo vệ ANTT bản Nà Khoang").exists():
        return 0
    with transaction.atomic():
        area = {
            a.ident: a
            for a in Area.objects.filter(ident__in={p[3] for p in PEOPLE} | {"04099", "04078", "03646"})
        }
        people: dict[str, Person] = {}
        for name, gender, year, village, ethnicity in PEOPLE:
            people[name] = services.person_create(
                actor=CONSOLE,
                full_name=name,
                gender=gender,
                birth_year=year,
                area=area[village],
                ethnicity=ethnicity,
                education="lower_secondary",
                resident_since=date(year + 18, 1, 1),
            )
        for username, name in (("to", "Quàng Văn Tổ"), ("tv", "Lường Thị Viên")):
            people[name].user = User.objects.filter(username=username).first()
            people[name].save(update_fields=["user"])
        households = {}
        for head in (
            "Quàng Văn Tổ",
            "Lò Văn Hùng",
            "Tòng Văn Sơn",
            "Giàng A Páo",
            "Sồng A Chư",
            "Hà Văn Thắng",
            "Lò Văn Ún",
            "Nguyễn Văn Bình",
            "Trần Thị Hòa",
        ):
            p = people[head]
            households[head] = services.household_create(
                actor=CONSOLE, area=p.area, head=p, address=f"Nhà {head}, {p.area.name}"
            )
        t = {
            code: ModelType.objects.get(code=code)
            for code in (
                "to-bao-ve-antt",
                "tuan-tra-nhan-dan",
                "lien-gia-tu-quan",
                "thon-an-toan",
                "cum-giap-ranh",
                "antt-pccc",
            )
        }

        def team(code: str, name: str, home: str, areas: list[str], **kw: object) -> Team:
            return services.team_create(
                actor=CONSOLE,
                model_type=t[code],
                name=name,
                home_area=area[home] if home in area else Area.objects.get(ident=home),
                areas=[Area.objects.get(ident=i) for i in areas],
                **kw,  # type: ignore[arg-type]
            )

        force = team(
            "to-bao-ve-antt",
            "Tổ bảo vệ ANTT bản Nà Khoang",
            "04099",
            ["04099.1", "04099.2"],
            status="active",
            established_on=date(2024, 7, 1),
            decision_number="125/QĐ-UBND",
            decision_date=date(2024, 6, 28),
            decision_body="UBND xã Phiêng Khoài",
        )
        for name, role, n in (
            ("Quàng Văn Tổ", "leader", 126),
            ("Lò Văn Hùng", "deputy", 127),
            ("Lường Thị Viên", "member", 128),
        ):
            services.membership_add(
                actor=CONSOLE,
                team=force,
                person=people[name],
                role=role,
                start_on=date(2024, 7, 1),
                decision_number=f"{n}/QĐ-UBND",
                decision_date=date(2024, 6, 28),
                former_force_start=date(2015, 3, 1),
                former_force_end=date(2024, 6, 30),
                certificate_number=f"CCHT-14-{n:05d}",
            )
        patrol = team(
            "tuan-tra-nhan-dan",
            "Tổ tuần tra nhân dân bản Pá Sàng",
            "04099",
            ["04099.2"],
            status="active",
            established_on=date(2019, 5, 1),
            decision_number="45/QĐ-UBND",
        )
        for name in ("Giàng A Páo", "Sồng A Chư", "Vàng A Dê", "Mùa A Sính"):
            services.membership_add(
                actor=CONSOLE,
                team=patrol,
                person=people[name],
                role="leader" if name == "Giàng A Páo" else "member",
                start_on=date(2019, 5, 1),
            )
        group = team(
            "lien-gia-tu-quan",
            "Nhóm liên gia tự quản số 1 bản Nà Khoang",
            "04099",
            ["04099.1"],
            status="active",
            established_on=date(2012, 3, 1),
        )
        for name in ("Quàng Văn Tổ", "Cầm Thị Lan", "Tòng Văn Sơn", "Lò Thị Hoa"):
            services.membership_add(
                actor=CONSOLE,
                team=group,
                person=people[name],
                role="leader" if name == "Tòng Văn Sơn" else "member",
                start_on=date(2012, 3, 1),
            )
        for head in ("Quàng Văn Tổ", "Lò Văn Hùng", "Tòng Văn Sơn"):
            services.team_household_add(
                actor=CONSOLE, team=group, household=households[head], start_on=date(2012, 3, 1)
            )
        safe = team(
            "thon-an-toan",
            "Bản Co Hịnh an toàn về ANTT",
            "04099",
            ["04099.3"],
            status="active",
            established_on=date(2023, 1, 10),
        )
        for head in ("Hà Văn Thắng", "Lò Văn Ún"):
            services.team_household_add(
                actor=CONSOLE, team=safe, household=households[head], start_on=date(2023, 1, 10)
            )
            services.commitment_record(
                actor=CONSOLE, household=households[head], team=safe, signed_on=date(2023, 1, 15)
            )
        team(
            "cum-giap-ranh",
            "Cụm ANTT giáp ranh Phiêng Khoài – Chiềng Hặc",
            "04099",
            ["04099", "04078"],
            status="active",
            established_on=date(2022, 9, 1),
            decision_number="88/QĐ-UBND",
        )
        weak = team(
            "lien-gia-tu-quan",
            "Nhóm liên gia tự quản bản Nà Kè",
            "04078",
            ["04078.1"],
            status="active",
            established_on=date(2015, 1, 1),
        )
        services.team_set_status(
            actor=CONSOLE, team=weak, status="weak", on=date(2025, 3, 1), reason="Không sinh hoạt 6 tháng"
        )
        fire = team(
            "antt-pccc",
            "Mô hình tự quản ANTT và PCCC tổ dân phố 1",
            "03646",
            ["03646.1"],
            status="active",
            established_on=date(2021, 4, 1),
        )
        for sub in ("Tổ cựu chiến binh", "Tổ liên gia an toàn PCCC", "Tổ camera an ninh"):
            services.team_create(
                actor=CONSOLE,
                model_type=t["antt-pccc"],
                name=f"{sub} tổ dân phố 1",
                home_area=area["03646"],
                areas=[area["03646.1"]],
                parent=fire,
                status="active",
                established_on=date(2021, 4, 1),
            )
        for name in ("Nguyễn Văn Bình", "Trần Thị Hòa", "Phạm Văn Dũng", "Lê Văn Cường"):
            services.membership_add(
                actor=CONSOLE,
                team=fire,
                person=people[name],
                role="leader" if name == "Nguyễn Văn Bình" else "member",
                start_on=date(2021, 4, 1),
            )
        services.training_record(
            actor=CONSOLE,
            area=area["04099.1"],
            team=force,
            held_on=date(2025, 5, 20),
            topic="Kỹ năng tuần tra, sử dụng công cụ hỗ trợ",
            attendee_count=3,
            attendees=[people["Quàng Văn Tổ"], people["Lò Văn Hùng"], people["Lường Thị Viên"]],
        )
        services.commendation_record(
            actor=CONSOLE,
            team=patrol,
            awarded_on=date(2024, 12, 20),
            level="province_police",
            decision_number="1520/QĐ-CAT",
            reason="Thành tích phong trào TDBVANTQ 2024",
        )
    return Team.objects.count()
