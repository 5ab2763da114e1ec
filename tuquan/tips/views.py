"""Tip line pages. The public ones need no account and no JavaScript, never read the
client's address or user agent, never log, and keep nothing in a session: the receipt code
travels only in the body of POST requests."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuquan.core.compression import uncompressed
from tuquan.core.models import Level
from tuquan.core.ui import apply_errors, redirect_after_post, render_form_error, render_page
from tuquan.journal import selectors as journal_selectors
from tuquan.registry import selectors as registry_selectors
from tuquan.tips import held, images, receipt, selectors, services
from tuquan.tips.forms import (
    LinkForm,
    LookupForm,
    ReplyForm,
    StateForm,
    TipForm,
    form_token,
    token_age_ok,
    token_signed,
)
from tuquan.tips.models import Tip, TipState

# Never cached by a shared device's browser or a proxy. (The referrer policy stays the
# site's "same-origin": "no-referrer" would make browsers send "Origin: null", which
# Django's CSRF check refuses.)
PUBLIC_HEADERS = {"Cache-Control": "no-store"}


def _public(response: HttpResponse) -> HttpResponse:
    for key, value in PUBLIC_HEADERS.items():
        response[key] = value
    return response


# --- the resident's side -----------------------------------------------------------------


def _place_context(request: HttpRequest) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    province = selectors.public_area(source.get("tinh", ""), Level.PROVINCE)
    commune = selectors.public_area(source.get("xa", ""), Level.COMMUNE)
    village = selectors.public_area(source.get("thon", ""), Level.VILLAGE)
    place = source.get("place", "")
    if place:  # a posted tip names its place: the form comes back for the same place
        village = selectors.public_area(place, Level.VILLAGE) or village
        commune = selectors.public_area(place, Level.COMMUNE) or (village.parent if village else commune)
    if commune is not None:
        province = commune.parent
    if village is not None and (commune is None or village.parent_id != commune.pk):
        village = None
    q = source.get("q", "")[:100]
    return {
        "provinces": selectors.public_provinces(),
        "province": province,
        "communes": selectors.public_children(province, Level.COMMUNE) if province else [],
        "commune": commune,
        "villages": selectors.public_children(commune, Level.VILLAGE) if commune else [],
        "village": village,
        "q": q,
        "found": selectors.public_place_search(q) if q else [],
    }


@uncompressed
@never_cache
@require_http_methods(["GET", "POST"])
def tip_new(request: HttpRequest) -> HttpResponse:
    context = _place_context(request)
    if request.method != "POST":
        form = TipForm(initial={"token": form_token()})
        context["form"] = form
        return _public(render_page(request, "tips/new.html", context, partial="tips/_new_form.html"))
    form = TipForm(request.POST)
    context["form"] = form
    if request.POST.get("website"):
        # A robot filled the hidden field: it gets a receipt that opens nothing.
        return _receipt(request, receipt.new_code())
    # The form's age is taken as the post arrives, before any photo work.
    token = request.POST.get("token", "")
    on_time = token_age_ok(token)
    # Photos are decoded only for a post from a form this site showed: a robot posting
    # blind costs no image work (a refused person's photos are kept, see tips/held.py).
    photos, photo_errors = _posted_photos(request) if token_signed(token) else ([], [])
    if form.is_valid() and not on_time:
        form.add_error(
            None, _("Trang đã mở quá lâu hoặc gửi quá nhanh: vui lòng kiểm tra lại và bấm Gửi lần nữa.")
        )
    for message in photo_errors:
        form.add_error(None, message)
    if form.is_valid():
        data = form.cleaned_data
        area = selectors.public_area(data["place"], Level.VILLAGE) or selectors.public_area(
            data["place"], Level.COMMUNE
        )
        try:
            if area is None:
                raise ValidationError({"place": _("Hãy chọn xã, phường.")})
            _tip, code = services.tip_submit(
                area=area,
                category=data["category"],
                text=data["text"],
                when_text=data["when_text"],
                place_text=data["place_text"],
                vneid_ref=data["vneid_ref"],
                name=data["name"],
                phone=data["phone"],
                photos=photos,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _receipt(request, code)
    data = request.POST.copy()
    data["token"] = form_token()
    form.data = data
    context["held"], context["held_dropped"] = held.held_for_page(photos)
    return _public(render_form_error(request, "tips/new.html", context, partial="tips/_new_form.html"))


def _posted_photos(request: HttpRequest) -> tuple[list[images.CleanPhoto], list[str]]:
    """The photos of a post: those held from a refused post, then the new uploads, each
    cleaned now so that one bad file or a refusal of the form does not lose the others."""
    photos = [p for p in map(held.release, request.POST.getlist("held")[: services.MAX_PHOTOS]) if p]
    errors: list[str] = []
    for upload in request.FILES.getlist("photos")[: services.MAX_PHOTOS + 1]:
        if len(photos) >= services.MAX_PHOTOS:
            errors.append(_("Tối đa %(n)s ảnh.") % {"n": services.MAX_PHOTOS})
            break
        try:
            photos.append(images.clean(upload.read()))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return photos, errors


def _receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt: the code to read or copy, and the tracking link (also as a QR code)
    carrying the code in its fragment, which browsers send to no server (docs/security.md)."""
    link = request.build_absolute_uri(reverse("tips:status")) + "#ma=" + code
    context = {"code": receipt.grouped(code), "link": link, "qr_svg": receipt.qr_svg(link)}
    return _public(render_page(request, "tips/receipt.html", context))


@uncompressed
@never_cache
@require_http_methods(["GET", "POST"])
def tip_status(request: HttpRequest) -> HttpResponse:
    """The resident's page: the code is typed (POST), the status and conversation shown,
    and a message may be added; nothing is remembered between requests."""
    if request.method != "POST":
        return _public(render_page(request, "tips/status.html", {"form": LookupForm()}))
    form = LookupForm(request.POST)
    tip: Tip | None = None
    status = 422
    if form.is_valid():
        try:
            tip = services.tip_find(form.cleaned_data["code"])
        except services.Throttled as exc:
            form.add_error(None, exc.messages[0])
            status = 429
        else:
            if tip is None:
                form.add_error("code", _("Mã biên nhận không đúng. Kiểm tra lại từng nhóm số."))
    if tip is None:
        return _public(render_page(request, "tips/status.html", {"form": form}, status=status))
    sent = False
    if form.cleaned_data.get("body"):
        try:
            services.tip_resident_message(tip=tip, body=form.cleaned_data["body"])
            sent = True
        except ValidationError as exc:
            apply_errors(form, exc)
    context = {
        "form": LookupForm(initial={"code": receipt.grouped(receipt.normalize(form.cleaned_data["code"]))}),
        "tip": tip,
        "messages_": tip.messages.all(),
        "sent": sent,
        "errors": form.errors,
    }
    return _public(render_page(request, "tips/status.html", context))


# --- the officer's side ------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("trang-thai", "open")
    tips = list(selectors.tip_inbox(request.user, state=state if state != "all" else "")[:200])
    for tip in tips:
        tip.untouched = selectors.is_untouched(tip)  # type: ignore[attr-defined]
    return render_page(
        request,
        "tips/inbox.html",
        {
            "tips": tips,
            "state": state,
            "states": TipState.choices,
            "notices": selectors.tip_notices(request.user),
        },
    )


def _detail_context(request: HttpRequest, tip: Tip, **forms: Any) -> dict[str, Any]:
    user = request.user
    duplicates = [
        (str(t.uid), f"{t.ref} · {t.get_category_display()}")
        for t in selectors.duplicate_candidates(user, tip)
    ]
    entries = journal_selectors.entries_visible(user).filter(village__path__startswith=tip.commune.path)
    teams = registry_selectors.team_list(user, area=tip.commune)
    return {
        "tip": tip,
        "untouched": selectors.is_untouched(tip),
        "photos": tip.photos.all(),
        "thread": tip.messages.all(),
        "events": tip.events.all(),
        "state_form": forms.get("state_form") or StateForm(duplicates=duplicates),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "link_form": forms.get("link_form")
        or LinkForm(
            entries=[
                (str(e.uid), f"{e.get_kind_display()} {e.occurred_on:%d/%m/%Y}")
                for e in entries.order_by("-occurred_on")[:50]
            ],
            teams=[(str(t.uid), t.name) for t in teams[:100]],
        ),
        "duplicates": duplicates,
        "identity": forms.get("identity"),
        "is_assigned": tip.assigned_to_id == user.pk,
    }


@login_required
@require_GET
def tip_detail(request: HttpRequest, uid: str) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    services.notices_mark_read(actor=request.user, tip=tip)
    return render_page(request, "tips/detail.html", _detail_context(request, tip))


def _error(request: HttpRequest, tip: Tip, **forms: Any) -> HttpResponse:
    return render_form_error(
        request, "tips/detail.html", _detail_context(request, tip, **forms), partial="tips/detail.html"
    )


@login_required
@require_POST
def tip_state(request: HttpRequest, uid: str) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    services.require_triage(request.user, tip)
    duplicates = [(str(t.uid), t.ref) for t in selectors.duplicate_candidates(request.user, tip)]
    form = StateForm(request.POST, duplicates=duplicates)
    if form.is_valid():
        data = form.cleaned_data
        other = (
            selectors.tip_get_for_user(request.user, data["duplicate_of"]) if data["duplicate_of"] else None
        )
        try:
            services.tip_set_state(
                actor=request.user,
                tip=tip,
                state=data["state"],
                handed_to=data["handed_to"],
                duplicate_of=other,
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("tips:detail", args=[tip.uid]))
    return _error(request, tip, state_form=form)


@login_required
@require_POST
def tip_reply(request: HttpRequest, uid: str) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    services.require_triage(request.user, tip)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.tip_reply(
                actor=request.user,
                tip=tip,
                body=form.cleaned_data["body"],
                template=form.cleaned_data["template"],
                asks_more=form.cleaned_data["asks_more"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("tips:detail", args=[tip.uid]))
    return _error(request, tip, reply_form=form)


@login_required
@require_POST
def tip_link(request: HttpRequest, uid: str) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    services.require_triage(request.user, tip)
    entries = journal_selectors.entries_visible(request.user).filter(
        village__path__startswith=tip.commune.path
    )
    teams = registry_selectors.team_list(request.user, area=tip.commune)
    form = LinkForm(
        request.POST,
        entries=[(str(u), "") for u in entries.values_list("uid", flat=True)[:500]],
        teams=[(str(u), "") for u in teams.values_list("uid", flat=True)[:500]],
    )
    if form.is_valid():
        entry = (
            journal_selectors.entry_get_for_user(request.user, form.cleaned_data["entry"])
            if form.cleaned_data["entry"]
            else None
        )
        team = (
            registry_selectors.team_get_for_user(request.user, form.cleaned_data["team"])
            if form.cleaned_data["team"]
            else None
        )
        services.tip_link(actor=request.user, tip=tip, entry=entry, team=team)
        return redirect_after_post(request, reverse("tips:detail", args=[tip.uid]))
    return _error(request, tip, link_form=form)


@uncompressed
@login_required
@require_POST
def tip_identity(request: HttpRequest, uid: str) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    identity = selectors.tip_identity_for(request.user, tip)
    return render_page(request, "tips/detail.html", _detail_context(request, tip, identity=identity))


@login_required
@require_GET
def tip_photo(request: HttpRequest, uid: str, pk: int) -> HttpResponse:
    tip = selectors.tip_get_for_user(request.user, uid)
    photo = tip.photos.filter(pk=pk).first()
    if photo is None:
        raise Http404
    response = HttpResponse(base64.b64decode(photo.data), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
