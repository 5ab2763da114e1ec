"""Demo data for a local try-out: Sơn La, a few communes and villages; each app adds its own
(core.hooks.DEMO_LOADERS: the demo accounts in accounts.demo, then registry, journal…).

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


def load_villages() -> None:
    from tuquan.core import services

    with transaction.atomic():
        for code, villages in VILLAGES.items():
            commune = Area.objects.get(ident=code, level=Level.COMMUNE)
            existing = set(commune.children.values_list("short_name", flat=True))
            for kind, name in villages:
                if name not in existing:
                    services.village_create(actor=CONSOLE, commune=commune, kind=kind, name=name)


# Loaders up to this order make the demo's base (the accounts, `accounts.demo`); the others
# (registry, journal, assessment, care) fill it.
BASE = 10


def load_demo() -> list[tuple[str, str, str]]:
    """The villages and the demo accounts (username, role, area name)."""
    from tuquan.core import hooks

    load_villages()
    made: list[tuple[str, str, str]] = []
    for order, loader in hooks.DEMO_LOADERS:
        if order <= BASE:
            made += loader() or []
    return made


def load_all() -> list[tuple[str, str, str]]:
    """What `tuquan load-demo` loads: the base, then each app's demo in order."""
    from tuquan.core import hooks

    made = load_demo()
    for order, loader in hooks.DEMO_LOADERS:
        if order > BASE:
            loader()
    return made
