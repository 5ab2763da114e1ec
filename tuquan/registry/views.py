"""Registry pages: thin views over registry.services and registry.selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.core import hooks, scoping
from tuquan.core import selectors as area_selectors
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.permissions import can_read_people
from tuquan.core.roles import Cap
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.registry import forms as f
from tuquan.registry import permissions, selectors, services
from tuquan.registry.models import TeamStatus


def _open_to(allowed: bool) -> None:
    """A page for some roles only: the decision is the permission the caller passes."""
    if not allowed:
        raise PermissionDenied(_("Vai trò của bạn không dùng được trang này."))


def _area(user: Actor, ident: str | None) -> Area | None:
    return area_selectors.area_get_for_user(user, ident) if ident else None


def _form_page(request: HttpRequest, template: str, context: dict[str, Any], form: Any) -> HttpResponse:
    """Render a form page; a bound form with errors answers 422 (the user's input kept)."""
    context = {**context, "form": form}
    if form.is_bound and form.errors:
        return render_form_error(request, template, context, partial=template)
    return render_page(request, template, context)


def _save(form: Any, call: Any) -> Any:
    """Run a service for a valid form; its ValidationError goes back onto the form."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


# --- teams -------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _open_to(permissions.can_read_teams(user))
    types = [(t.code, t.short_name) for t in selectors.model_types_for(user)]
    form = f.TeamFilterForm(
        request.GET or None, areas=selectors.area_choices(selectors.filter_areas(user)), types=types
    )
    data = form.cleaned_data if form.is_valid() else {}
    teams = selectors.team_list(
        user,
        area=_area(user, data.get("area")),
        type_code=data.get("type", ""),
        status=data.get("status", ""),
        q=data.get("q", ""),
    )
    page = Paginator(teams, 50).get_page(request.GET.get("trang"))
    return render_page(
        request,
        "registry/team_list.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.team_counts(teams),
            "can_create": permissions.can_write_registry(user),
            "statuses": dict(TeamStatus.choices),
        },
        partial="registry/_team_rows.html",
    )


def _team_form_choices(user: Actor) -> dict[str, Any]:
    return {
        "types": [(t.code, t.name) for t in selectors.model_types_for(user)],
        "communes": selectors.area_choices(selectors.writable_areas(user, levels=(Level.COMMUNE,))),
        "areas": selectors.area_choices(
            selectors.writable_areas(user, levels=(Level.COMMUNE, Level.VILLAGE))
        ),
    }


def _team_areas(user: Actor, data: dict[str, Any]) -> list[Area]:
    idents = list(data["areas"]) + [i.strip() for i in data.get("other_areas", "").split(",") if i.strip()]
    return [area_selectors.area_get_for_user(user, ident) for ident in idents]


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _open_to(permissions.can_write_registry(user))
    form = f.TeamForm(request.POST or None, **_team_form_choices(user))

    def create(data: dict[str, Any]) -> Any:
        return services.team_create(
            actor=user,
            model_type=selectors.model_type_get_for_user(user, data["type"]),
            name=data["name"],
            home_area=area_selectors.area_get_for_user(user, data["home_area"]),
            areas=_team_areas(user, data),
            status=data["status"],
            established_on=data["established_on"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            decision_body=data["decision_body"],
            notes=data["notes"],
        )

    team = _save(form, create) if request.method == "POST" else None
    if team is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(request, "registry/team_form.html", {"title": _("Lập tổ, nhóm")}, form)


@login_required
def team_detail(request: HttpRequest, uid: str) -> HttpResponse:
    team = selectors.team_get_for_user(request.user, uid)
    context = selectors.team_detail(request.user, team)
    context["status_form"] = f.StatusForm(initial={"on": timezone.localdate()})
    # The journal's and the fund's pages of this team (core.hooks.team_links).
    context["team_links"] = hooks.links_of_team(request.user, team)
    return render_page(request, "registry/team_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True)
    initial = {k: getattr(team, k) for k in services.TEAM_FIELDS}
    initial["areas"] = [a.ident for a in team.areas.all()]
    form = f.TeamEditForm(request.POST or None, initial=initial, **_team_form_choices(user))

    def update(data: dict[str, Any]) -> Any:
        fields = {k: data[k] for k in services.TEAM_FIELDS}
        return services.team_update(actor=user, team=team, areas=_team_areas(user, data), **fields)

    if request.method == "POST" and _save(form, update) is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(request, "registry/team_form.html", {"title": _("Sửa tổ, nhóm"), "team": team}, form)


@login_required
@require_POST
def team_status(request: HttpRequest, uid: str) -> HttpResponse:
    team = selectors.team_get_for_user(request.user, uid, write=True)
    form = f.StatusForm(request.POST)
    if _save(form, lambda d: services.team_set_status(actor=request.user, team=team, **d)) is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    context = selectors.team_detail(request.user, team) | {"status_form": form}
    return render_form_error(
        request, "registry/team_detail.html", context, partial="registry/_status_form.html"
    )


# --- roster ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True, roster=True)
    people = selectors.people_for_team(user, team)
    form = f.MembershipForm(
        request.POST or None,
        people=[(str(p.uid), f"{p.full_name} ({p.birth_year or '?'})") for p in people],
        roles=[(r["code"], r["label"]) for r in team.type.roles],
        statutory=team.type.is_statutory,
        initial={"start_on": timezone.localdate()},
    )

    def add(data: dict[str, Any]) -> Any:
        person = selectors.person_get_for_user(user, data.pop("person"))
        return services.membership_add(
            actor=user, team=team, person=person, role=data.pop("role"), start_on=data.pop("start_on"), **data
        )

    if request.method == "POST" and _save(form, add) is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(
        request, "registry/roster_form.html", {"team": team, "title": _("Thêm thành viên")}, form
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, uid: str) -> HttpResponse:
    membership = selectors.membership_get_for_user(request.user, uid, write=True)
    form = f.EndForm(request.POST)
    if _save(form, lambda d: services.membership_end(actor=request.user, membership=membership, **d)) is None:
        return _end_error(request, membership, form)
    return redirect_after_post(request, reverse("registry:team", args=[membership.team.uid]))


def _end_error(request: HttpRequest, membership: Any, form: Any) -> HttpResponse:
    context = {"team": membership.team, "title": _("Cho rời tổ"), "form": form}
    return render_form_error(
        request, "registry/roster_form.html", context, partial="registry/roster_form.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_household_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True, roster=True)
    households = [
        (str(h.uid), f"{h.address} — {h.head or ''}") for h in selectors.households_for_team(user, team)
    ]
    form = f.TeamHouseholdForm(
        request.POST or None, households=households, initial={"start_on": timezone.localdate()}
    )

    def add(data: dict[str, Any]) -> Any:
        household = selectors.household_get_for_user(user, data["household"])
        return services.team_household_add(
            actor=user, team=team, household=household, start_on=data["start_on"]
        )

    if request.method == "POST" and _save(form, add) is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(
        request, "registry/roster_form.html", {"team": team, "title": _("Thêm hộ vào tổ")}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True, roster=True)
    households = [
        (str(h.uid), f"{h.address} — {h.head or ''}") for h in selectors.households_for_team(user, team)
    ]
    form = f.CommitmentForm(
        request.POST or None, households=households, initial={"signed_on": timezone.localdate()}
    )

    def add(data: dict[str, Any]) -> Any:
        household = selectors.household_get_for_user(user, data["household"])
        return services.commitment_record(
            actor=user, household=household, team=team, signed_on=data["signed_on"], note=data["note"]
        )

    if request.method == "POST" and _save(form, add) is not None:
        messages.success(request, _("Đã ghi cam kết."))
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(
        request, "registry/roster_form.html", {"team": team, "title": _("Ghi cam kết của hộ")}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True, roster=True)
    form = f.TrainingForm(request.POST or None)

    def add(data: dict[str, Any]) -> Any:
        return services.training_record(
            actor=user, area=team.areas.order_by("path").first() or team.home_area, team=team, **data
        )

    if request.method == "POST" and _save(form, add) is not None:
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(
        request, "registry/roster_form.html", {"team": team, "title": _("Ghi buổi tập huấn")}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def commendation_add(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    team = selectors.team_get_for_user(user, uid, write=True)
    form = f.CommendationForm(request.POST or None)
    if (
        request.method == "POST"
        and _save(form, lambda d: services.commendation_record(actor=user, team=team, **d)) is not None
    ):
        return redirect_after_post(request, reverse("registry:team", args=[team.uid]))
    return _form_page(
        request, "registry/roster_form.html", {"team": team, "title": _("Ghi khen thưởng")}, form
    )


# --- people and households ---------------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    _open_to(can_read_people(request.user))
    q = request.GET.get("q", "").strip()
    people = selectors.person_search(request.user, q=q) if q else []
    return render_page(
        request,
        "registry/person_list.html",
        {
            "q": q,
            "people": people,
            "can_create": permissions.can_write_registry(request.user),
        },
        partial="registry/_person_rows.html",
    )


def _person_data(user: Actor, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["area"] = area_selectors.area_get_for_user(user, data["area"])
    for key in ("gender", "education"):
        data[key] = data.get(key) or ""
    return data


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _open_to(permissions.can_write_registry(user))
    form = f.PersonForm(request.POST or None, areas=selectors.area_choices(selectors.writable_areas(user)))
    person = (
        _save(form, lambda d: services.person_create(actor=user, **_person_data(user, d)))
        if request.method == "POST"
        else None
    )
    if person is not None:
        return redirect_after_post(request, reverse("registry:person", args=[person.uid]))
    return _form_page(request, "registry/person_form.html", {"title": _("Thêm người")}, form)


@login_required
def person_detail(request: HttpRequest, uid: str) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, uid)
    identity = selectors.person_identity_for(request.user, person) if request.GET.get("hien") == "1" else None
    return render_page(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "identity": identity,
            "may_see_identity": permissions.can_read_sensitive(request.user, person.area),
            "can_edit": permissions.can_write_registry(request.user, person.area),
            "memberships": person.memberships.select_related("team__type").order_by("-start_on"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, uid: str) -> HttpResponse:
    user = request.user
    person = selectors.person_get_for_user(user, uid, write=True)
    initial = {
        k: getattr(person, k)
        for k in ("full_name", "gender", "birth_year", "birth_date", "education", "resident_since")
    }
    initial["area"] = person.area.ident
    form = f.PersonForm(
        request.POST or None, initial=initial, areas=selectors.area_choices(selectors.writable_areas(user))
    )
    del form.fields["allow_duplicate"]

    def update(data: dict[str, Any]) -> Any:
        data = _person_data(user, data)
        for key in ("phone", "national_id", "ethnicity", "religion"):
            # Blank keeps the stored value: the form never shows sensitive values back.
            if not data[key]:
                data.pop(key)
        return services.person_update(actor=user, person=person, **data)

    if request.method == "POST" and _save(form, update) is not None:
        return redirect_after_post(request, reverse("registry:person", args=[person.uid]))
    return _form_page(
        request, "registry/person_form.html", {"title": _("Sửa thông tin"), "person": person}, form
    )


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    _open_to(can_read_people(request.user))
    q = request.GET.get("q", "").strip()
    households = selectors.household_search(request.user, q=q)
    return render_page(
        request,
        "registry/household_list.html",
        {
            "q": q,
            "households": households,
            "can_create": permissions.can_write_registry(request.user),
        },
        partial="registry/_household_rows.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _open_to(permissions.can_write_registry(user))
    form = f.HouseholdForm(request.POST or None, areas=selectors.area_choices(selectors.writable_areas(user)))

    def create(data: dict[str, Any]) -> Any:
        head = selectors.person_get_for_user(user, data["head"], write=True) if data.get("head") else None
        return services.household_create(
            actor=user,
            area=area_selectors.area_get_for_user(user, data["area"]),
            address=data["address"],
            head=head,
        )

    household = _save(form, create) if request.method == "POST" else None
    if household is not None:
        return redirect_after_post(request, reverse("registry:household", args=[household.uid]))
    return _form_page(request, "registry/household_form.html", {"title": _("Thêm hộ")}, form)


@login_required
def household_detail(request: HttpRequest, uid: str) -> HttpResponse:
    household = selectors.household_get_for_user(request.user, uid)
    return render_page(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": household.members.order_by("sort_name"),
            "teams": household.team_links.select_related("team__type"),
            "commitments": household.commitments.select_related("team").order_by("-signed_on"),
        },
    )


# --- coverage, force, catalogue ---------------------------------------------------------------


@login_required
def coverage(request: HttpRequest, ident: str) -> HttpResponse:
    user = request.user
    commune = area_selectors.area_get_for_user(user, ident)
    if commune.level != Level.COMMUNE:
        raise Http404(_("Độ phủ tính cho một xã."))
    type_code = request.GET.get("type", "")
    data = selectors.commune_coverage(user, commune, type_code=type_code)
    return render_page(
        request,
        "registry/coverage.html",
        {
            "area": commune,
            "type_code": type_code,
            "types": selectors.model_types_for(user),
            **data,
        },
        partial="registry/_coverage_rows.html",
    )


@login_required
def force_statistics(request: HttpRequest, ident: str) -> HttpResponse:
    _open_to(can_read_people(request.user))
    area = area_selectors.area_get_for_user(request.user, ident)
    return render_page(
        request,
        "registry/force.html",
        {
            "area": area,
            "can_set": permissions.can_edit_force_settings(request.user, area),
            **selectors.force_statistics(request.user, area),
        },
    )


@login_required
def model_type_list(request: HttpRequest) -> HttpResponse:
    _open_to(permissions.can_read_teams(request.user))
    types = list(selectors.model_types_for(request.user, include_inactive=True).select_related("province"))
    for model_type in types:
        # A link only to the types this person may edit (a national one is not a province's).
        model_type.editable = permissions.can_edit_model_type(request.user, model_type)  # type: ignore[attr-defined]
    return render_page(
        request,
        "registry/model_types.html",
        {"types": types, "can_manage": permissions.can_manage_types(request.user)},
    )


def _type_province(user: Actor) -> Area | None:
    provinces = [
        g for g in scoping.grants(user) if Cap.TYPE_MANAGE in g.caps and g.area_level == Level.PROVINCE
    ]
    return Area.objects.get(pk=provinces[0].area_id) if provinces else None


@login_required
@require_http_methods(["GET", "POST"])
def model_type_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _open_to(permissions.can_manage_types(user))
    form = f.ModelTypeForm(request.POST or None)
    created = (
        _save(
            form,
            lambda d: services.model_type_create(
                actor=user, province=_type_province(user), **{k: v for k, v in d.items() if k != "is_active"}
            ),
        )
        if request.method == "POST"
        else None
    )
    if created is not None:
        return redirect_after_post(request, reverse("registry:model_types"))
    return _form_page(request, "registry/model_type_form.html", {"title": _("Thêm loại mô hình")}, form)


@login_required
@require_http_methods(["GET", "POST"])
def model_type_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    model_type = selectors.model_type_get_for_user(user, code, write=True)
    initial = {k: getattr(model_type, k) for k in (*services.TYPE_FIELDS, "code")}
    form = f.ModelTypeForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if (
        request.method == "POST"
        and _save(
            form,
            lambda d: services.model_type_update(
                actor=user, model_type=model_type, **{k: d[k] for k in services.TYPE_FIELDS}
            ),
        )
        is not None
    ):
        return redirect_after_post(request, reverse("registry:model_types"))
    return _form_page(
        request,
        "registry/model_type_form.html",
        {"title": _("Sửa loại mô hình"), "model_type": model_type},
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def force_settings(request: HttpRequest, ident: str) -> HttpResponse:
    user = request.user
    province = area_selectors.area_get_for_user(user, ident)
    if not permissions.can_edit_force_settings(user, province):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa thiết lập lực lượng."))
    current = services.force_settings_for(province.pk)
    fields = [n for n in f.ForceSettingsForm.base_fields if n != "difficult_communes"]
    initial: dict[str, Any] = {n: getattr(current, n) for n in fields}
    initial["difficult_communes"] = [a.ident for a in current.difficult_communes.all()] if current.pk else []
    communes = Area.objects.filter(parent=province, level=Level.COMMUNE).order_by("sort_name")
    form = f.ForceSettingsForm(
        request.POST or None, initial=initial, communes=selectors.area_choices(communes)
    )

    def save(data: dict[str, Any]) -> Any:
        chosen = data.pop("difficult_communes")
        return services.force_settings_update(
            actor=user, province=province, difficult_communes=communes.filter(ident__in=chosen), **data
        )

    if request.method == "POST" and _save(form, save) is not None:
        messages.success(request, _("Đã lưu thiết lập."))
        return redirect_after_post(request, reverse("registry:force_settings", args=[province.ident]))
    return _form_page(request, "registry/force_settings.html", {"area": province}, form)
