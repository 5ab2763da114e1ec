"""Supervised persons and team funds: thin views over care.selectors and care.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuquan.care import io, selectors, services
from tuquan.care.forms import (
    CheckInForm,
    CloseForm,
    ContributionForm,
    CorrectionForm,
    ExpenseForm,
    MonthForm,
    OutcomeForm,
    PersonForm,
    ReferralForm,
    UploadForm,
)
from tuquan.care.models import Category, FundKind
from tuquan.care.permissions import (
    can_close_fund_month,
    can_keep_fund,
    can_supervise_person,
    can_take_in_person,
)
from tuquan.core.models import Area
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.registry.models import Person, Team

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- supervised persons ------------------------------------------------------------------


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """Everyone who reads an area sees the counts; the circle also sees its persons."""
    counts = selectors.person_counts(request.user)
    labels = dict(Category.choices)
    return render_page(
        request,
        "care/list.html",
        {
            "counts": [(labels[c], n) for c, n in counts.items()],
            "total": sum(counts.values()),
            "persons": selectors.person_list(request.user),
            "can_add": can_take_in_person(request.user),
        },
    )


def _person_form(request: HttpRequest, data: Any = None) -> PersonForm:
    form = PersonForm(data)
    areas, teams, helpers = selectors.person_form_options(request.user)
    _choices(form, "area", [(a.ident, a.name) for a in areas])
    _choices(form, "team", [("", "—"), *[(str(t.uid), t.name) for t in teams]])
    _choices(form, "helper", [("", "—"), *[(str(p.uid), p.full_name) for p in helpers]])
    return form


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    if not can_take_in_person(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã nhận người được giúp đỡ."))
    form = _person_form(request, request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method != "POST":
        return render_page(request, "care/person_form.html", context)
    if form.is_valid():
        d = form.cleaned_data
        try:
            person = services.supervised_create(
                actor=request.user,
                area=Area.objects.get(ident=d["area"]),
                category=d["category"],
                full_name=d["full_name"],
                birth_year=d["birth_year"],
                address=d["address"],
                legal_basis=d["legal_basis"],
                needs=d["needs"],
                start_on=d["start_on"],
                planned_end_on=d["planned_end_on"],
                team=Team.objects.filter(uid=d["team"]).first() if d["team"] else None,
                helper=Person.objects.filter(uid=d["helper"]).first() if d["helper"] else None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:detail", args=[person.uid]))
    return render_form_error(request, "care/person_form.html", context, partial="care/person_form.html")


@login_required
@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    """For the commune officer only (403 for everyone else), never part of another export."""
    if not can_take_in_person(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã xuất danh sách người được giúp đỡ."))
    persons = [p for p in selectors.person_list(request.user) if can_supervise_person(request.user, p)]
    return _xlsx(io.person_workbook(request.user, persons), "nguoi-duoc-giup-do.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def person_import(request: HttpRequest) -> HttpResponse:
    """The officer's upload of the persons' workbook (the export's layout); all or nothing,
    every bad cell listed. Everyone else gets 403, the province always."""
    if not can_take_in_person(request.user):
        raise PermissionDenied(io.IMPORT_REFUSED)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "cell_errors": []}
    if request.method != "POST":
        return render_page(request, "care/person_import.html", context)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = io.person_import(actor=request.user, data=upload.read())
        except io.WorkbookErrors as exc:
            context["cell_errors"] = exc.errors
            form.add_error("file", _("Tệp có %(n)s lỗi, không có gì được ghi.") % {"n": len(exc.errors)})
        else:
            messages.success(
                request,
                _("Đã nhập: %(c)s người mới, %(u)s người được cập nhật, %(k)s lần gặp, %(r)s giới thiệu.")
                % {
                    "c": counts[io.PERSONS.title].created,
                    "u": counts[io.PERSONS.title].changed,
                    "k": counts[io.CHECKINS.title].created,
                    "r": counts[io.REFERRALS.title].created + counts[io.REFERRALS.title].changed,
                },
            )
            return redirect_after_post(request, reverse("care:list"))
    return render_form_error(
        request, "care/person_import.html", context, partial="care/_person_import_form.html"
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, uid)
    identity = selectors.person_read(request.user, person)
    return render_page(
        request,
        "care/detail.html",
        {
            "person": person,
            "identity": identity,
            "officer": can_supervise_person(request.user, person),
            "checkin_form": CheckInForm(),
            "referral_form": ReferralForm(),
        },
    )


def _referral_page(
    request: HttpRequest, person: Any, form: ReferralForm, referral: Any = None, *, status: int = 200
) -> HttpResponse:
    context = {"person": person, "form": form, "referral": referral}
    return render_page(
        request, "care/referral.html", context, partial="care/_referral_form.html", status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, uid: Any) -> HttpResponse:
    """Refer the person to an organisation: the commune officer (the leader gets 403)."""
    person = selectors.person_get_for_user(request.user, uid, officer=True)
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _referral_page(request, person, form)
    if form.is_valid():
        try:
            services.referral_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:detail", args=[person.uid]) + "#gioi-thieu")
    return _referral_page(request, person, form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, uid: Any, referral: Any) -> HttpResponse:
    """What came of a referral (status, outcome, date), or a correction: the officer's."""
    obj = selectors.referral_get_for_user(request.user, uid, referral, officer=True)
    person = obj.person
    initial = {f: getattr(obj, f) for f in services.REFERRAL_FIELDS}
    form = ReferralForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method != "POST":
        return _referral_page(request, person, form, obj)
    if form.is_valid():
        try:
            services.referral_update(actor=request.user, referral=obj, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:detail", args=[person.uid]) + "#gioi-thieu")
    return _referral_page(request, person, form, obj, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def person_checkin(request: HttpRequest, uid: Any) -> HttpResponse:
    """The leader's phone flow: date prefilled with today, a note, one button."""
    person = selectors.person_get_for_user(request.user, uid)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    context = {"person": person, "form": form}
    if request.method != "POST":
        return render_page(request, "care/checkin.html", context)
    if form.is_valid():
        try:
            services.supervised_checkin(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:list") + "?da-ghi=1")
    return render_form_error(request, "care/checkin.html", context, partial="care/checkin.html")


@login_required
@require_http_methods(["GET", "POST"])
def person_outcomes(request: HttpRequest, uid: Any) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, uid, officer=True)
    initial = {
        f: getattr(person, f)
        for f in (
            "job_found_on",
            "loan_on",
            "loan_amount",
            "family_support",
            "income_band",
            "reoffended_on",
        )
    }
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"person": person, "form": form}
    if request.method != "POST":
        return render_page(request, "care/outcomes.html", context)
    if form.is_valid():
        try:
            services.supervised_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:detail", args=[person.uid]))
    return render_form_error(request, "care/outcomes.html", context, partial="care/outcomes.html")


@login_required
@require_POST
def person_close(request: HttpRequest, uid: Any) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, uid, officer=True)
    form = CloseForm(request.POST)
    context = {"person": person, "form": form}
    if form.is_valid():
        try:
            services.supervised_close(
                actor=request.user, person=person, closed_on=form.cleaned_data["closed_on"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:detail", args=[person.uid]))
    return render_form_error(request, "care/close.html", context, partial="care/close.html")


# --- team funds --------------------------------------------------------------------------


@login_required
@require_GET
def fund_ledger(request: HttpRequest, team: Any) -> HttpResponse:
    obj = selectors.fund_team_get(request.user, team)
    rows = selectors.fund_ledger(obj)
    totals = selectors.fund_totals(obj.fund_entries.all())
    return render_page(
        request,
        "care/fund.html",
        {
            "team": obj,
            "rows": list(reversed(rows)),
            "balance": rows[-1].balance if rows else 0,
            "contributions": totals[FundKind.CONTRIBUTION],
            "expenses": totals[FundKind.EXPENSE],
            "can_keep": can_keep_fund(request.user, obj),
            "can_close": can_close_fund_month(request.user, obj),
            "closed": sorted(selectors.closed_months(obj), reverse=True)[:12],
            "month_form": MonthForm(),
        },
    )


def _fund_form(
    request: HttpRequest, team: Any, form_class: type, kind: str, entry: Any = None
) -> HttpResponse:
    obj = selectors.fund_team_get(request.user, team, write=True)
    corrects = selectors.fund_entry_get(obj, entry) if entry else None
    form = form_class(request.POST if request.method == "POST" else None)
    households = selectors.fund_households(obj)
    if "household" in form.fields:
        _choices(form, "household", [("", "—"), *[(str(h.uid), h.address) for h in households]])
    context = {"team": obj, "form": form, "kind": kind, "corrects": corrects}
    if request.method != "POST":
        return render_page(request, "care/fund_form.html", context)
    if form.is_valid():
        d = dict(form.cleaned_data)
        household_uid = d.pop("household", "")
        try:
            services.fund_entry_record(
                actor=request.user,
                team=obj,
                kind=corrects.kind if corrects else kind,
                household=next((h for h in households if str(h.uid) == household_uid), None),
                corrects=corrects,
                **d,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:fund", args=[obj.uid]))
    return render_form_error(request, "care/fund_form.html", context, partial="care/fund_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def fund_contribution(request: HttpRequest, team: Any) -> HttpResponse:
    return _fund_form(request, team, ContributionForm, FundKind.CONTRIBUTION)


@login_required
@require_http_methods(["GET", "POST"])
def fund_expense(request: HttpRequest, team: Any) -> HttpResponse:
    return _fund_form(request, team, ExpenseForm, FundKind.EXPENSE)


@login_required
@require_http_methods(["GET", "POST"])
def fund_correct(request: HttpRequest, team: Any, entry: Any) -> HttpResponse:
    return _fund_form(request, team, CorrectionForm, "", entry=entry)


@login_required
@require_POST
def fund_close_month(request: HttpRequest, team: Any) -> HttpResponse:
    obj = selectors.fund_team_get(request.user, team, close=True)
    form = MonthForm(request.POST)
    context = {"team": obj, "form": form}
    if form.is_valid():
        try:
            services.fund_month_close(actor=request.user, team=obj, month=form.cleaned_data["month"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:fund", args=[obj.uid]))
    return render_form_error(request, "care/fund_close.html", context, partial="care/fund_close.html")


@login_required
@require_GET
def fund_export(request: HttpRequest, team: Any) -> HttpResponse:
    obj = selectors.fund_team_get(request.user, team)
    name = f"so-quy-{timezone.localdate().isoformat()}.xlsx"
    return _xlsx(io.fund_workbook(obj, selectors.fund_ledger(obj)), name)


@login_required
@require_http_methods(["GET", "POST"])
def fund_import(request: HttpRequest, team: Any) -> HttpResponse:
    obj = selectors.fund_team_get(request.user, team, write=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"team": obj, "form": form}
    if request.method != "POST":
        return render_page(request, "care/fund_import.html", context)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            io.fund_import(actor=request.user, team=obj, filename=upload.name, data=upload.read())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("care:fund", args=[obj.uid]))
    return render_form_error(request, "care/fund_import.html", context, partial="care/fund_import.html")
