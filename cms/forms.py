"""Forms of the public site."""

from django import forms

from registry.models import AttendanceMode, CreditCategory, Organization, Venue

from .models import EventKind, Language


class When:
    UPCOMING = "upcoming"
    PAST = "past"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguageField(forms.ChoiceField):
    """A language chosen from the list, or named in a shared link by its code or name in any case
    (`?language=en`, `?language=English`, `?language=english`)."""

    default_error_messages = {
        "invalid_choice": "We list no events in “%(value)s”. Choose a language from the list.",
    }

    def to_python(self, value) -> str:
        value = super().to_python(value).strip()
        return (Language.lookup(value) or value) if value else ""

    def prepare_value(self, value):
        # The select shows the language a name chose ("English" selects the "en" option).
        return (Language.lookup(value.strip()) or value) if isinstance(value, str) else value


class EventFilterForm(forms.Form):
    """Validates the listing's query string; a bad value becomes a message, never an error page.

    Related objects are chosen by slug or code so that a shared link reads well and survives a re-import.
    """

    q = forms.CharField(label="Search", required=False, max_length=200)
    starts_after = forms.DateField(label="From", required=False, widget=DateInput())
    starts_before = forms.DateField(label="To", required=False, widget=DateInput())
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *EventKind.choices])
    organization = forms.ModelChoiceField(
        label="Organized by",
        required=False,
        queryset=Organization.objects.filter(is_active=True),
        to_field_name="slug",
        empty_label="Any organizer",
    )
    venue = forms.ModelChoiceField(
        label="Venue",
        required=False,
        queryset=Venue.objects.filter(is_active=True),
        to_field_name="code",
        empty_label="Any venue",
    )
    location = forms.CharField(
        label="Where",
        required=False,
        max_length=120,
        help_text="A hall, building or address, or “online”.",
    )
    mode = forms.ChoiceField(
        label="Attendance", required=False, choices=[("", "On site or online"), *AttendanceMode.choices]
    )
    language = LanguageField(label="Language", required=False, choices=[("", "Any language"), *Language.choices])
    credit_category = forms.ModelChoiceField(
        label="Credit category",
        required=False,
        queryset=CreditCategory.objects.all(),
        to_field_name="code",
        empty_label="Any credits",
    )
    seats_left = forms.BooleanField(label="Only events with seats left", required=False)
    when = forms.ChoiceField(
        required=False,
        choices=[(When.UPCOMING, "Upcoming"), (When.PAST, "Past")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].label_from_instance = lambda venue: venue.name
        self.fields["q"].widget.attrs.update(type="search", placeholder="Title, topic or speaker")
        self.fields["location"].widget.attrs.update(placeholder="Hall, building or “online”")

    def clean_when(self) -> str:
        return self.cleaned_data.get("when") or When.UPCOMING

    def clean(self):
        cleaned_data = super().clean()
        after, before = cleaned_data.get("starts_after"), cleaned_data.get("starts_before")
        if after and before and before < after:
            self.add_error("starts_before", "Choose a date on or after the “From” date.")
        return cleaned_data

    def filters(self) -> dict:
        """The valid filters only: an invalid field is reported and ignored, the rest still apply."""
        self.is_valid()
        values = {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}
        values.setdefault("when", When.UPCOMING)
        return values

    @property
    def active_filters(self) -> bool:
        return any(key != "when" for key in self.filters())

    @property
    def panel_filter_count(self) -> int:
        """How many filters behind the "Filters" button apply (the search box and the tabs are always in view)."""
        return sum(1 for key in self.filters() if key not in ("when", "q"))
