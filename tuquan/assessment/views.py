"""Longer than 600 lines: rounds, results, hotspots, ratings and grading are five page
groups; to be split by topic like the services (issue 23).

The assessment's pages: rounds of the user's area, one round with its results and the
province's decision (approve, return, reopen), hotspot areas with their plans."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuquan.assessment import permissions, rules, selectors, services
from tuquan.assessment.forms import (
    ActivateForm,
    ApproveForm,
    CommendForm,
    CriteriaSetForm,
    CriterionForm,
    GradingRulesForm,
    HotspotForm,
    NewVersionForm,
    RatingCommendForm,
    RatingForm,
    RatingRulesForm,
    ReasonForm,
    ResultForm,
    RoundOpenForm,
    TaskDoneForm,
    TaskForm,
    TransformForm,
    UnitCreateForm,
    UnitEditForm,
    set_choices,
)
from tuquan.assessment.models import HotspotStatus, Round, RoundStatus
from tuquan.core.selectors import area_get_for_user
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
            "can_propose": permissions.can_open_round(request.user),
            "can_approve": permissions.can_edit_criteria(request.user),
            "provinces": selectors.approve_provinces(request.user),
        },
    )


def _round_context(request: HttpRequest, rnd: Round, **forms: Form) -> dict[str, Any]:
    can_decide = permissions.can_approve_round(request.user, rnd)
    return {
        "round": rnd,
        "criteria": list(rnd.criteria_set.criteria.all()),
        "window": rules.window(rnd.criteria_set, rnd.year),
        "deadline": rules.deadline(rnd.criteria_set, rnd.year),
        "can_decide": can_decide,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "proposed": rnd.status == RoundStatus.PROPOSED,
        "approved": rnd.status == RoundStatus.APPROVED,
        "can_enter": not rnd.locked and permissions.can_enter_round(request.user, rnd),
        "subjects": selectors.round_subjects(rnd),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, uid: str) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, uid)
    return render_page(request, "assessment/round.html", _round_context(request, rnd))


def _decide(request: HttpRequest, uid: str, form_class: type[Form], key: str, act: Any) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_approve_round)
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
    return render_page(request, "assessment/hotspot.html", _hotspot_context(request, hotspot))


@login_required
@require_GET
def team_grading(request: HttpRequest) -> HttpResponse:
    """The weak and the paper-only teams to strengthen or dissolve, the good to replicate."""
    from django.utils import timezone

    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year - 1
    grades = selectors.team_grades(request.user, year=year).order_by("grade", "team__sort_name")
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


def _year(request: HttpRequest, default: int | None = None) -> int:
    try:
        return int(request.GET.get("nam", ""))
    except ValueError:
        return default or timezone.localdate().year


def _need(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- rounds: the commune's data entry ------------------------------------------------------


def _round_open_form(request: HttpRequest, data: Any = None) -> RoundOpenForm:
    form = RoundOpenForm(data, initial={"year": timezone.localdate().year})
    sets = selectors.criteria_sets()
    set_choices(
        form,
        "criteria_set",
        [(str(cs.pk), f"{cs.get_subject_kind_display()}: {cs.name} (v{cs.version})") for cs in sets],
    )
    set_choices(form, "commune", [(a.ident, a.name) for a in selectors.propose_communes(request.user)])
    return form


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest) -> HttpResponse:
    _need(permissions.can_open_round(request.user), _("Chỉ cán bộ Công an xã lập đợt đánh giá."))
    form = _round_open_form(request, request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method != "POST":
        return render_page(
            request, "assessment/round_open.html", context, partial="assessment/_round_open_form.html"
        )
    if form.is_valid():
        d = form.cleaned_data
        try:
            rnd = services.round_open(
                actor=request.user,
                criteria_set=selectors.criteria_set_get(int(d["criteria_set"])),
                commune=area_get_for_user(request.user, d["commune"]),
                year=d["year"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:round", args=[rnd.uid]))
    return render_form_error(
        request, "assessment/round_open.html", context, partial="assessment/_round_open_form.html"
    )


def _result_initial(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    initial: dict[str, Any] = {"evidence": result.evidence, "grade": result.grade}
    for code, answer in result.answers.items():
        value = answer.get("value") if isinstance(answer, dict) else answer
        if isinstance(value, bool):
            initial[f"c_{code}"] = "yes" if value else "no"
        elif value is not None:
            initial[f"c_{code}"] = value
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def round_result(request: HttpRequest, uid: str, subject: str) -> HttpResponse:
    """One subject's result: the commune answers the yes/no and number criteria, the derived
    ones are shown as computed from what was recorded."""
    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_enter_round)
    area, unit = selectors.round_subject(rnd, subject)
    criteria = list(rnd.criteria_set.criteria.all())
    existing = selectors.subject_result(rnd, area, unit)
    form = ResultForm(
        request.POST if request.method == "POST" else None,
        initial=_result_initial(existing),
        criteria=criteria,
        grades=list(rnd.criteria_set.grades),
    )
    derived = selectors.derived_values(request.user, rnd, area)
    context = {
        "round": rnd,
        "subject": subject,
        "subject_name": area.name if area else unit.name if unit else "",
        "form": form,
        "criteria": criteria,
        "derived": [{"criterion": c, **derived[c.code]} for c in criteria if c.code in derived],
        "result": existing,
    }
    template, partial = "assessment/result_form.html", "assessment/_result_form.html"
    if request.method != "POST":
        return render_page(request, template, context, partial=partial)
    if form.is_valid():
        try:
            services.result_record(
                actor=request.user,
                round=rnd,
                area=area,
                unit=unit,
                answers=form.answers(),
                evidence=form.cleaned_data["evidence"],
                grade=form.cleaned_data.get("grade") or "",
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:round", args=[rnd.uid]))
    return render_form_error(request, template, context, partial=partial)


@login_required
@require_POST
def round_propose(request: HttpRequest, uid: str) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_enter_round)
    try:
        services.round_propose(actor=request.user, round=rnd)
    except ValidationError as exc:
        context = _round_context(request, rnd) | {"propose_errors": exc.messages}
        return render_form_error(request, "assessment/round.html", context, partial="assessment/round.html")
    return redirect_after_post(request, reverse("assessment:round", args=[rnd.uid]))


# --- registered units -------------------------------------------------------------------------


def _unit_create_form(request: HttpRequest, data: Any = None) -> UnitCreateForm:
    form = UnitCreateForm(data)
    set_choices(form, "commune", [(a.ident, a.name) for a in selectors.propose_communes(request.user)])
    return form


@login_required
@require_http_methods(["GET", "POST"])
def unit_list(request: HttpRequest) -> HttpResponse:
    """The agencies, enterprises and schools of the user's area, and the form to add one."""
    can_add = permissions.can_register_unit(request.user)
    form = _unit_create_form(request, request.POST if request.method == "POST" else None) if can_add else None
    context = {"units": selectors.unit_list(request.user)[:500], "form": form}
    template, partial = "assessment/units.html", "assessment/_unit_form.html"
    if request.method != "POST":
        return render_page(request, template, context)
    _need(can_add, _("Chỉ cán bộ Công an xã đăng ký đơn vị."))
    assert form is not None
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_create(
                actor=request.user,
                commune=area_get_for_user(request.user, d["commune"]),
                kind=d["kind"],
                name=d["name"],
                address=d["address"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:units"))
    return render_form_error(request, template, context, partial=partial)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, uid: str) -> HttpResponse:
    unit = selectors.unit_get_for_user(request.user, uid, write=True)
    initial = {"kind": unit.kind, "name": unit.name, "address": unit.address, "active": unit.active}
    form = UnitEditForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"unit": unit, "form": form}
    template, partial = "assessment/unit_form.html", "assessment/_unit_edit_form.html"
    if request.method != "POST":
        return render_page(request, template, context, partial=partial)
    if form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:units"))
    return render_form_error(request, template, context, partial=partial)


# --- hotspots ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hotspot_new(request: HttpRequest) -> HttpResponse:
    _need(
        permissions.can_declare_hotspot(request.user), _("Chỉ cán bộ Công an xã xác định địa bàn trọng điểm.")
    )
    form = HotspotForm(request.POST if request.method == "POST" else None)
    set_choices(form, "area", [(a.ident, a.name) for a in selectors.propose_areas(request.user)])
    context = {"form": form}
    template, partial = "assessment/hotspot_form.html", "assessment/_hotspot_form.html"
    if request.method != "POST":
        return render_page(request, template, context, partial=partial)
    if form.is_valid():
        d = form.cleaned_data
        try:
            hotspot = services.hotspot_declare(
                actor=request.user,
                area=area_get_for_user(request.user, d["area"]),
                reason=d["reason"],
                declared_on=d["declared_on"],
                decision_number=d["decision_number"],
                tasks=form.task_specs(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:hotspot", args=[hotspot.uid]))
    return render_form_error(request, template, context, partial=partial)


def _hotspot_context(request: HttpRequest, hotspot: Any, **forms: Any) -> dict[str, Any]:
    return {
        "hotspot": hotspot,
        "tasks": [
            {
                "task": t,
                "errors": (forms.get("done") or {}).get(t.pk, {}).get("errors", []),
                "value": (forms.get("done") or {}).get(t.pk, {}).get("value")
                or timezone.localdate().isoformat(),
            }
            for t in hotspot.tasks.all()
        ],
        "can_edit": permissions.can_edit_hotspot(request.user, hotspot)
        and hotspot.status == HotspotStatus.DECLARED,
        "can_transform": permissions.can_transform_hotspot(request.user, hotspot)
        and hotspot.status == HotspotStatus.DECLARED,
        "task_form": forms.get("task_form") or TaskForm(),
        "transform_form": forms.get("transform_form") or TransformForm(),
    }


def _hotspot_error(request: HttpRequest, hotspot: Any, partial: str, **forms: Any) -> HttpResponse:
    context = _hotspot_context(request, hotspot, **forms)
    return render_form_error(request, "assessment/hotspot.html", context, partial=partial)


@login_required
@require_POST
def hotspot_task_add(request: HttpRequest, uid: str) -> HttpResponse:
    hotspot = selectors.hotspot_get_for_user(request.user, uid, may=permissions.can_edit_hotspot)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.hotspot_task_add(actor=request.user, hotspot=hotspot, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:hotspot", args=[hotspot.uid]))
    return _hotspot_error(request, hotspot, "assessment/_task_form.html", task_form=form)


@login_required
@require_POST
def hotspot_task_done(request: HttpRequest, uid: str, pk: int) -> HttpResponse:
    hotspot = selectors.hotspot_get_for_user(request.user, uid, may=permissions.can_edit_hotspot)
    task = selectors.hotspot_task_get(hotspot, pk)
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.hotspot_task_done(actor=request.user, task=task, done_on=form.cleaned_data["done_on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:hotspot", args=[hotspot.uid]))
    typed = {
        task.pk: {
            "errors": [e for errs in form.errors.values() for e in errs],
            "value": request.POST.get("done_on", ""),
        }
    }
    return _hotspot_error(request, hotspot, "assessment/_tasks.html", done=typed)


@login_required
@require_POST
def hotspot_transform(request: HttpRequest, uid: str) -> HttpResponse:
    hotspot = selectors.hotspot_get_for_user(request.user, uid, may=permissions.can_transform_hotspot)
    form = TransformForm(request.POST)
    if form.is_valid():
        try:
            services.hotspot_transform(
                actor=request.user,
                hotspot=hotspot,
                on=form.cleaned_data["on"],
                decision_number=form.cleaned_data["decision_number"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:hotspot", args=[hotspot.uid]))
    return _hotspot_error(request, hotspot, "assessment/_transform_form.html", transform_form=form)


# --- the statutory team's yearly rating ---------------------------------------------------------


@login_required
@require_GET
def rating_teams(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "assessment/rating_teams.html",
        {"teams": selectors.statutory_teams(request.user)[:500], "year": _year(request)},
    )


def _rating_context(request: HttpRequest, team: Any, year: int, **extra: Any) -> dict[str, Any]:
    sheet = selectors.rating_sheet(team, year)
    can_rate = team.type.is_statutory and permissions.can_rate_team(request.user, team)
    bad = extra.get("bad")  # (member key, form) of a refused post
    rows = [{"key": "", "label": _("Cả tổ"), "rating": sheet["team_rating"]}]
    rows += [
        {
            "key": str(r["membership"].uid),
            "label": r["membership"].person.full_name,
            "role": team.type.role_label(r["membership"].role),
            "rating": r["rating"],
        }
        for r in sheet["rows"]
    ]
    for row in rows:
        if bad and bad[0] == row["key"]:
            row["form"] = bad[1]
            continue
        rating = row["rating"]
        initial = {"member": row["key"], "decided_on": timezone.localdate()}
        if rating is not None:
            initial.update(
                level=rating.level,
                under_complaint=rating.under_complaint,
                decision_number=rating.decision_number,
                decided_on=rating.decided_on,
            )
        row["form"] = RatingForm(initial=initial, prefix=row["key"] or "to")
    return {
        "team": team,
        "year": year,
        "period": sheet["period"],
        "rows": rows,
        "commendable": [
            r
            for r in rows
            if r["rating"] and r["rating"].level == "excellent" and not r["rating"].commendation_id
        ],
        "can_rate": can_rate,
        "rules": services.rules_for(team.home_area),
        "commend_form": extra.get("commend_form") or RatingCommendForm(initial={"level": "commune"}),
    }


@login_required
@require_http_methods(["GET", "POST"])
def rating_team(request: HttpRequest, uid: str) -> HttpResponse:
    """The team and each member on one page, one small form a row; a refused row comes back
    with the rule that refused it."""
    year = _year(request, timezone.localdate().year)
    if request.method != "POST":
        team = selectors.rating_team_get_for_user(request.user, uid)
        return render_page(request, "assessment/rating_team.html", _rating_context(request, team, year))
    team = selectors.rating_team_get_for_user(request.user, uid, write=True)
    # The row's key travels unprefixed so the view knows which row's prefix to read.
    key = request.POST.get("member", "")
    membership = selectors.rating_membership(team, key) if key else None
    form = RatingForm(request.POST, prefix=key or "to")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.rating_record(
                actor=request.user,
                team=team,
                membership=membership,
                year=year,
                level=d["level"],
                decision_number=d["decision_number"],
                under_complaint=d["under_complaint"],
                decided_on=d["decided_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(
                request, reverse("assessment:rating_team", args=[team.uid]) + f"?nam={year}"
            )
    context = _rating_context(request, team, year, bad=(key, form))
    # A member who left before the period is not on the sheet: their row is shown alone.
    row = next((r for r in context["rows"] if r["key"] == key), None) or {
        "key": key,
        "label": membership.person.full_name if membership else "",
        "rating": None,
        "form": form,
    }
    return render_form_error(
        request, "assessment/rating_team.html", context | {"row": row}, partial="assessment/_rating_row.html"
    )


@login_required
@require_POST
def rating_commend(request: HttpRequest, uid: str) -> HttpResponse:
    team = selectors.rating_team_get_for_user(request.user, uid, write=True)
    year = _year(request, timezone.localdate().year)
    form = RatingCommendForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.rating_commend(
                actor=request.user,
                rating=selectors.rating_of_team(team, d["rating"]),
                level=d["level"],
                decision_number=d["decision_number"],
                awarded_on=d["awarded_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:commendations") + f"?nam={year}")
    context = _rating_context(request, team, year, commend_form=form)
    return render_form_error(
        request, "assessment/rating_team.html", context, partial="assessment/_rating_commend_form.html"
    )


# --- commendations ------------------------------------------------------------------------------


@login_required
@require_GET
def commendations(request: HttpRequest) -> HttpResponse:
    """The proposal list: subjects that met the standard in an approved round, and the force's
    "xuất sắc" ratings; each with the decision once recorded."""
    year = _year(request, timezone.localdate().year)
    return render_page(
        request,
        "assessment/commendations.html",
        {
            "year": year,
            "results": [
                (r, CommendForm(auto_id=f"c{r.uid}-%s", initial={"level": "commune"}))
                for r in selectors.commendation_proposals(request.user, year=year)[:500]
            ],
            "ratings": selectors.excellent_ratings(request.user, year=year)[:500],
            "can_propose": permissions.can_rate_team(request.user),
        },
    )


@login_required
@require_POST
def result_commend(request: HttpRequest, uid: str) -> HttpResponse:
    result = selectors.result_get_for_user(request.user, uid, may=permissions.can_enter_round)
    form = CommendForm(request.POST, auto_id=f"c{result.uid}-%s")
    if form.is_valid():
        try:
            services.result_commend(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(
                request, reverse("assessment:commendations") + f"?nam={result.round.year}"
            )
    return render_form_error(
        request,
        "assessment/result_commend.html",
        {"result": result, "form": form},
        partial="assessment/_result_commend_form.html",
    )


# --- criteria sets (province administrator) -------------------------------------------------------


@login_required
@require_GET
def criteria_set_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "assessment/criteria_sets.html",
        {"sets": selectors.criteria_set_list(), "can_edit": permissions.can_edit_criteria(request.user)},
    )


def _set_context(request: HttpRequest, cs: Any, **forms: Any) -> dict[str, Any]:
    in_use = services.set_in_use(cs)
    return {
        "set": cs,
        "criteria": list(cs.criteria.all()),
        "in_use": in_use,
        "can_edit": permissions.can_edit_criteria(request.user),
        "editable": permissions.can_edit_criteria(request.user) and not in_use,
        "version_form": forms.get("version_form") or NewVersionForm(),
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "activate_form": forms.get("activate_form") or ActivateForm(),
    }


@login_required
@require_GET
def criteria_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cs = selectors.criteria_set_get(pk)
    return render_page(request, "assessment/criteria_set.html", _set_context(request, cs))


@login_required
@require_http_methods(["GET", "POST"])
def criteria_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need(permissions.can_edit_criteria(request.user), _("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    cs = selectors.criteria_set_get(pk)
    fields = ("name", "legal_basis", "window_end_day", "window_end_month", "deadline_day", "deadline_month")
    form = CriteriaSetForm(
        request.POST if request.method == "POST" else None, initial={f: getattr(cs, f) for f in fields}
    )
    context = {"set": cs, "form": form, "in_use": services.set_in_use(cs)}
    template, partial = "assessment/criteria_set_form.html", "assessment/_criteria_set_form.html"
    if request.method != "POST":
        return render_page(request, template, context, partial=partial)
    if form.is_valid():
        try:
            services.criteria_set_update(actor=request.user, criteria_set=cs, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:criteria_set", args=[cs.pk]))
    return render_form_error(request, template, context, partial=partial)


def _set_post(
    request: HttpRequest, pk: int, form_class: type[Form], key: str, partial: str, act: Any
) -> HttpResponse:
    _need(permissions.can_edit_criteria(request.user), _("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    cs = selectors.criteria_set_get(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            target = act(cs, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("assessment:criteria_set", args=[target.pk]))
    context = _set_context(request, cs, **{key: form})
    return render_form_error(request, "assessment/criteria_set.html", context, partial=partial)


@login_required
@require_POST
def criteria_set_version(request: HttpRequest, pk: int) -> HttpResponse:
    """The next version, a copy of this one's criteria to edit before it is activated."""

    def act(cs: Any, d: dict[str, Any]) -> Any:
        return services.criteria_set_new_version(
            actor=request.user,
            base=cs,
            name=d["name"],
            legal_basis=d["legal_basis"],
            criteria=[
                {
                    "code": c.code,
                    "text": c.text,
                    "check_kind": c.check_kind,
                    "threshold": c.threshold,
                    "at_most": c.at_most,
                    "indicator": c.indicator,
                }
                for c in cs.criteria.all()
            ],
        )

    return _set_post(request, pk, NewVersionForm, "version_form", "assessment/_version_form.html", act)


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_post(
        request,
        pk,
        CriterionForm,
        "criterion_form",
        "assessment/_criterion_add_form.html",
        lambda cs, d: services.criterion_add(actor=request.user, criteria_set=cs, **d).criteria_set,
    )


@login_required
@require_POST
def criteria_set_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_post(
        request,
        pk,
        ActivateForm,
        "activate_form",
        "assessment/_activate_form.html",
        lambda cs, d: services.criteria_set_activate(actor=request.user, criteria_set=cs),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _need(permissions.can_edit_criteria(request.user), _("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    criterion = selectors.criterion_get(pk)
    fields = ("code", "text", "check_kind", "threshold", "at_most", "indicator")
    form = CriterionForm(
        request.POST if request.method == "POST" else None, initial={f: getattr(criterion, f) for f in fields}
    )
    context = {"criterion": criterion, "set": criterion.criteria_set, "form": form}
    template, partial = "assessment/criterion_form.html", "assessment/_criterion_form.html"
    if request.method != "POST":
        return render_page(request, template, context, partial=partial)
    if form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(
                request, reverse("assessment:criteria_set", args=[criterion.criteria_set_id])
            )
    return render_form_error(request, template, context, partial=partial)


# --- the province's rules ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, ident: str) -> HttpResponse:
    """The statutory team's rating rules and the voluntary teams' grading thresholds."""
    province = selectors.province_get_for_user(request.user, ident, write=True)
    rating = services.rules_for(province)
    grading = services.grading_rules_for(province)
    which = request.POST.get("rules", "") if request.method == "POST" else ""
    rating_form = RatingRulesForm(
        request.POST if which == "rating" else None,
        initial={
            "excellent_quota_percent": rating.excellent_quota_percent,
            "min_active_months": rating.min_active_months,
        },
    )
    grading_form = GradingRulesForm(
        request.POST if which == "grading" else None,
        initial={f: getattr(grading, f) for f in GradingRulesForm.base_fields},
    )
    context = {
        "province": province,
        "rating_form": rating_form,
        "grading_form": grading_form,
        "saved": "da-luu" in request.GET,
    }
    template = "assessment/rules.html"
    if request.method != "POST":
        return render_page(request, template, context)
    form: Form = grading_form if which == "grading" else rating_form
    if which not in ("rating", "grading"):
        # A post that names neither form: show the rating form bound, so its errors say why.
        form = rating_form = RatingRulesForm(request.POST)
        context["rating_form"] = rating_form
    if form.is_valid():
        try:
            if which == "grading":
                services.grading_rules_update(actor=request.user, province=province, **form.cleaned_data)
            else:
                services.rating_rules_update(actor=request.user, province=province, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(
                request, reverse("assessment:rules", args=[province.ident]) + "?da-luu=1"
            )
    partial = (
        "assessment/_grading_rules_form.html" if which == "grading" else "assessment/_rating_rules_form.html"
    )
    return render_form_error(request, template, context, partial=partial)
