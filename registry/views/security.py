import base64
from urllib.parse import urlencode

import django_otp
from allauth.core import ratelimit as allauth_ratelimit
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit
from wagtail.admin.views import account as wagtail_account

from .. import otp, qr
from ..forms import OTPTokenForm
from ..security import can_use_admin


def _safe_next(request, default: str = "/staff/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="10/m", method="POST", block=True)
def otp_verify(request):
    """Verify a second factor, or enroll one the first time a staff member arrives."""
    next_url = _safe_next(request)
    if not can_use_admin(request.user):
        return render(request, "registry/no_admin_access.html", status=403)
    if request.user.is_verified():
        return redirect(next_url)

    enrolling = not otp.confirmed_devices_exist(request.user)
    device = otp.pending_totp_device(request.user) if enrolling else None
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        if enrolling:
            if device.verify_token(token):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                django_otp.login(request, device)
                codes = otp.backup_codes_regenerate(request.user)
                return render(request, "registry/otp_backup_codes.html", {"codes": codes, "next": next_url})
        else:
            matched = django_otp.match_token(request.user, token)
            if matched is not None:
                django_otp.login(request, matched)
                return redirect(next_url)
        form.add_error("token", "That code is not valid. Check your device's clock and try again.")

    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context.update(qr=qr.svg_data_uri(device.config_url), secret=base64.b32encode(device.bin_key).decode())
    return render(request, "registry/otp_verify.html", context, status=400 if form.errors else 200)


def admin_login(request):
    """Both admins' login routes hand over to the one login page (allauth + axes + rate limits)."""
    default = "/admin/" if request.path.startswith("/admin/") else "/staff/"
    next_url = _safe_next(request, default)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    if not can_use_admin(request.user):
        return render(request, "registry/no_admin_access.html", status=403)
    return redirect(next_url)


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


class PasswordResetView(wagtail_account.PasswordResetView):
    """Wagtail's admin password reset, on the same budget as allauth's (ACCOUNT_RATE_LIMITS["reset_password"]:
    per address and per email, shared by both pages): unthrottled, it mailed whoever an attacker named."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        if not allauth_ratelimit.consume(self.request, action="reset_password", key=email):
            return rate_limited(self.request)
        return super().form_valid(form)
