import copy
import json
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from .models import (
    SERVICE_KINDS,
    AttendanceMode,
    MentorProfile,
    MessageKind,
    NotificationPreference,
    Organization,
    StudentProfile,
    User,
)
from .selectors.organizer import UPCOMING, WHEN_CHOICES

FORM_STARTED_SALT = "registry.registration-form-started"
FORM_STARTED_MAX_AGE = 86_400
FORM_STARTED_INPUT_NAME = "form_started"


def form_started_token(started_at: float | None = None) -> str:
    """The guest form's timer: when the form was shown, and a nonce that lets it be sent once, signed."""
    started_at = time.time() if started_at is None else started_at
    return signing.TimestampSigner(salt=FORM_STARTED_SALT).sign(f"{started_at}:{secrets.token_urlsafe(12)}")


def read_form_started(token: str) -> tuple[float, str]:
    """When the form was shown and its nonce; `signing.BadSignature` or `ValueError` when forged or too old."""
    value = signing.TimestampSigner(salt=FORM_STARTED_SALT).unsign(token, max_age=FORM_STARTED_MAX_AGE)
    started, _, nonce = value.partition(":")
    if not nonce:
        raise ValueError("A timer without its nonce.")
    return float(started), nonce


def spend_form_started(nonce: str) -> bool:
    """Record that a timer was used; False when it was used before (a replay). Kept until the token expires."""
    return cache.add(f"registry:form-started:{nonce}", 1, timeout=FORM_STARTED_MAX_AGE + 60)


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
    )


class RegistrationForm(forms.Form):
    """Register for an event: identity, consent, the editor's questions, and two bot traps for guests.

    The honeypot (`website`) is hidden from people and filled by naive bots;
    `form_started` (guests only) is a signed timestamp with a nonce that rejects
    submissions made faster than a person can type, and works once: a replayed
    token is refused. Signed-in people have proved themselves by signing in, so
    they register with one click and no timer. No third-party captcha: the
    network is closed.
    """

    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email address", max_length=254)
    phone = forms.CharField(label="Phone (optional)", max_length=32, required=False)
    attendance_mode = forms.ChoiceField(
        label="How will you attend?",
        choices=[(AttendanceMode.ON_SITE, "In person"), (AttendanceMode.ONLINE, "Online")],
        required=False,
    )
    consent = forms.BooleanField(
        label="I agree that the organizers may use these details to run this event and contact me about it.",
    )
    website = forms.CharField(label="Leave this field empty", required=False)
    form_started = forms.CharField(widget=forms.HiddenInput)

    MAX_ANSWERS_BYTES = 10_000

    def __init__(self, *args, extra_fields=None, user=None, hybrid=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_names = list((extra_fields or {}).keys())
        for name, field in (extra_fields or {}).items():
            self.fields[name] = copy.deepcopy(field)
        if not hybrid:
            del self.fields["attendance_mode"]
        else:
            self.fields["attendance_mode"].required = True
        self.signed_in = user is not None and user.is_authenticated
        if self.signed_in:
            # An account holder's identity comes from the verified account, and no timer holds them up.
            self.fields["full_name"].initial = user.get_full_name()
            self.fields["full_name"].required = False  # left empty, the account's name is used
            self.fields["email"].initial = user.email
            self.fields["email"].disabled = True
            self.fields["phone"].initial = user.phone
            del self.fields["form_started"]
        else:
            self.fields["form_started"].initial = form_started_token()
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        if self.is_bound:
            self.data = self.data.copy()

    def renew_timer(self) -> None:
        """The form goes back to a guest with errors: give it a fresh nonce, keeping when they started, so
        sending it again is not a replay (and not "quicker than a person" either)."""
        if self.signed_in or not self.is_bound:
            return
        try:
            started, _ = read_form_started(self.data.get("form_started", ""))
        except (signing.BadSignature, ValueError):
            started = time.time()
        self.data["form_started"] = form_started_token(started)

    def clean_website(self):
        # The field is hidden from people, so its error is shown with the form's own errors.
        if self.cleaned_data["website"]:
            raise forms.ValidationError("We could not accept this form. Please reload the page and try again.")
        return ""

    def clean_form_started(self):
        try:
            started, nonce = read_form_started(self.cleaned_data["form_started"])
        except (signing.BadSignature, ValueError) as exc:
            raise forms.ValidationError("This form has expired. Please reload the page and try again.") from exc
        if time.time() - started < settings.REGISTRATION_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                "That was quicker than a person can type. Please check the form and send it again."
            )
        if not spend_form_started(nonce):
            raise forms.ValidationError(
                "We have already received this form. Check your email for our message; "
                "to register someone else, send the form again."
            )
        return started

    def clean(self):
        cleaned = super().clean()
        if len(json.dumps(self.answers(), default=str).encode()) > self.MAX_ANSWERS_BYTES:
            raise forms.ValidationError("Your answers are too long. Please shorten them.")
        return cleaned

    def answers(self) -> dict:
        """Answers to the editor's questions, as JSON-safe values."""
        return json_safe_answers({name: self.cleaned_data.get(name) for name in self.question_names})


def json_safe_answers(cleaned: dict) -> dict:
    """Cleaned answers (dates, decimals, choice lists…) as values a JSON field stores as they read."""
    result = {}
    for name, value in cleaned.items():
        if isinstance(value, list | tuple):
            value = [str(item) for item in value]
        elif value is not None and not isinstance(value, bool | int | float | str):
            value = str(value)
        result[name] = value
    return result


class RegistrationLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We'll email the links to your registrations there, if it has any.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone"]


class NotificationChoicesForm(forms.Form):
    """Per optional kind of message, whether it comes by email and in the app; service mail is always on."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
        self.kinds = []
        for kind in MessageKind:
            if kind in SERVICE_KINDS:
                continue
            preference = chosen.get(kind)
            for channel, label in (("email", "By email"), ("in_app", "In the app")):
                self.fields[f"{kind}-{channel}"] = forms.BooleanField(
                    label=f"{kind.label}: {label.lower()}",
                    required=False,
                    initial=getattr(preference, channel, True),
                )
            self.kinds.append((kind, self[f"{kind}-email"], self[f"{kind}-in_app"]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind: (self.cleaned_data[f"{kind}-email"], self.cleaned_data[f"{kind}-in_app"]) for kind, _, _ in self.kinds
        }

    @staticmethod
    def always_sent() -> list[str]:
        return [kind.label for kind in MessageKind if kind in SERVICE_KINDS]


class OrganizerRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="Organization", queryset=Organization.objects.filter(is_active=True), empty_label="Choose one"
    )
    message = forms.CharField(
        label="Why you would like to organize (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StudentProfileForm(forms.ModelForm):
    class Meta:
        model = StudentProfile
        fields = ["usn", "department", "semester"]


class MentorProfileForm(forms.ModelForm):
    class Meta:
        model = MentorProfile
        fields = ["employee_id", "department", "designation", "qualifications"]


class MyEventsFilterForm(forms.Form):
    """The "My events" page's filters, from the query string; anything unreadable leaves the default."""

    when = forms.ChoiceField(label="Show", choices=WHEN_CHOICES, required=False)
    q = forms.CharField(label="Search by title", max_length=200, required=False, strip=True)

    def filters(self) -> dict[str, str]:
        """What the selector takes: only the fields that were read correctly, the rest left at their default."""
        cleaned = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return {"when": cleaned.get("when") or UPCOMING, "q": cleaned.get("q") or ""}
