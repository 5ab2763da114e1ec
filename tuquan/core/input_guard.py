"""Every request's input checked once, before any view: the entrance all forms, the API and
the uploads share.

- A body larger than the limit answers 413 before it is read: `TUQUAN_MAX_BODY_MB` for forms
  and JSON, `TUQUAN_MAX_UPLOAD_MB` for file uploads (multipart). The API gets
  `{"detail": "<Vietnamese>"}`, a page gets the message.
- A field (query string, form, JSON key or value; an API body is read as JSON whatever its
  declared type, as django-ninja reads it) holding a control character (C0 but tab and line
  breaks, DEL, C1), a bidirectional override, a lone surrogate or a non-character answers
  422 naming the field; nothing runs. JSON nested too deep answers 422 too.
- Text is normalised to NFC on the way in, so a name typed on any keyboard is stored one way.

Workbook cells are checked the same way by `core.workbook.Cells.text`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuquan.core.text import has_control, nfc

JSON_TYPES = ("application/json",)


def _walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, str(key)), str(key)
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, str(index)))


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._size(request) or self._content(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    # --- limits ---------------------------------------------------------------------------

    def _size(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        upload = request.content_type == "multipart/form-data"
        limit_mb = settings.TUQUAN_MAX_UPLOAD_MB if upload else settings.TUQUAN_MAX_BODY_MB
        if length <= limit_mb * 1024 * 1024:
            return None
        message = (
            _("Tệp quá lớn: tối đa %(n)s MB mỗi lần tải lên.")
            if upload
            else _("Nội dung gửi lên quá lớn: tối đa %(n)s MB.")
        ) % {"n": limit_mb}
        return self._refuse(request, 413, message)

    # --- characters -----------------------------------------------------------------------

    def _content(self, request: HttpRequest) -> HttpResponse | None:
        bad = self._bad_field(request.GET, "query")
        if bad:
            return self._refuse(request, 422, self._message(bad), field=bad)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        kind = request.content_type or ""
        if (
            kind in JSON_TYPES
            or kind.endswith("+json")
            or (request.path.startswith("/api/") and kind != "multipart/form-data")
        ):
            # django-ninja reads an API body as JSON whatever its declared type.
            try:
                data = json.loads(request.body or b"null")
            except RecursionError:
                return self._refuse(request, 422, _("Nội dung JSON lồng nhau quá sâu."))
            except (ValueError, UnicodeDecodeError):
                return None  # the view answers malformed JSON with its own 422
            try:
                found = [(path, text) for path, text in _walk(data)]
            except RecursionError:
                return self._refuse(request, 422, _("Nội dung JSON lồng nhau quá sâu."))
            for path, text in found:
                if has_control(text):
                    field = ".".join(path) or "body"
                    return self._refuse(request, 422, self._message(field), field=field, loc=["body", *path])
            normal = _normalised(data)
            if normal != data:
                request._body = json.dumps(normal, ensure_ascii=False).encode()  # type: ignore[attr-defined]
                request.META["CONTENT_LENGTH"] = str(len(request._body))  # type: ignore[attr-defined]
            return None
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post = request.POST  # parsed once here; the views read the same object
            bad = self._bad_field(post, "form")
            if bad:
                return self._refuse(request, 422, self._message(bad), field=bad)
            if any(v != nfc(v) for _k, values in post.lists() for v in values):
                copy = QueryDict(mutable=True)
                for key, values in post.lists():
                    copy.setlist(key, [nfc(v) for v in values])
                copy._mutable = False
                request.POST = copy  # type: ignore[misc,assignment]
        return None

    @staticmethod
    def _bad_field(data: QueryDict, _where: str) -> str:
        for key, values in data.lists():
            if has_control(key):
                return "?"
            for value in values:
                if has_control(value):
                    return key
        return ""

    @staticmethod
    def _message(field: str) -> str:
        return _(
            "Ô “%(f)s” có ký tự điều khiển không in được (thường do dán từ nơi khác): xoá ký tự đó rồi gửi lại."
        ) % {"f": field}

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
        if request.path.startswith("/api/"):
            body: dict[str, Any] = {"detail": message}
            if "loc" in extra:
                body["errors"] = [{"loc": extra["loc"], "msg": message, "type": "control_character"}]
            return JsonResponse(body, status=status)
        if request.headers.get("HX-Request"):
            # Not swapped (the form and what was typed stay); tuquan.js shows this message.
            response = HttpResponse(
                message, status=400 if status == 422 else status, content_type="text/plain"
            )
            response["X-Tuquan-Message"] = quote(message)
            return response
        return render(request, "refused.html", {"message": message}, status=status)
