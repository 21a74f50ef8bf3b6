"""allauth's two code pages (verify an email address, reset a password), telling the person how many tries are
left and, when the last one fails, that the code no longer works and what to do next. allauth itself sends them
to the sign-in page with "Too many failed login attempts", which explains nothing.

Whether an account exists never changes what these pages say: a reset asked for an unknown address runs the same
pages with a code that matches nothing.
"""

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse


def _code_context() -> dict:
    return {
        "code_length": settings.ALLAUTH_USER_CODE_FORMAT["length"],
        "code_minutes": settings.ACCOUNT_CODE_MINUTES,
    }


def _tries_left(form, process) -> None:
    left = process.max_attempts - process.state["failed_attempts"]
    form.add_error("code", f"You can try {left} more time{'' if left == 1 else 's'}.")


class ConfirmEmailVerificationCodeView(allauth_views.ConfirmEmailVerificationCodeView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_code_context()}

    def _verify_form_invalid(self, form):
        signed_in = self.request.user.is_authenticated
        if self._process.record_invalid_attempt():
            _tries_left(form, self._process)
            return self.render_to_response(self.get_context_data(form=form))
        if signed_in:
            messages.error(
                self.request,
                "That code was typed wrong too many times, so it no longer works. "
                "Send a new code to the address from this page.",
            )
            return HttpResponseRedirect(reverse("account_email"))
        messages.error(
            self.request,
            "That code was typed wrong too many times, so it no longer works. "
            "Sign in with your email address and password and we will send you a new code.",
        )
        return HttpResponseRedirect(reverse("account_login"))


class ConfirmPasswordResetCodeView(allauth_views.ConfirmPasswordResetCodeView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_code_context()}

    def form_invalid(self, form):
        if self._process.record_invalid_attempt():
            _tries_left(form, self._process)
            return self.render_to_response(self.get_context_data(form=form))
        messages.error(
            self.request,
            "That code was typed wrong too many times, so it no longer works. Ask for a new code below.",
        )
        return HttpResponseRedirect(self.passthrough_next_url(reverse("account_reset_password")))


# allauth's "check your inbox" address serves the code page when verification is by code (as here).
email_verification_sent = login_not_required(ConfirmEmailVerificationCodeView.as_view())


confirm_password_reset_code = ConfirmPasswordResetCodeView.as_view()
