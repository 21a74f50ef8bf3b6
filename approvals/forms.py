from django import forms
from django.utils import timezone

from registry.models import Organization, Venue

from .models import WEEKDAYS, Frequency


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class HallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, venue: Venue) -> str:
        return f"{venue.name} — {venue.capacity} seats, {venue.building or 'campus'}"


class BookingRequestForm(forms.Form):
    """One hall request, optionally repeating; the service decides what it gets."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="Booking for")
    title = forms.CharField(label="Purpose", max_length=200, help_text="What the hall is for, as shown to approvers.")
    primary_venue = HallChoiceField(queryset=Venue.objects.filter(is_active=True), label="First-choice hall")
    secondary_venue = HallChoiceField(
        queryset=Venue.objects.filter(is_active=True),
        label="Second-choice hall",
        required=False,
        help_text="Tried when the first choice is taken.",
    )
    starts_at = forms.DateTimeField(label="From", widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label="To", widget=LocalDateTimeInput())
    attendees = forms.IntegerField(label="Expected attendees", min_value=1)
    description = forms.CharField(
        label="Notes for the hall admin", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    frequency = forms.ChoiceField(label="Repeat", choices=[("", "Does not repeat"), *Frequency.choices], required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label="On these weekdays",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For weekly repetition; empty means the first day's weekday.",
    )
    until = forms.DateField(
        label="Repeat until", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("frequency") and not data.get("until"):
            self.add_error("until", "Say until when the booking repeats.")
        secondary, primary = data.get("secondary_venue"), data.get("primary_venue")
        if secondary and primary and secondary == primary:
            self.add_error("secondary_venue", "Choose a different hall as the second choice, or leave it empty.")
        return data

    @property
    def repeats(self) -> bool:
        return bool(self.cleaned_data.get("frequency"))


class AvailabilityForm(forms.Form):
    starts_at = forms.DateTimeField(label="From", widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label="To", widget=LocalDateTimeInput())
    attendees = forms.IntegerField(label="People", min_value=1, initial=1)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The end must be after the start.")
        if starts_at and starts_at < timezone.now():
            self.add_error("starts_at", "Choose a time in the future.")
        return data


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Sent to the requester."
    )

    def __init__(self, *args, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


class ItemKeysField(forms.MultipleChoiceField):
    """Inbox item keys; ones that no longer wait are reported by `inbox.decide`, not refused here."""

    def valid_value(self, value) -> bool:
        return True


class InboxDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    items = ItemKeysField(error_messages={"required": "Choose at least one item."})

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason for the rejection; the requester will see it.")
        return data
