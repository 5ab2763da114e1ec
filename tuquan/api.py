"""The JSON API under /api/v1/: one NinjaAPI, each app adds its router."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from tuquan.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# The answers every operation may give besides its own, all shaped {"detail": "<Vietnamese>"}
# (422 adds the fields at fault): documented once here, so a generated client knows them.
ERRORS = {
    "401": "Cần đăng nhập (mã truy cập Bearer)",
    "403": "Không có quyền ở địa bàn này",
    "404": "Không có, hoặc nằm ngoài địa bàn của người dùng",
    "409": "Xung đột với dữ liệu đã có",
    "413": "Nội dung gửi lên quá lớn",
    "422": "Dữ liệu không hợp lệ: `errors` nêu từng trường",
    "429": "Gửi quá nhiều lần, thử lại sau",
    "503": "Máy chủ đang bận ghi, thử lại sau (Retry-After)",
}


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        document.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
            "title": "Error",
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                # The fields at fault: a list (the request's shape) or field → messages (the rules).
                "errors": {"oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]},
            },
            "required": ["detail"],
        }
        for item in document["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for code, text in ERRORS.items():
                    own = responses.get(code) or responses.get(int(code))
                    if own is not None:
                        # The handler's own shape, or the shared one (the request refused before it).
                        for body in own.get("content", {}).values():
                            body["schema"] = {
                                "anyOf": [body["schema"], {"$ref": "#/components/schemas/Error"}]
                            }
                        continue
                    responses.setdefault(
                        code,
                        {
                            "description": text,
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    )
        return document


api = DocumentedAPI(
    title="Tự Quản API",
    version="1",
    description="Dữ liệu các mô hình tự quản về ANTT, trong phạm vi địa bàn của người dùng.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _detail(request: HttpRequest, message: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, _("Không tìm thấy hoặc nằm ngoài địa bàn của bạn."), 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."), 403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, _("Cần đăng nhập: gửi mã truy cập trong tiêu đề Authorization: Bearer."), 401)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _detail(request, _("Dữ liệu gửi lên không hợp lệ."), 422, errors=exc.errors)


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # `errors` names the field of each message, so a client can show it next to the input.
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _detail(request, " ".join(exc.messages), 422, errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # django-ninja's own words for a body that is not JSON: a refused input like any other.
        return _detail(request, _("Nội dung gửi lên không phải JSON hợp lệ."), 422)
    return _detail(request, str(exc), exc.status_code)


def _register() -> None:
    from tuquan.accounts.api import router as accounts_router
    from tuquan.assessment.api import router as assessment_router
    from tuquan.care import api as care
    from tuquan.core.api import router as core_router
    from tuquan.journal import api as journal
    from tuquan.registry import api as registry
    from tuquan.tips.api import router as tips_router

    api.add_router("/auth", accounts_router)
    api.add_router("/areas", core_router)
    api.add_router("/model-types", registry.model_types_router)
    api.add_router("/teams", registry.teams_router)
    api.add_router("/people", registry.people_router)
    api.add_router("/households", registry.households_router)
    api.add_router("/memberships", registry.memberships_router)
    api.add_router("/entries", journal.entries_router)
    api.add_router("/approvals", journal.approvals_router)
    api.add_router("/aggregates", journal.aggregates_router)
    api.add_router("/indicators", journal.indicators_router)
    api.add_router("/tips", tips_router)
    api.add_router("/supervised", care.supervised_router)
    api.add_router("/funds", care.funds_router)
    api.add_router("/assessment", assessment_router)


_register()
