"""allauth's forms with the site's words (ACCOUNT_FORMS): a plain "keep me signed in", and code boxes that phones
fill from the email and open a number pad for."""

from allauth.account import forms as allauth_forms
from django.conf import settings


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


def _code_field(form) -> None:
    length = settings.ALLAUTH_USER_CODE_FORMAT["length"]
    field = form.fields["code"]
    field.label = "Code"
    field.help_text = f"The {length} digits from the email we sent you."
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "placeholder": "", "size": "10"}
    )


class ConfirmEmailVerificationCodeForm(allauth_forms.ConfirmEmailVerificationCodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self)


class ConfirmPasswordResetCodeForm(allauth_forms.ConfirmPasswordResetCodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self)


def _labels(form, labels: dict[str, str]) -> None:
    """Plain sentence-case labels, and placeholders that don't repeat them."""
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget.attrs.pop("placeholder", None)


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _labels(self, {"password1": "Password", "password2": "Repeat the password"})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _labels(
            self,
            {"oldpassword": "Current password", "password1": "New password", "password2": "Repeat the new password"},
        )


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _labels(self, {"password1": "New password", "password2": "Repeat the new password"})


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _labels(self, {"password1": "Password", "password2": "Repeat the password"})
