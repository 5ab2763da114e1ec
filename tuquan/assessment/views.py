"""The assessment's pages: rounds of the user's area, one round with its results and the
province's decision (approve, return, reopen), hotspot areas with their plans."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tuquan.assessment import selectors, services
from tuquan.assessment.forms import ApproveForm, ReasonForm
from tuquan.assessment.models import Round, RoundStatus
from tuquan.core import scoping
from tuquan.core.roles import Cap
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "assessment/index.html",
        {
            "rounds": selectors.round_list(request.user)[:200],
            "hotspots": selectors.hotspots_visible(request.user).select_related("area")[:200],
            "criteria_sets": selectors.criteria_sets(),
        },
    )


def _round_context(request: HttpRequest, rnd: Round, **forms: Form) -> dict[str, Any]:
    can_decide = scoping.covers(request.user, rnd.commune.path, Cap.ASSESSMENT_APPROVE)
    return {
        "round": rnd,
        "results": selectors.round_results(rnd),
        "criteria": list(rnd.criteria_set.criteria.all()),
        "window": services.window(rnd.criteria_set, rnd.year),
        "deadline": services.deadline(rnd.criteria_set, rnd.year),
        "can_decide": can_decide,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "proposed": rnd.status == RoundStatus.PROPOSED,
        "approved": rnd.status == RoundStatus.APPROVED,
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, uid: str) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, uid)
    return render_page(request, "assessment/round.html", _round_context(request, rnd))


def _decide(request: HttpRequest, uid: str, form_class: type[Form], key: str, act: Any) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, uid, cap=Cap.ASSESSMENT_APPROVE)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(rnd, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:round", args=[rnd.uid]))
    context = _round_context(request, rnd, **{key: form})
    return render_form_error(request, "assessment/round.html", context, partial="assessment/round.html")


@login_required
@require_POST
def round_approve(request: HttpRequest, uid: str) -> HttpResponse:
    return _decide(
        request,
        uid,
        ApproveForm,
        "approve_form",
        lambda rnd, data: services.round_approve(
            actor=request.user,
            round=rnd,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
        ),
    )


@login_required
@require_POST
def round_return(request: HttpRequest, uid: str) -> HttpResponse:
    return _decide(
        request,
        uid,
        ReasonForm,
        "return_form",
        lambda rnd, data: services.round_return(actor=request.user, round=rnd, reason=data["reason"]),
    )


@login_required
@require_POST
def round_reopen(request: HttpRequest, uid: str) -> HttpResponse:
    return _decide(
        request,
        uid,
        ReasonForm,
        "reopen_form",
        lambda rnd, data: services.round_reopen(actor=request.user, round=rnd, reason=data["reason"]),
    )


@login_required
@require_GET
def hotspot_detail(request: HttpRequest, uid: str) -> HttpResponse:
    hotspot = selectors.hotspot_get_for_user(request.user, uid)
    return render_page(request, "assessment/hotspot.html", {"hotspot": hotspot, "tasks": hotspot.tasks.all()})


@login_required
@require_GET
def team_grading(request: HttpRequest) -> HttpResponse:
    """The weak and the paper-only teams to strengthen or dissolve, the good to replicate."""
    from django.utils import timezone

    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year - 1
    grades = selectors.team_grades(request.user, year=year).order_by("grade", "team__name")
    return render_page(
        request,
        "assessment/grading.html",
        {
            "year": year,
            "weak": [g for g in grades if g.grade == "weak"],
            "good": [g for g in grades if g.grade == "good"],
            "others": [g for g in grades if g.grade in ("fair", "average")],
            "paper_only": selectors.paper_only(request.user),
        },
    )
