"""Journal pages: the leader's phone flow, the officer's review and approval, the province's
acceptance, and period totals for years before the system."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.core import scoping
from tuquan.core import selectors as area_selectors
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.journal import selectors, services
from tuquan.journal.forms import AggregateForm, DeleteForm, MonthForm, ReviewForm, entry_form_class
from tuquan.journal.models import Entry
from tuquan.registry import selectors as registry_selectors
from tuquan.registry.models import JOURNAL_KINDS, Team

KIND_LABELS = dict(JOURNAL_KINDS)
NO_UID = UUID(int=0)


def _month(request: HttpRequest) -> date:
    text = request.GET.get("thang", "")
    try:
        return date.fromisoformat(f"{text}-01") if len(text) == 7 else date.fromisoformat(text)
    except ValueError:
        today = timezone.localdate()
        return services.month_start(today.replace(day=1) - timedelta(days=1))


def _members(team: Team, day: date) -> list[tuple[str, str]]:
    return [(str(p.uid), p.full_name) for p in selectors.active_members(team, day)]


@login_required
def team_journal(request: HttpRequest, uid: str) -> HttpResponse:
    team = registry_selectors.team_get_for_user(request.user, uid)
    can = any(services.can_record(request.user, team, v) for v in selectors.team_villages(team))
    entries = list(selectors.team_journal(request.user, team))
    # Each row's link from one `reverse` for the page: thirty `{% url %}` tags cost 0.75 ms,
    # a quarter of the list's rendering.
    link = reverse("journal:entry", args=[NO_UID])
    for entry in entries:
        entry.url = link.replace(str(NO_UID), str(entry.uid))  # type: ignore[attr-defined]
    return render_page(
        request,
        "journal/team_journal.html",
        {
            "team": team,
            "entries": entries,
            "can_record": can,
            "kinds": [(k, KIND_LABELS[k]) for k in team.type.journal_kinds if k in KIND_LABELS],
        },
    )


def _entry_form(team: Team, kind: str, data: Any = None, instance: Entry | None = None) -> Any:
    villages = selectors.team_villages(team)
    form_class = entry_form_class(kind)
    today = timezone.localdate()
    members = _members(team, today)
    initial: dict[str, Any] = {"occurred_on": today, "village": villages[0].ident if villages else ""}
    if kind in ("patrol", "meeting"):
        # Everyone on the roster is ticked: recording a patrol is two taps on a phone.
        initial["participants"] = [uid for uid, _name in members]
    if instance is not None:
        initial = {
            "village": instance.village.ident,
            "participants": [str(p.uid) for p in instance.participants.all()],
        }
        initial |= {f"extra_{k}": v for k, v in (instance.extra or {}).items()}
    return form_class(
        data,
        instance=instance,
        initial=initial,
        villages=[(v.ident, v.name) for v in villages],
        members=members,
        extra=team.type.extra_indicators,
    )


def _entry_values(request: HttpRequest, team: Team, kind: str, form: Any) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("extra_")}
    data["village"] = area_selectors.area_get_for_user(request.user, data["village"])
    data["participants"] = [
        registry_selectors.person_get_for_user(request.user, u) for u in data["participants"]
    ]
    data["extra"] = form.extra_values()
    if kind == "patrol" and data.get("member_turns") is None:
        data["member_turns"] = len(data["participants"]) + (data.get("other_participants") or 0)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, uid: str, kind: str) -> HttpResponse:
    team = registry_selectors.team_get_for_user(request.user, uid)
    if kind not in team.type.journal_kinds:
        raise Http404(_("Mô hình này không ghi loại hoạt động đó."))
    villages = selectors.team_villages(team)
    if not any(services.can_record(request.user, team, v) for v in villages):
        raise PermissionDenied(_("Bạn không ghi nhật ký cho tổ này."))
    form = _entry_form(team, kind, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_record(
                actor=request.user, team=team, kind=kind, **_entry_values(request, team, kind, form)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi: %(k)s.") % {"k": KIND_LABELS[kind]})
            return redirect_after_post(request, reverse("journal:team", args=[team.uid]))
    context = {"team": team, "form": form, "kind": kind, "kind_label": KIND_LABELS[kind]}
    if form.is_bound and form.errors:
        return render_form_error(
            request, "journal/entry_form.html", context, partial="journal/_entry_form.html"
        )
    return render_page(request, "journal/entry_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, uid: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(request.user, uid, write=request.method == "POST")
    team = entry.team
    can_edit = services.can_record(request.user, team, entry.village)
    form = _entry_form(team, entry.kind, request.POST or None, instance=entry) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        values = _entry_values(request, team, entry.kind, form)
        participants = values.pop("participants")
        confirm = values.pop("confirm", False)
        try:
            services.entry_update(
                actor=request.user,
                entry=Entry.objects.get(pk=entry.pk),
                participants=participants,
                confirm=confirm,
                **values,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("journal:entry", args=[entry.uid]))
    approval = services.approval_for(entry.village, entry.occurred_on)
    context = {
        "entry": entry,
        "form": form,
        "kind_label": KIND_LABELS[entry.kind],
        "approval": approval,
        "can_review": scoping.covers(request.user, entry.village.path, Cap.JOURNAL_REVIEW),
        "review_form": ReviewForm(),
    }
    if form is not None and form.is_bound and form.errors:
        return render_form_error(
            request, "journal/entry_detail.html", context, partial="journal/entry_detail.html"
        )
    return render_page(request, "journal/entry_detail.html", context)


@login_required
@require_POST
def entry_review(request: HttpRequest, uid: str) -> HttpResponse:
    entry = selectors.entry_get_for_user(request.user, uid)
    if not scoping.covers(request.user, entry.village.path, Cap.JOURNAL_REVIEW):
        raise PermissionDenied(_("Chỉ cán bộ xã kiểm tra nhật ký."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if request.POST.get("valuable") in ("1", "0") and entry.kind == "tip":
                services.tip_assess(actor=request.user, entry=entry, valuable=request.POST["valuable"] == "1")
            services.entry_review(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            back = request.POST.get("next") or reverse("journal:entry", args=[entry.uid])
            return redirect_after_post(request, back if back.startswith("/") else "/")
    context = {
        "entry": entry,
        "form": None,
        "kind_label": KIND_LABELS[entry.kind],
        "review_form": form,
        "can_review": True,
        "approval": services.approval_for(entry.village, entry.occurred_on),
    }
    return render_form_error(
        request, "journal/entry_detail.html", context, partial="journal/entry_detail.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, uid: str) -> HttpResponse:
    """Asks for the reason first (a page, not a script's confirm box: works without
    JavaScript and on any phone)."""
    entry = selectors.entry_get_for_user(request.user, uid, write=True)
    if not services.can_record(request.user, entry.team, entry.village):
        raise PermissionDenied(_("Bạn không xoá được hoạt động này."))
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_delete(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã xoá hoạt động."))
            return redirect_after_post(request, reverse("journal:team", args=[entry.team.uid]))
    context = {"entry": entry, "form": form, "kind_label": KIND_LABELS[entry.kind]}
    if form.is_bound and form.errors:
        return render_form_error(
            request, "journal/entry_delete.html", context, partial="journal/_entry_delete_form.html"
        )
    return render_page(request, "journal/entry_delete.html", context)


def _commune(request: HttpRequest, ident: str, cap: str) -> Area:
    commune = area_selectors.area_get_for_user(request.user, ident)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Trang này dành cho một xã."))
    if not scoping.covers(request.user, commune.path, cap):
        raise PermissionDenied(_("Chỉ cán bộ xã kiểm tra và duyệt nhật ký."))
    return commune


@login_required
def commune_journal(request: HttpRequest, ident: str) -> HttpResponse:
    commune = _commune(request, ident, Cap.JOURNAL_REVIEW)
    month = _month(request)
    return render_page(
        request,
        "journal/commune.html",
        {
            "area": commune,
            "queue": selectors.review_queue(request.user, commune)[:100],
            **selectors.commune_month(request.user, commune, month),
        },
    )


@login_required
@require_POST
def commune_month_action(request: HttpRequest, ident: str, action: str) -> HttpResponse:
    # The services decide who may approve, reopen or accept (403 otherwise).
    commune = area_selectors.area_get_for_user(request.user, ident)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Trang này dành cho một xã."))
    # Approving is the commune's, accepting the province's; reopening belongs to whoever
    # approved last (the service checks which).
    needed = {"duyet": [Cap.JOURNAL_REVIEW], "chap-nhan": [Cap.JOURNAL_ACCEPT]}.get(
        action, [Cap.JOURNAL_REVIEW, Cap.JOURNAL_ACCEPT]
    )
    if not any(scoping.covers(request.user, commune.path, cap) for cap in needed):
        raise PermissionDenied(_("Bạn không duyệt số liệu của xã này."))
    form = MonthForm(request.POST)
    if not form.is_valid():
        return render_form_error(
            request,
            "journal/month_error.html",
            {"errors": form.errors, "area": commune},
            partial="journal/month_error.html",
        )
    village = area_selectors.area_get_for_user(request.user, form.cleaned_data["village"])
    if village.parent_id != commune.pk:
        raise Http404(_("Thôn không thuộc xã này."))
    month = form.cleaned_data["month"]
    try:
        if action == "duyet":
            services.month_approve(actor=request.user, village=village, month=month)
        elif action == "mo-lai":
            services.month_reopen(
                actor=request.user, village=village, month=month, reason=form.cleaned_data["reason"] or ""
            )
        elif action == "chap-nhan":
            services.month_accept(actor=request.user, village=village, month=month)
        else:
            raise Http404
    except ValidationError as exc:
        return render_form_error(
            request,
            "journal/month_error.html",
            {"errors": {"": exc.messages}, "area": commune},
            partial="journal/month_error.html",
        )
    back = request.POST.get("next", "")
    return redirect_after_post(
        request, back if back.startswith("/") else reverse("journal:commune", args=[ident])
    )


@login_required
def province_journal(request: HttpRequest, ident: str) -> HttpResponse:
    province = area_selectors.area_get_for_user(request.user, ident)
    if province.level != Level.PROVINCE:
        raise Http404(_("Trang này dành cho một tỉnh."))
    if not scoping.covers(request.user, province.path, Cap.JOURNAL_ACCEPT):
        raise PermissionDenied(_("Chỉ cán bộ tỉnh chấp nhận số liệu."))
    month = _month(request)
    data = selectors.province_month(request.user, province, month)
    approved = selectors.approved_villages(request.user, province, month)
    return render_page(request, "journal/province.html", {"area": province, "approved": approved, **data})


@login_required
@require_http_methods(["GET", "POST"])
def aggregates(request: HttpRequest, ident: str) -> HttpResponse:
    area = area_selectors.area_get_for_user(request.user, ident)
    if not scoping.covers(request.user, area.path, Cap.AGGREGATE_WRITE):
        raise PermissionDenied(_("Bạn không nhập số tổng hợp cho địa bàn này."))
    form = AggregateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.aggregate_record(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("journal:aggregates", args=[area.ident]))
    rows = selectors.aggregates_for(request.user, area)
    context = {"area": area, "form": form, "rows": rows}
    if form.is_bound and form.errors:
        return render_form_error(
            request, "journal/aggregates.html", context, partial="journal/aggregates.html"
        )
    return render_page(request, "journal/aggregates.html", context)
