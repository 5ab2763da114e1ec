from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from tuquan.core import permissions


def ui(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None) or AnonymousUser()  # no user before the auth middleware
    return {
        "can_manage_accounts": permissions.can_manage_accounts(user),
        "can_view_audit": permissions.can_view_audit(user),
        "can_read_people": permissions.can_read_people(user),
        "can_place": permissions.can_place_records(user),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }
