from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuquan.core import selectors as area_selectors
from tuquan.core.ui import apply_errors, is_htmx, redirect_after_post, render_form_error, render_page
from tuquan.reports import display, selectors, services
from tuquan.reports.forms import ReportForm
from tuquan.reports.models import JobStatus


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and is_htmx(request) and "area" in request.GET:
        # The area field's suggestions as one types (the options of its datalist): the form's
        # own address answers them, so no page of its own is needed.
        choices = selectors.report_area_choices(request.user, request.GET["area"])
        return render(request, "reports/_area_choices.html", {"area_choices": choices})
    home = area_selectors.user_home_areas(request.user)
    today = timezone.localdate()
    form = ReportForm(
        request.POST or None,
        initial={
            "area": home[0].ident if home else "",
            "start": today.replace(month=1, day=1)
            if today.month > 1
            else today.replace(year=today.year - 1, month=1, day=1),
            "end": today - timedelta(days=1),
            "by": ["child"],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = selectors.report_area_find(request.user, data["area"])
            job = services.report_request(
                actor=request.user,  # type: ignore[arg-type]  # signed in: the view is login_required
                area=area,
                start=data["start"],
                end=data["end"],
                by=data["by"],
                approved_only=data["approved_only"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Http404:
            form.add_error(
                "area",
                _(
                    "Không tìm thấy đúng một địa bàn như vậy trong phạm vi của bạn: chọn trong danh sách gợi ý."
                ),
            )
        else:
            return redirect_after_post(request, reverse("reports:job", args=[job.uid]))
    typed = form["area"].value() or ""
    context = {
        "form": form,
        "jobs": selectors.report_jobs_for(request.user),
        "area_choices": selectors.report_area_choices(request.user, typed) if form.is_bound else [],
    }
    if form.is_bound and form.errors:
        return render_form_error(request, "reports/form.html", context, partial="reports/form.html")
    return render_page(request, "reports/form.html", context)


@login_required
def report_job(request: HttpRequest, uid: str) -> HttpResponse:
    job = selectors.report_job_get_for_user(request.user, uid)
    context: dict[str, Any] = {"job": job, "busy": job.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    if job.status == JobStatus.READY and job.result:
        extras = display.extra_labels()
        sort = request.GET.get("sap-xep", display.NAME_SORT)
        context["rows"] = display.rows(job.result, extras)
        context["notes"] = display.general_notes(job.result, extras)
        context["breakdowns"] = display.breakdowns(job.result, extras, sort)
    return render_page(request, "reports/job.html", context, partial="reports/_job_status.html")


@login_required
def report_download(request: HttpRequest, uid: str, fmt: str) -> HttpResponse:
    job = selectors.report_job_get_for_user(request.user, uid)
    if job.status != JobStatus.READY:
        raise Http404("Báo cáo chưa sẵn sàng.")
    if fmt == "json":
        return JsonResponse(job.result, json_dumps_params={"ensure_ascii": False})
    if fmt != "xlsx":
        raise Http404
    response = HttpResponse(
        bytes(job.workbook or b""),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{job.area.ident}-{job.start}-{job.end}.xlsx"'
    )
    return response
