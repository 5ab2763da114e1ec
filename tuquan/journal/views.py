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

from tuquan.core import selectors as area_selectors
from tuquan.core.models import Area, Level
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.journal import permissions, selectors, services
from tuquan.journal.forms import (
    AggregateForm,
    DeleteForm,
    ManyReviewForm,
    MonthForm,
    ReopenForm,
    ReviewForm,
    entry_form_class,
)
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
    can = any(permissions.can_record_entry(request.user, team, v) for v in selectors.team_villages(team))
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
    if not any(permissions.can_record_entry(request.user, team, v) for v in villages):
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
    can_edit = permissions.can_record_entry(request.user, team, entry.village)
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
        "can_review": permissions.can_review_entry(request.user, entry),
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
    if not permissions.can_review_entry(request.user, entry):
        raise PermissionDenied(_("Chỉ cán bộ xã kiểm tra nhật ký."))
    data = request.POST.copy()
    # "Checked, next one": the commune's pace is one entry after another, not back to a list.
    then_next = data.get("verdict") == "verified-next"
    if then_next:
        data["verdict"] = "verified"
    form = ReviewForm(data)
    if form.is_valid():
        try:
            if request.POST.get("valuable") in ("1", "0") and entry.kind == "tip":
                services.tip_assess(actor=request.user, entry=entry, valuable=request.POST["valuable"] == "1")
            services.entry_review(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if then_next:
                return redirect_after_post(request, _next_to_check(request, entry))
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


def _next_to_check(request: HttpRequest, entry: Entry) -> str:
    following = selectors.next_to_check(request.user, entry)
    if following is not None:
        messages.success(request, _("Đã kiểm tra. Mục tiếp theo:"))
        return reverse("journal:entry", args=[following.uid])
    messages.success(request, _("Đã kiểm tra. Không còn hoạt động nào chờ kiểm tra."))
    parent = entry.village.parent
    return reverse("journal:commune", args=[parent.ident]) if parent else "/"


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, uid: str) -> HttpResponse:
    """Asks for the reason first (a page, not a script's confirm box: works without
    JavaScript and on any phone)."""
    entry = selectors.entry_get_for_user(request.user, uid, write=True)
    if not permissions.can_record_entry(request.user, entry.team, entry.village):
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


def _commune(request: HttpRequest, ident: str) -> Area:
    commune = area_selectors.area_get_for_user(request.user, ident)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Trang này dành cho một xã."))
    if not permissions.can_approve_month(request.user, commune):
        raise PermissionDenied(_("Chỉ cán bộ xã kiểm tra và duyệt nhật ký."))
    return commune


@login_required
def commune_journal(request: HttpRequest, ident: str) -> HttpResponse:
    commune = _commune(request, ident)
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


def _village_of(request: HttpRequest, commune: Area, ident: str) -> Area:
    village = area_selectors.area_get_for_user(request.user, ident)
    if village.parent_id != commune.pk:
        raise Http404(_("Thôn không thuộc xã này."))
    return village


def _village_month_context(
    request: HttpRequest, commune: Area, village: Area, month: date, **forms: Any
) -> dict[str, Any]:
    month = services.month_start(month)
    return {
        "area": commune,
        "village": village,
        "month": month,
        "approval": services.approval_for(village, month),
        "blockers": list(selectors.month_blockers(request.user, village, month)[:200]),
        "many_form": forms.get("many_form") or ManyReviewForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "errors": forms.get("errors", []),
    }


@login_required
def village_month(request: HttpRequest, ident: str) -> HttpResponse:
    """One village's month as the officer approves it: what blocks the approval (entries
    not yet checked, each linked, all checkable at once), the approve button once nothing
    does, and reopening with a reason the officer types."""
    commune = _commune(request, ident)
    village = _village_of(request, commune, request.GET.get("thon", ""))
    context = _village_month_context(request, commune, village, _month(request))
    return render_page(request, "journal/village_month.html", context)


@login_required
@require_POST
def review_many(request: HttpRequest, ident: str) -> HttpResponse:
    """Checks or returns the entries ticked in the commune's queue, or every unchecked entry
    of one village's month ("check all"), in one transaction."""
    commune = _commune(request, ident)
    form = ManyReviewForm(request.POST)
    village = None
    if form.is_valid():
        data = form.cleaned_data
        if data["village"]:
            village = _village_of(request, commune, data["village"])
            chosen = selectors.month_blockers(request.user, village, data["month"] or _month(request))
        else:
            chosen = selectors.review_queue(request.user, commune).filter(uid__in=data["entries"])
        entries = list(chosen)
        try:
            if not data["village"] and len(entries) != len(set(data["entries"])):
                raise ValidationError(
                    _("Có hoạt động đã được kiểm tra hoặc xoá trong lúc bạn xem: tải lại trang rồi chọn lại.")
                )
            done = services.entries_review(
                actor=request.user, entries=entries, verdict=data["verdict"], comment=data["comment"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if data["verdict"] == "verified":
                messages.success(request, _("Đã kiểm tra %(n)s hoạt động.") % {"n": done})
            else:
                messages.success(request, _("Đã trả lại %(n)s hoạt động.") % {"n": done})
            back = request.POST.get("next", "")
            return redirect_after_post(
                request, back if back.startswith("/") else reverse("journal:commune", args=[ident])
            )
    if village is not None:
        month = form.cleaned_data.get("month") or _month(request)
        context = _village_month_context(request, commune, village, month, many_form=form)
        return render_form_error(
            request, "journal/village_month.html", context, partial="journal/village_month.html"
        )
    context = {
        "area": commune,
        "queue": selectors.review_queue(request.user, commune)[:100],
        "many_form": form,
        **selectors.commune_month(request.user, commune, _month(request)),
    }
    return render_form_error(request, "journal/commune.html", context, partial="journal/commune.html")


@login_required
@require_POST
def commune_month_action(request: HttpRequest, ident: str, action: str) -> HttpResponse:
    # The services decide who may approve, reopen or accept (403 otherwise).
    commune = area_selectors.area_get_for_user(request.user, ident)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Trang này dành cho một xã."))
    # Approving is the commune's, accepting the province's; reopening belongs to whoever
    # approved last (the service checks which).
    may = {"duyet": permissions.can_approve_month, "chap-nhan": permissions.can_accept_month}.get(
        action, permissions.can_decide_months
    )
    if not may(request.user, commune):
        raise PermissionDenied(_("Bạn không duyệt số liệu của xã này."))
    form = MonthForm(request.POST)
    if not form.is_valid():
        return render_form_error(
            request,
            "journal/month_error.html",
            {"errors": form.errors, "area": commune},
            partial="journal/month_error.html",
        )
    village = _village_of(request, commune, form.cleaned_data["village"])
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
        if action == "chap-nhan" or not permissions.can_approve_month(request.user, commune):
            # The province accepts from its own page: the commune's month page is not theirs.
            return render_form_error(
                request,
                "journal/month_error.html",
                {"errors": {"": exc.messages}, "area": commune},
                partial="journal/month_error.html",
            )
        # Not a dead end: the month's page says why, lists what blocks it and links there.
        reopen = ReopenForm(request.POST) if action == "mo-lai" else None
        if reopen is not None:
            reopen.is_valid()
            apply_errors(reopen, exc)
        errors = [] if reopen is not None else exc.messages
        context = _village_month_context(request, commune, village, month, reopen_form=reopen, errors=errors)
        return render_form_error(
            request, "journal/village_month.html", context, partial="journal/village_month.html"
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
    if not permissions.can_accept_month(request.user, province):
        raise PermissionDenied(_("Chỉ cán bộ tỉnh chấp nhận số liệu."))
    month = _month(request)
    data = selectors.province_month(request.user, province, month)
    approved = selectors.approved_villages(request.user, province, month)
    return render_page(request, "journal/province.html", {"area": province, "approved": approved, **data})


@login_required
@require_http_methods(["GET", "POST"])
def aggregates(request: HttpRequest, ident: str) -> HttpResponse:
    area = area_selectors.area_get_for_user(request.user, ident)
    if not permissions.can_enter_totals(request.user, area):
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
