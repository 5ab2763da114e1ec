from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuquan.core import hooks, io, permissions, selectors, services
from tuquan.core.forms import (
    AuditFilterForm,
    PlacementForm,
    VillageForm,
    VillageImportForm,
    VillageMergeForm,
    VillageRenameForm,
)
from tuquan.core.models import Area, Level
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The apps' sections come through the hooks they register (core never imports them).
    context = {
        "areas": selectors.user_home_areas(request.user),
        "sections": hooks.inbox_sections(request.user),
    }
    return render_page(request, "core/home.html", context)


@login_required
def area_browser(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = list(selectors.area_list(request.user, q=q, limit=50)) if q else None
    return render_page(
        request,
        "core/area_browser.html",
        {"q": q, "results": results, "areas": selectors.user_home_areas(request.user)},
        partial="core/_area_results.html",
    )


def _area_context(request: HttpRequest, area: Area) -> dict[str, object]:
    user = request.user
    q = request.GET.get("q", "").strip()
    children = selectors.area_children(user, area, include_ended=request.GET.get("ended") == "1")
    if q:
        children = children.filter(pk__in=selectors.area_list(user, q=q, parent=area).values("pk"))
    return {
        "area": area,
        "q": q,
        "breadcrumb": selectors.area_breadcrumb(user, area),
        "children": children,
        "can_write": permissions.can_edit_area(user, area),
        "predecessors": area.predecessor_links.select_related("predecessor__parent__parent"),
        "successors": area.successor_links.select_related("successor__parent"),
        "name_changes": area.name_changes.all() if area.level == Level.VILLAGE else [],
        "village_form": VillageForm(),
        # The apps' pages about this area (core.hooks.area_links): reachable, not typed.
        "area_links": hooks.links_of_area(user, area) if not area.is_legacy else [],
    }


@login_required
def area_detail(request: HttpRequest, ident: str) -> HttpResponse:
    area = selectors.area_get_for_user(request.user, ident)
    return render_page(
        request, "core/area_detail.html", _area_context(request, area), partial="core/_area_children.html"
    )


@login_required
@require_POST
def village_create(request: HttpRequest, ident: str) -> HttpResponse:
    commune = selectors.area_get_for_user(request.user, ident, write=True)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            services.village_create(actor=request.user, commune=commune, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("core:area", args=[commune.ident]))
    context = _area_context(request, commune) | {"village_form": form}
    return render_form_error(request, "core/area_detail.html", context, partial="core/_village_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request: HttpRequest, ident: str) -> HttpResponse:
    village = selectors.area_get_for_user(request.user, ident, write=True)
    if village.level != Level.VILLAGE:
        raise PermissionDenied(_("Chỉ sửa được thôn, tổ dân phố."))
    assert village.parent is not None  # a village always belongs to a commune
    siblings = selectors.area_children(request.user, village.parent).exclude(pk=village.pk)
    targets = [(a.ident, a.name) for a in siblings.filter(level=Level.VILLAGE)]
    rename = VillageRenameForm(initial={"kind": village.kind, "name": village.short_name})
    merge = VillageMergeForm(targets=targets)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "merge":
                merge = VillageMergeForm(request.POST, targets=targets)
                if merge.is_valid():
                    target = selectors.area_get_for_user(
                        request.user, merge.cleaned_data["target"], write=True
                    )
                    services.village_merge(
                        actor=request.user, sources=[village], target=target, on=merge.cleaned_data["on"]
                    )
                    return redirect_after_post(request, reverse("core:area", args=[target.ident]))
            else:
                rename = VillageRenameForm(request.POST)
                if rename.is_valid():
                    services.village_rename(actor=request.user, village=village, **rename.cleaned_data)
                    return redirect_after_post(request, reverse("core:area", args=[village.ident]))
        except ValidationError as exc:
            apply_errors(merge if request.POST.get("action") == "merge" else rename, exc)
        context = {"area": village, "rename": rename, "merge": merge}
        return render_form_error(request, "core/village_edit.html", context, partial="core/village_edit.html")
    return render_page(request, "core/village_edit.html", {"area": village, "rename": rename, "merge": merge})


@login_required
@require_http_methods(["GET", "POST"])
def village_import(request: HttpRequest, ident: str) -> HttpResponse:
    commune = selectors.area_get_for_user(request.user, ident, write=True)
    if commune.level != Level.COMMUNE:
        raise PermissionDenied(_("Chỉ nhập danh sách thôn cho một xã."))
    if request.method == "GET" and request.GET.get("tai") == "1":
        villages = list(selectors.area_children(request.user, commune))
        response = HttpResponse(
            io.villages_workbook(villages),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="thon-{commune.code}.xlsx"'
        return response
    form = VillageImportForm()
    errors: list[str] = []
    if request.method == "POST":
        form = VillageImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                created = io.villages_import(
                    actor=request.user, commune=commune, filename=upload.name, data=upload.read()
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                from django.contrib import messages

                messages.success(request, _("Đã thêm %(n)s thôn, tổ dân phố.") % {"n": len(created)})
                return redirect_after_post(request, reverse("core:area", args=[commune.ident]))
        context = {"area": commune, "form": form, "errors": errors}
        return render_form_error(
            request, "core/village_import.html", context, partial="core/village_import.html"
        )
    return render_page(request, "core/village_import.html", {"area": commune, "form": form})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied(_("Chỉ quản trị tỉnh và quản trị hệ thống xem được nhật ký hệ thống."))
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_list(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    return render_page(
        request, "core/audit_log.html", {"form": form, "page": page}, partial="core/_audit_rows.html"
    )


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    """The commune officer's queue of records from split old communes, waiting to be placed."""
    if not permissions.can_place_records(request.user):
        raise PermissionDenied(_("Chỉ cán bộ quản lý địa bàn xếp hồ sơ vào thôn."))
    queue = list(selectors.placement_queue(request.user))
    return render_page(request, "core/placements.html", {"queue": queue})


@login_required
@require_http_methods(["GET", "POST"])
def placement_assign(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get_for_user(request.user, pk)
    choices = selectors.placement_targets(request.user, placement)
    form = PlacementForm(
        request.POST or None,
        targets=[(a.ident, f"{a.name} — {a.parent.short_name if a.parent else ''}") for a in choices],
    )
    if request.method == "POST" and form.is_valid():
        try:
            village = selectors.area_get_for_user(request.user, form.cleaned_data["village"], write=True)
            services.placement_assign(actor=request.user, placement=placement, village=village)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("core:placements"))
    context = {"placement": placement, "form": form}
    if form.is_bound and form.errors:
        return render_form_error(
            request, "core/placement_assign.html", context, partial="core/placement_assign.html"
        )
    return render_page(request, "core/placement_assign.html", context)
