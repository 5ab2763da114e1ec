"""Shared view helpers: one URL serves the full page or, for HTMX, its partial."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only `partial` when HTMX asks for it."""
    name = partial if partial and is_htmx(request) else template
    return render(request, name, context, status=status)


def render_form_error(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str
) -> HttpResponse:
    """A failed form post: the form again with what the user typed, status 422."""
    return render_page(request, template, context, partial=partial, status=422)


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def apply_errors(form: Form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names (or the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
