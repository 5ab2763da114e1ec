"""Demo data for a local try-out: Sơn La, a few communes and villages, the demo accounts.

Loaded only when DEBUG and TUQUAN_DEMO are both on (never under production settings),
because every demo account shares one published password.
"""

from __future__ import annotations

from django.db import transaction

from tuquan.core.actors import CONSOLE
from tuquan.core.models import Area, Level

DEMO_PASSWORD = "tuquan-demo"
PROVINCE = "14"  # Sơn La
COMMUNE = "04099"  # Xã Phiêng Khoài: also an old commune code, reused after the 2025 reform
VILLAGES = {
    "04099": [("Bản", "Nà Khoang"), ("Bản", "Pá Sàng"), ("Bản", "Co Hịnh"), ("Bản", "Suối Bau")],
    "04078": [("Bản", "Nà Kè"), ("Bản", "Hặc Ngoài")],
    "03646": [("Tổ dân phố", "1"), ("Tổ dân phố", "2"), ("Tổ dân phố", "3")],
}
# username, full name, role, area ident ("*" = the first village of the demo commune)
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "system_admin", "VN"),
    ("tinh", "Nguyễn Văn Tỉnh", "province_admin", PROVINCE),
    ("tinhcb", "Lò Thị Cán Bộ", "province_staff", PROVINCE),
    ("xa", "Lèo Văn Mòn", "commune_officer", COMMUNE),
    ("xaub", "Cầm Văn Ủy", "commune_committee", COMMUNE),
    ("to", "Quàng Văn Tổ", "team_leader", "*"),
    ("tv", "Lường Thị Viên", "team_member", "*"),
]


def load_demo() -> list[tuple[str, str, str]]:
    from tuquan.accounts.models import RoleAssignment, User
    from tuquan.core import services

    created = []
    with transaction.atomic():
        for code, villages in VILLAGES.items():
            commune = Area.objects.get(ident=code, level=Level.COMMUNE)
            existing = set(commune.children.values_list("short_name", flat=True))
            for kind, name in villages:
                if name not in existing:
                    services.village_create(actor=CONSOLE, commune=commune, kind=kind, name=name)
        first_village = (
            Area.objects.filter(parent__ident=COMMUNE, level=Level.VILLAGE).order_by("number").first()
        )
        for username, full_name, role, ident in ACCOUNTS:
            area = first_village if ident == "*" else Area.objects.get(ident=ident)
            user, made = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if made:
                user.set_password(DEMO_PASSWORD)
                if role in ("team_leader", "team_member"):
                    user.phone = "0912 345 678" if role == "team_leader" else "0987 654 321"
                    user.national_id = "014090001234" if role == "team_leader" else "014190005678"
                user.save()
            RoleAssignment.objects.get_or_create(user=user, role=role, area=area)
            created.append((username, role, area.name))  # type: ignore[union-attr]
    return created
