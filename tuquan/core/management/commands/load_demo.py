from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tuquan.core.demo import DEMO_PASSWORD, load_all
from tuquan.core.roles import Role


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Sơn La) và các tài khoản mẫu. Chỉ chạy khi DEBUG=1 và TUQUAN_DEMO=1."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "Dữ liệu mẫu chỉ nạp khi DEBUG=1 và TUQUAN_DEMO=1 (không bao giờ ở môi trường thật)."
            )
        rows = load_all()
        self.stdout.write(self.style.SUCCESS(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):"))
        for username, role, area in rows:
            self.stdout.write(f"  {username:<8} {Role(role).label} — {area}")
