from typing import Any

from django.http import HttpRequest

from tuquan.core import scoping
from tuquan.core.roles import Cap


def ui(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "can_manage_accounts": scoping.has_cap(user, Cap.ACCOUNT_MANAGE),
        "can_view_audit": scoping.has_cap(user, Cap.AUDIT_VIEW),
        "can_read_people": scoping.has_cap(user, Cap.PEOPLE_READ),
        "can_place": scoping.has_cap(user, Cap.AREA_WRITE),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }
