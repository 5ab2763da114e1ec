"""The registry's workbook on the web: download an area's workbook, upload one, follow its import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuquan.core import jobs
from tuquan.core import selectors as core_selectors
from tuquan.core.permissions import can_read_people
from tuquan.core.ui import redirect_after_post, render_form_error, render_page
from tuquan.registry import io, services
from tuquan.registry.forms_io import WorkbookUploadForm
from tuquan.registry.permissions import can_write_registry


@login_required
@require_GET
def export(request: HttpRequest, ident: str) -> HttpResponse:
    """The download button: the area's workbook (404 outside the user's area, 403 above it)."""
    area = core_selectors.area_get_for_user(request.user, ident)
    try:
        data = io.export_workbook(actor=request.user, area=area)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    response = HttpResponse(data, content_type=io.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{io.export_filename(area)}"'
    return response


def _upload_context(request: HttpRequest, form: WorkbookUploadForm) -> dict[str, object]:
    user = request.user
    return {
        "form": form,
        "can_import": can_write_registry(user),
        "export_areas": [a for a in core_selectors.user_home_areas(user) if can_read_people(user, a)],
        "jobs": io.import_jobs_for(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Download links for the user's areas, and the upload form for those who may write."""
    user = request.user
    if not can_read_people(user):
        raise PermissionDenied(_("Tài khoản của bạn không xem được sổ theo dõi."))
    if request.method == "GET":
        return render_page(request, "registry/io_upload.html", _upload_context(request, WorkbookUploadForm()))
    if not can_write_registry(user):
        raise PermissionDenied(_("Bạn không có quyền nhập sổ theo dõi."))
    form = WorkbookUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(
            actor=user, filename=upload.name, data=upload.read(), dry_run=form.cleaned_data["dry_run"]
        )
        return redirect_after_post(request, reverse("registry_io:job", args=[job.pk]))
    return render_form_error(
        request,
        "registry/io_upload.html",
        _upload_context(request, form),
        partial="registry/io_upload_form.html",
    )


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress; the status block asks again every two seconds until it is done."""
    jobs.reap_quietly()  # a job whose worker died is settled here, even with no worker left
    found = io.import_job_get_for_user(request.user, pk)
    summary = io.ImportSummary.from_dict(found.counts) if found.counts else None
    context = {
        "job": found,
        "summary": summary,
        "hidden_errors": max(0, found.error_count - len(found.errors)),
    }
    return render_page(request, "registry/io_job.html", context, partial="registry/io_job_status.html")
