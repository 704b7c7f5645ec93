from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.accounts import lockout, second_factor, services
from guildhall.accounts.backends import lockout_name
from guildhall.accounts.forms import LoginForm, SecondFactorForm, TokenForm
from guildhall.accounts.models import ApiToken
from guildhall.core import ratelimit
from guildhall.core.middleware import client_ip


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, reset=False)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link, a few times an hour per e-mail address and per client
    address; the answer never tells whether the address has an account."""

    def form_valid(self, form: Any) -> HttpResponse:
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        # Both counts go up on every request, so neither limit hides the other.
        over = [ratelimit.exceeded("reset-email", form.cleaned_data["email"].strip().lower(),
                                   limit=settings.PASSWORD_RESET_PER_ADDRESS, window=window),
                ratelimit.exceeded("reset-ip", client_ip(self.request),
                                   limit=settings.PASSWORD_RESET_PER_IP, window=window)]
        if any(over):
            form.add_error(None, _(
                "Too many password reset requests for this address or from this network. "
                "Wait %(minutes)d minutes before asking again; a link already sent still works."
            ) % {"minutes": settings.PASSWORD_RESET_WINDOW_MINUTES})
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, reset=True)
        return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Tell a locked-out person what happened and what to do (django-axes calls this):
    their account is locked, or only the network they sign in from is paused."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    name = lockout_name(request, credentials or {"username": request.POST.get("username")})
    if name and lockout.locked([name]):
        message = _(
            "Too many failed sign-ins. This account is locked for %(minutes)d minutes. "
            "Ask your organization's administrator to unlock it, or try again later."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed sign-ins from this network. Signing in from it is paused for "
            "%(minutes)d minutes; try again later or from another network."
        ) % {"minutes": minutes}
    return render(request, "accounts/login.html", {
        "form": LoginForm(request), "locked_message": message}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.person_over_limit(request, "token", per_person=settings.TOKENS_PER_HOUR,
                                       per_address=settings.TOKENS_PER_HOUR * 3, window=3600):
            form.add_error(None, _("You have created too many tokens in the last hour. Wait "
                                   "a while before creating another."))
            status = 429
        else:
            _token, new_key = services.token_create(actor=request.user,
                                                    name=form.cleaned_data["name"])
            form = TokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "new_key": new_key,
        "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
    }, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator (first time) or give its code (every sign-in)."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = SecondFactorForm(request.POST or None)
    setting_up = not second_factor.has_second_factor(request.user)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if setting_up:
            codes = second_factor.confirm_setup(request, code)
            if codes is not None:
                request.session["second_factor_codes"] = codes
                return redirect(f"{reverse('accounts:second_factor_codes')}?next={_next(request)}")
            form.add_error("code", _("That code is not right. Check the time on your phone "
                                     "and type the six digits the app shows now."))
        elif second_factor.verify(request, code):
            return redirect(_next(request))
        else:
            form.add_error("code", _("That code is not right. Type the six digits your app "
                                     "shows now, or one of your recovery codes. After several "
                                     "wrong codes, wait a little before trying again."))
    context = {"form": form, "setting_up": setting_up, "next": _next(request)}
    if setting_up:
        key = second_factor.pending_key(request.session)
        context.update(qr=second_factor.setup_qr(second_factor.setup_uri(request.user, key)),
                       manual_key=second_factor.manual_key(key))
    return render(request, "accounts/second_factor.html", context,
                  status=400 if form.errors else 200)


@login_required
@require_GET
def second_factor_codes(request: HttpRequest) -> HttpResponse:
    """Show the new recovery codes, once."""
    codes = request.session.pop("second_factor_codes", None)
    if not codes:
        return redirect(_next(request))
    return render(request, "accounts/second_factor_codes.html",
                  {"codes": codes, "next": _next(request)})
