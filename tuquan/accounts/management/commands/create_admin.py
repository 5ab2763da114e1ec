from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tuquan.accounts.models import RoleAssignment, User
from tuquan.accounts.services import password_reset_issue
from tuquan.core.actors import CONSOLE
from tuquan.core.models import COUNTRY_IDENT, Area, AuditAction
from tuquan.core.roles import Role
from tuquan.core.services import audit_record


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị hệ thống đầu tiên; in mã một lần để đặt mật khẩu tại /kich-hoat/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="Quản trị hệ thống")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip().lower()
        country = Area.objects.filter(ident=COUNTRY_IDENT).first()
        if country is None:
            raise CommandError("Chưa nạp danh mục đơn vị hành chính: chạy `tuquan load-units` trước.")
        with transaction.atomic():
            if User.objects.filter(username=username).exists():
                raise CommandError(f"Tên đăng nhập “{username}” đã có.")
            user = User(username=username, full_name=options["full_name"], must_change_password=True)
            user.set_unusable_password()
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.SYSTEM_ADMIN, area=country)
            audit_record(
                actor=CONSOLE,
                action=AuditAction.CREATE,
                obj=user,
                area=country,
                label=username,
                details={"role": Role.SYSTEM_ADMIN, "via": "create-admin"},
            )
            code = password_reset_issue(actor=CONSOLE, user=user)
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {username}. Mã một lần (72 giờ): {code}"))
        self.stdout.write("Mở /kich-hoat/ để đặt mật khẩu.")
