"""The demo accounts (`tuquan load-demo`, only with DEBUG and TUQUAN_DEMO on): one per role,
all with the published demo password (core.demo.DEMO_PASSWORD)."""

from __future__ import annotations

from django.db import transaction

from tuquan.core.demo import COMMUNE, DEMO_PASSWORD, PROVINCE
from tuquan.core.models import Area, Level

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


def load_accounts_demo() -> list[tuple[str, str, str]]:
    from tuquan.accounts.models import RoleAssignment, User

    created = []
    with transaction.atomic():
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
