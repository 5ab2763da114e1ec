from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class LanguageMiddleware:
    """Vietnamese unless the user chose English with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many officers'
    phones are set to English: they would get an interface they did not ask for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.allowed else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        translation.deactivate()
        return response


class BusyDatabaseMiddleware:
    """SQLite queues writers behind one write lock (immediate transactions). A writer that
    waited the whole busy timeout (an import writing a huge file holds the lock longer) gets
    503 with Retry-After and a Vietnamese message, not a 500: nothing was written, and trying
    again in a moment works."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or "locked" not in str(exception):
            return None
        message = _("Máy chủ đang bận ghi một tệp lớn: chưa ghi được, hãy thử lại sau ít phút.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        elif request.headers.get("HX-Request"):
            response = HttpResponse(message, status=503, content_type="text/plain")
            response["X-Tuquan-Message"] = quote(message)
        else:
            response = render(request, "refused.html", {"message": message}, status=503)
        response["Retry-After"] = "30"
        return response


class ApiErrorShapeMiddleware:
    """Every answer under /api/ is JSON, errors included: an unknown path (404), a method the
    path does not take (405) or a body Django refused before the API saw it (400) used to be
    HTML pages that a client cannot read."""

    MESSAGES = {
        400: gettext_noop("Yêu cầu không hợp lệ."),
        404: gettext_noop("Không tìm thấy hoặc nằm ngoài địa bàn của bạn."),
        405: gettext_noop("Đường dẫn này không nhận phương thức %(m)s."),
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in self.MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = _(self.MESSAGES[response.status_code]) % {"m": request.method}
            shaped = JsonResponse({"detail": message}, status=response.status_code)
            if "Allow" in response:
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
