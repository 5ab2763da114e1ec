from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from tuquan.accounts import selectors, services
from tuquan.accounts.forms import (
    LoginForm,
    MoveForm,
    OtpTokenForm,
    PasswordChangeForm,
    RedeemForm,
    UserCreateForm,
    UserEditForm,
)
from tuquan.accounts.models import User
from tuquan.accounts.permissions import can_manage_account, grantable_roles
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.compression import uncompressed
from tuquan.core.models import Area, Level
from tuquan.core.permissions import can_manage_accounts
from tuquan.core.roles import Cap
from tuquan.core.selectors import areas_visible
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    message = _(
        "Tài khoản tạm khoá do nhập sai nhiều lần. Hãy thử lại sau 15 phút hoặc nhờ cán bộ cấp mã mới."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/login.html", {"form": LoginForm(), "locked": message}, status=429)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"].strip().lower(), password=data["password"])
        if user is None:
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
        else:
            device = services.otp_confirmed_device(user)
            if device is not None and not device.verify_token(data["otp_token"].replace(" ", "")):
                # A wrong second factor counts as a failed login, so guessing it is locked out too.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.username}, request=request
                )
                form.add_error(
                    "otp_token", _("Tài khoản này đã bật xác thực hai lớp: nhập mã 6 số đang hiện.")
                )
            else:
                login(request, user)
                if device is not None:
                    otp_login(request, device)
                return redirect(next_url or reverse("core:home"))
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=422)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@uncompressed
@require_http_methods(["GET", "POST"])
def redeem_code(request: HttpRequest) -> HttpResponse:
    form = RedeemForm(request.POST or None, initial={"username": request.GET.get("u", "")})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.password_reset_redeem(
                    username=form.cleaned_data["username"],
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã đặt mật khẩu. Mời đăng nhập."))
                return redirect("accounts:login")
        return render(request, "accounts/redeem.html", {"form": form}, status=422)
    return render(request, "accounts/redeem.html", {"form": form})


def _manageable_areas(actor: Actor) -> list[tuple[str, str]]:
    """Areas where the actor can grant at least one role (for the create and move forms)."""
    qs = (
        areas_visible(actor)
        .filter(
            scoping.subtree_q(actor, Cap.ACCOUNT_MANAGE, path_field="path"),
            level__in=[Level.COUNTRY, Level.PROVINCE, Level.COMMUNE, Level.VILLAGE],
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
    )
    if scoping.is_system_admin(actor):
        qs = qs.exclude(level=Level.VILLAGE)
    return [(a.ident, f"{a.name} — {a.parent.short_name}" if a.parent else a.name) for a in qs]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    if not can_manage_accounts(request.user):
        raise PermissionDenied(_("Bạn không quản lý tài khoản."))
    q = request.GET.get("q", "")
    users = selectors.user_list(request.user, q=q)
    return render_page(
        request, "accounts/user_list.html", {"users": users, "q": q}, partial="accounts/_user_rows.html"
    )


@uncompressed
@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    areas = _manageable_areas(request.user)
    if not areas:
        raise PermissionDenied(_("Bạn không quản lý tài khoản."))
    roles = sorted(
        {r for g in scoping.grants(request.user) for r in _grantable_names(request.user, g.area_id)}
    )
    form = UserCreateForm(request.POST or None, roles=roles, areas=areas)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            area = Area.objects.get(ident=data.pop("area"))
            try:
                user, code = services.user_create(actor=request.user, area=area, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("role", str(exc))
            else:
                return render(request, "accounts/code_issued.html", {"target": user, "code": code})
        return render_form_error(
            request, "accounts/user_form.html", {"form": form}, partial="accounts/user_form.html"
        )
    return render_page(request, "accounts/user_form.html", {"form": form})


def _grantable_names(actor: Actor, area_id: int) -> set[str]:
    area = Area.objects.get(pk=area_id)
    names = set(grantable_roles(actor, area))
    # Roles bound to lower levels (a leader of a village) are granted further down the tree.
    for child_level in (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE):
        child = Area.objects.filter(path__startswith=area.path, level=child_level).first()
        if child is not None:
            names |= grantable_roles(actor, child)
    return names


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_user(request.user, pk)
    show = request.GET.get("hien") == "1"
    identity = selectors.user_identity_for(request.user, target) if show else None
    return render_page(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "identity": identity,
            "can_manage": can_manage_account(request.user, target),
            "assignments": target.assignments.select_related("area"),
            "has_otp": services.otp_confirmed_device(target) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_user(request.user, pk, write=True)
    form = UserEditForm(request.POST or None, initial={"full_name": target.full_name})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update(
                    actor=request.user,
                    user=target,
                    full_name=data["full_name"],
                    phone=data["phone"] or target.phone,
                    national_id=data["national_id"] or target.national_id,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect_after_post(request, reverse("accounts:user", args=[target.pk]))
        return render_form_error(
            request,
            "accounts/user_edit.html",
            {"form": form, "target": target},
            partial="accounts/user_edit.html",
        )
    return render_page(request, "accounts/user_edit.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def user_move(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_get_for_user(request.user, pk, write=True)
    form = MoveForm(request.POST or None, areas=_manageable_areas(request.user))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_move(
                    actor=request.user, user=target, area=Area.objects.get(ident=form.cleaned_data["area"])
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("area", exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, _("Đã chuyển địa bàn; các phiên đăng nhập cũ đã kết thúc."))
                return redirect_after_post(request, reverse("accounts:user", args=[target.pk]))
        return render_form_error(
            request,
            "accounts/user_move.html",
            {"form": form, "target": target},
            partial="accounts/user_move.html",
        )
    return render_page(request, "accounts/user_move.html", {"form": form, "target": target})


@uncompressed
@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    target = selectors.user_get_for_user(request.user, pk, write=True)
    if action == "khoa":
        services.user_deactivate(actor=request.user, user=target)
        messages.success(request, _("Đã khoá tài khoản; mọi phiên đăng nhập và mã API đã bị huỷ."))
    elif action == "mo-khoa":
        services.user_reactivate(actor=request.user, user=target)
        messages.success(request, _("Đã mở khoá tài khoản."))
    elif action == "xoa-2fa":
        services.otp_reset_for(actor=request.user, user=target)
        messages.success(request, _("Đã gỡ xác thực hai lớp; người dùng cần cài lại."))
    elif action == "dat-lai-mat-khau":
        code = services.password_reset_issue(actor=request.user, user=target)
        return render(request, "accounts/code_issued.html", {"target": target, "code": code})
    else:
        raise Http404
    return redirect_after_post(request, reverse("accounts:user", args=[target.pk]))


@uncompressed
@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    password_form = PasswordChangeForm(prefix="pw")
    otp_form = OtpTokenForm(prefix="otp")
    device = services.otp_confirmed_device(user)
    pending = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "password":
                password_form = PasswordChangeForm(request.POST, prefix="pw")
                if password_form.is_valid():
                    services.password_change(
                        actor=user,
                        old_password=password_form.cleaned_data["old_password"],
                        new_password=password_form.cleaned_data["new_password"],
                    )
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(request, _("Đã đổi mật khẩu."))
                    return redirect("accounts:me")
            elif action == "otp-start":
                pending = services.otp_setup_start(actor=user)
            elif action in ("otp-confirm", "otp-disable"):
                otp_form = OtpTokenForm(request.POST, prefix="otp")
                if otp_form.is_valid():
                    if action == "otp-confirm":
                        otp_login(
                            request,
                            services.otp_setup_confirm(actor=user, token=otp_form.cleaned_data["token"]),
                        )
                        messages.success(request, _("Đã bật xác thực hai lớp."))
                    else:
                        services.otp_disable(actor=user, token=otp_form.cleaned_data["token"])
                        messages.success(request, _("Đã tắt xác thực hai lớp."))
                    return redirect("accounts:me")
        except ValidationError as exc:
            apply_errors(otp_form if action and action.startswith("otp") else password_form, exc)
        status = 422 if (password_form.errors or otp_form.errors) else 200
    if pending is None and device is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return render(
        request,
        "accounts/me.html",
        {
            "password_form": password_form,
            "otp_form": otp_form,
            "device": device,
            "pending": pending,
            "qr_svg": _qr_svg(pending.config_url) if pending else "",
            "otp_secret": base64.b32encode(pending.bin_key).decode() if pending else "",
            "assignments": user.assignments.select_related("area"),
        },
        status=status,
    )


def _qr_svg(data: str) -> str:
    import io

    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return out.getvalue().decode()
