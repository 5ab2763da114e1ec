from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tuquan.core import selectors as area_selectors
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.documents import narrative, permissions, selectors, services, svg
from tuquan.documents.forms import IssueForm, PeriodForm, TemplateForm
from tuquan.documents.notice import notice_text
from tuquan.documents.paper import PdfUnavailable
from tuquan.reports import engine
from tuquan.reports.io import label

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _attachment(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    home = area_selectors.user_home_areas(request.user)
    if not home:
        raise Http404
    return redirect("documents:dashboard", ident=home[0].ident)


@login_required
def dashboard(request: HttpRequest, ident: str) -> HttpResponse:
    area = selectors.area_for_reader(request.user, ident)
    data = selectors.dashboard(request.user, area)
    figures, previous = data["figures"], data["previous"]
    cards = []
    for code in selectors.KEY_CODES:
        if code not in figures:
            continue
        now = narrative.number(figures[code])
        value = figures[code]
        cards.append(
            {
                "label": label(code).rsplit(" (", 1)[0],
                "value": narrative.percent(value) if isinstance(value, dict) else now,
                "is_ratio": isinstance(value, dict),
                "trend": narrative.trend(value, previous.get(code)),
                "change": narrative.compare(value, previous.get(code), "cùng kỳ năm trước"),
            }
        )
    charts = [
        (label(code).rsplit(" (", 1)[0], svg.bar_chart(label(code), data["months"], values))
        for code, values in data["series"].items()
    ]
    context: dict[str, Any] = {
        "area": area,
        "data": data,
        "cards": cards,
        "charts": charts,
        "map": svg.point_map(data["points"]),
        "located": sum(1 for p in data["points"] if p["lat"] is not None),
        "completeness": figures.get("reporting.completeness"),
        "completeness_pct": narrative.percent(figures.get("reporting.completeness")),
        "completeness_width": round(100 * ((figures.get("reporting.completeness") or {}).get("ratio") or 0)),
        "may_issue": permissions.can_issue_report(request.user, area),
    }
    return render_page(request, "documents/dashboard.html", context)


@login_required
def notice(request: HttpRequest, ident: str) -> HttpResponse:
    area = selectors.area_for_reader(request.user, ident)
    start, end = selectors.default_period()
    form = PeriodForm(request.GET or None, initial={"area": area.ident, "start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if end < start:
        start = end

    report = engine.build(actor=request.user, area=area, start=start, end=end, by=[])
    return render_page(
        request, "documents/notice.html", {"area": area, "form": form, "text": notice_text(report)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def issued_list(request: HttpRequest) -> HttpResponse:
    home = area_selectors.user_home_areas(request.user)
    start, end = selectors.default_period()
    form = IssueForm(
        request.POST or None,
        initial={
            "area": request.GET.get("area") or (home[0].ident if home else ""),
            "start": start,
            "end": end,
            "issued_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = selectors.area_for_reader(request.user, data["area"].strip())
            corrects = (
                selectors.issued_report_get_for_user(request.user, data["corrects"])
                if data["corrects"]
                else None
            )
            issued = services.report_issue(
                actor=request.user,
                area=area,
                start=data["start"],
                end=data["end"],
                number=data["number"],
                issued_on=data["issued_on"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                subject=data["subject"],
                recipients=data["recipients"].splitlines(),
                corrects=corrects,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Http404:
            form.add_error("area", "Không tìm thấy địa bàn hoặc báo cáo trong phạm vi của bạn.")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect_after_post(request, reverse("documents:issued_detail", args=[issued.uid]))
    context = {"form": form, "reports": selectors.issued_report_list(request.user)}
    if form.is_bound and form.errors:
        return render_form_error(
            request, "documents/issued_list.html", context, partial="documents/issued_list.html"
        )
    return render_page(request, "documents/issued_list.html", context)


@login_required
def draft(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in services.FORMATS:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Cần area, start, end (dd/mm/yyyy).", status=400, content_type="text/plain")
    data = form.cleaned_data
    area = selectors.area_for_reader(request.user, data["area"].strip())
    try:
        content = services.report_draft(
            actor=request.user, area=area, start=data["start"], end=data["end"], fmt=fmt
        )
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain")
    except PdfUnavailable:
        return HttpResponse("Máy chủ chưa cài WeasyPrint/pango.", status=503, content_type="text/plain")
    return _attachment(content, fmt, f"du-thao-bao-cao-{area.ident}-{data['start']}-{data['end']}")


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The official report's draft on the page, before issuing (issue 25)."""
    form = PeriodForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        area = selectors.area_for_reader(request.user, data["area"].strip())
        try:
            context["paper"] = services.report_preview(
                actor=request.user, area=area, start=data["start"], end=data["end"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        context["area"] = area
    return render_page(request, "documents/preview.html", context)


@login_required
def issued_detail(request: HttpRequest, uid: str) -> HttpResponse:
    issued = selectors.issued_report_get_for_user(request.user, uid)
    return render_page(
        request,
        "documents/issued_detail.html",
        {"issued": issued, "corrections": issued.corrections.all(), "has_pdf": issued.pdf is not None},
    )


@login_required
def issued_download(request: HttpRequest, uid: str, fmt: str) -> HttpResponse:
    issued = selectors.issued_report_get_for_user(request.user, uid)
    if fmt == "json":
        return HttpResponse(issued.figures_json, content_type="application/json; charset=utf-8")
    if fmt == "docx":
        data = bytes(issued.docx)
    elif fmt == "pdf" and issued.pdf is not None:
        data = bytes(issued.pdf)
    else:
        raise Http404
    return _attachment(data, fmt, f"bao-cao-{issued.number.replace('/', '-')}")


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, ident: str) -> HttpResponse:
    province = area_selectors.area_get_for_user(request.user, ident)
    if not permissions.can_edit_template(request.user, province):
        raise PermissionDenied
    form = TemplateForm(request.POST or None, initial={"body": selectors.template_text(province)})
    preview: list[Any] = []
    error = ""
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        if "preview" in request.POST:
            try:
                narrative.check_template(body)
                start, end = selectors.default_period()

                report = engine.build(actor=request.user, area=province, start=start, end=end, by=[])
                preview = narrative.render(body, narrative.context(report, area_level=province.level))
            except ValidationError as exc:
                apply_errors(form, exc)
        else:
            try:
                services.report_template_save(actor=request.user, province=province, body=body)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect_after_post(request, reverse("documents:template", args=[province.ident]))
    context = {
        "province": province,
        "form": form,
        "preview": preview,
        "error": error,
        "help": narrative.__doc__,
    }
    if form.is_bound and form.errors:
        return render_form_error(
            request, "documents/template.html", context, partial="documents/template.html"
        )
    return render_page(request, "documents/template.html", context)
