"""Public pages. Page models keep presentation only; domain state lives in registry."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.forms.forms import FormBuilder, WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from registry import selectors as registration_selectors
from registry.models import EventStatus, RegistrableEvent
from registry.services import NotAllowed
from registry.services import registrations as registration_services
from registry.views import registrations as registration_views

from ..blocks import BodyBlock

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class EventKind(models.TextChoices):
    EVENT = "event", "Event"
    WORKSHOP = "workshop", "Workshop"
    COURSE = "course", "Course"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    HINDI = "hi", "Hindi"
    KANNADA = "kn", "Kannada"
    TAMIL = "ta", "Tamil"
    TELUGU = "te", "Telugu"
    MARATHI = "mr", "Marathi"

    @classmethod
    def lookup(cls, value: str) -> str | None:
        """The code for a language named by its code or its English name, in any case ("en", "English",
        "english"); None for anything else."""
        wanted = value.casefold()
        return next((code for code, name in cls.choices if wanted in (code.casefold(), name.casefold())), None)


def calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class HomePage(Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.EventIndexPage", "cms.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from ..selectors import home_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections())
        return context


class StandardPage(Page):
    """About, contact, policies: a lede and a body."""

    intro = models.TextField(blank=True, max_length=400)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]


class EventIndexPage(RoutablePageMixin, Page):
    """The listing at /events/: filters in the query string, pagination, and an iCal feed of the same results."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OrganizationEventsPage", "cms.EventPage"]
    max_count = 1

    per_page = 12

    @path("")
    def listing(self, request):
        from ..forms import EventFilterForm
        from ..selectors import events_matching, for_cards

        form = EventFilterForm(request.GET)
        filters = form.filters()
        page_obj = Paginator(for_cards(events_matching(**filters)), self.per_page).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "form": form,
                "page_obj": page_obj,
                "events": page_obj.object_list,
                "showing_past": filters["when"] == "past",
            },
        )

    @path("feed.ics/", name="feed")
    def feed(self, request):
        from ..calendars import events_feed
        from ..forms import EventFilterForm
        from ..selectors import event_feed

        events = event_feed(EventFilterForm(request.GET).filters())
        return calendar_response(events_feed(events, request=request, name=self.title), "events.ics")


class OrganizationEventsPage(Page):
    """An organization's own section of /events/ (/events/<organization>/<event>/).

    Its events live under it, so Wagtail's page permissions and workflow for the organization apply here: the
    organization's group (its organizers and page editors) edits below this page and nowhere else. Sections are
    kept by `cms.sections`, one per organization; the organization never changes.
    """

    organization = models.OneToOneField(
        "registry.Organization", on_delete=models.PROTECT, related_name="events_section", editable=False
    )
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = "organization's events"
        verbose_name_plural = "organizations' events"

    def get_context(self, request, *args, **kwargs):
        from ..selectors import events_matching, for_cards

        context = super().get_context(request, *args, **kwargs)
        when = "past" if request.GET.get("when") == "past" else "upcoming"
        events = for_cards(events_matching(organization=self.organization, when=when))
        page_obj = Paginator(events, EventIndexPage.per_page).get_page(request.GET.get("page"))
        context.update(page_obj=page_obj, events=page_obj.object_list, showing_past=when == "past")
        return context


class EventPageForm(WagtailAdminFormPageForm):
    """Checks that need the event and its inline sessions together (the model sees one or the other), and who may
    put the event under which organization (registry's rule, asked before anything is saved)."""

    def _current_organization_id(self) -> int | None:
        """The organization the published event is under (its record), else the draft's."""
        if not self.instance.pk:
            return None
        published = registration_selectors.event_record(self.instance.pk)
        return published.organization_id if published else self.instance.organization_id

    def _section_organization_id(self) -> int | None:
        """An event belongs to the organization whose section it sits in; one straight under /events/ to none."""
        parent = self.parent_page.specific if self.parent_page is not None else None
        return parent.organization_id if isinstance(parent, OrganizationEventsPage) else None

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        organization_id = self._section_organization_id()
        self.instance.organization_id = organization_id
        if user is not None:
            try:
                registration_services.event_organization_check(
                    actor=user,
                    current_organization_id=self._current_organization_id(),
                    organization_id=organization_id,
                )
            except NotAllowed as error:
                self.add_error(None, str(error))
        starts_at, ends_at = cleaned_data.get("starts_at"), cleaned_data.get("ends_at")
        if not (starts_at and ends_at and "sessions" in self.formsets):
            return cleaned_data
        for form in self.formsets["sessions"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            session_start, session_end = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
            if session_start and session_start < starts_at:
                form.add_error("starts_at", "A session cannot start before the event starts.")
            if session_end and session_end > ends_at:
                form.add_error("ends_at", "A session cannot end after the event ends.")
        return cleaned_data


class EventSession(Orderable, ClusterableModel):
    """One sitting of a multi-session workshop or course, with its own time, room and speakers."""

    page = ParentalKey("cms.EventPage", on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(
        "registry.Venue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty to use the event's venue.",
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], classname="cms-session-when"),
        FieldPanel("room"),
        MultipleChooserPanel("session_speakers", chooser_field_name="speaker", heading="Speakers", label="Speaker"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "session"

    def __str__(self) -> str:
        return self.title

    @property
    def public_speakers(self) -> list:
        """Its published speakers in the editor's order (from rows the selectors prefetch with their speakers)."""
        return [row.speaker for row in self.session_speakers.all() if row.speaker.live]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})


class SessionSpeaker(Orderable):
    """A speaker at one session, in the order the editor put them."""

    session = ParentalKey("cms.EventSession", on_delete=models.CASCADE, related_name="session_speakers")
    speaker = models.ForeignKey("cms.Speaker", on_delete=models.CASCADE, related_name="session_appearances")

    panels = [FieldPanel("speaker")]

    class Meta(Orderable.Meta):
        verbose_name = "session speaker"
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="cms_session_speaker_once")]


class EventSpeaker(Orderable):
    """A speaker of an event, in the order the editor put them."""

    page = ParentalKey("cms.EventPage", on_delete=models.CASCADE, related_name="event_speakers")
    speaker = models.ForeignKey("cms.Speaker", on_delete=models.CASCADE, related_name="event_appearances")

    panels = [FieldPanel("speaker")]

    class Meta(Orderable.Meta):
        verbose_name = "event speaker"
        constraints = [models.UniqueConstraint(fields=["page", "speaker"], name="cms_event_speaker_once")]


class EventPartner(Orderable):
    """A partner of an event, in the order the editor put them."""

    page = ParentalKey("cms.EventPage", on_delete=models.CASCADE, related_name="event_partners")
    partner = models.ForeignKey("cms.Partner", on_delete=models.CASCADE, related_name="event_appearances")

    panels = [FieldPanel("partner")]

    class Meta(Orderable.Meta):
        verbose_name = "event partner"
        constraints = [models.UniqueConstraint(fields=["page", "partner"], name="cms_event_partner_once")]


class RegistrationQuestion(AbstractFormField):
    """A question editors add to an event's registration form (Wagtail's form-field builder); optional unless the
    editor says otherwise, so a question added in passing never blocks anyone from registering."""

    page = ParentalKey("cms.EventPage", on_delete=models.CASCADE, related_name="registration_questions")
    required = models.BooleanField(default=False)


class QuestionFormBuilder(FormBuilder):
    """Wagtail's builder, with dropdowns that start on an empty choice: nobody answers by not looking."""

    def create_dropdown_field(self, field, options):
        field_instance = super().create_dropdown_field(field, options)
        field_instance.choices = [("", "Choose…"), *field_instance.choices]
        return field_instance


class EventPage(RoutablePageMixin, RegistrableEvent, Page):
    """An event, workshop or course. Registration settings come from registry's `RegistrableEvent`."""

    summary = models.TextField(max_length=300, help_text="One or two sentences shown in listings and link previews.")
    body = StreamField(BodyBlock(), blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    image_alt = models.CharField(
        "image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for people who cannot see it. Required unless the image has a description.",
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.EVENT, db_index=True)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH, db_index=True)
    featured = models.BooleanField("feature on the home page", default=False)

    base_form_class = EventPageForm
    parent_page_types = ["cms.OrganizationEventsPage", "cms.EventIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading="Image"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("language")]),
        FieldPanel("body"),
        FieldPanel("featured"),
    ]
    schedule_panels = [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("online_url")], heading="Where"),
        InlinePanel("sessions", heading="Sessions", label="Session"),
    ]
    people_panels = [
        MultipleChooserPanel("event_speakers", chooser_field_name="speaker", heading="Speakers", label="Speaker"),
        MultipleChooserPanel("event_partners", chooser_field_name="partner", heading="Partners", label="Partner"),
    ]
    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldPanel("waitlist_enabled"),
                FieldPanel("requires_approval"),
            ],
            heading="Seats and window",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("credit_category"), FieldPanel("credit_points")]),
                FieldPanel("attendance_threshold"),
                FieldPanel("issue_certificates_automatically"),
            ],
            heading="Credits and certificates",
        ),
        InlinePanel("registration_questions", heading="Registration questions", label="Question"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(schedule_panels, heading="Schedule"),
            ObjectList(people_panels, heading="Speakers and partners"),
            ObjectList(registration_panels, heading="Registration"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    # Whole words through the full-text fields; as-you-type prefixes ("machin") through the autocomplete ones
    # (Page's own search_fields already make the title one).
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.AutocompleteField("summary"),
        index.SearchField("body"),
        index.RelatedFields(
            "event_speakers",
            [
                index.RelatedFields(
                    "speaker",
                    [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("organization")],
                )
            ],
        ),
        index.RelatedFields("sessions", [index.SearchField("title"), index.SearchField("description")]),
        index.FilterField("starts_at"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "event"

    def clean(self):
        super().clean()
        errors = self.registration_errors()
        if self.image_id and not (self.image_alt or self.image.description):
            errors["image_alt"] = "Describe the image for people who cannot see it."
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        """Registry's record says (an organizer's explicit action); listings annotate it as `record_cancelled`."""
        if "record_cancelled" in self.__dict__:
            return self.record_cancelled
        if "_cancelled" not in self.__dict__:
            record = registration_selectors.event_record(self.pk) if self.pk else None
            self._cancelled = bool(record and record.is_cancelled)
        return self._cancelled

    @property
    def status(self) -> str:
        """Cancelled is the organizers' decision; the rest follows from the clock."""
        if self.is_cancelled:
            return EventStatus.CANCELLED
        now = timezone.now()
        if now < self.starts_at:
            return EventStatus.SCHEDULED
        return EventStatus.ONGOING if now < self.ends_at else EventStatus.COMPLETED

    def get_status_display(self) -> str:
        return EventStatus(self.status).label

    @property
    def public_speakers(self) -> list:
        """Its published speakers in the editor's order (from rows the selectors prefetch with their speakers)."""
        return [row.speaker for row in self.event_speakers.all() if row.speaker.live]

    @property
    def image_alt_text(self) -> str:
        return self.image_alt or (self.image.description if self.image_id else "")

    @property
    def is_multi_day(self) -> bool:
        return timezone.localdate(self.starts_at) != timezone.localdate(self.ends_at)

    def registration_form_class(self) -> type[forms.Form]:
        """A Django form class for the editor-built registration questions."""
        return QuestionFormBuilder(self.registration_questions.all()).get_form_class()

    def get_context(self, request, *args, **kwargs):
        from ..calendars import google_calendar_url
        from ..selectors import event_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(
            event_detail(self, preview=getattr(request, "is_preview", False)),
            google_calendar_url=google_calendar_url(self, request=request),
            registration_panel=registration_selectors.registration_panel(self, request.user),
        )
        context.setdefault("registration_form", self._registration_form(request))
        return context

    def _registration_form(self, request, data=None):
        extra_fields = self.registration_form_class().base_fields
        return registration_views.registration_form(request, page=self, extra_fields=extra_fields, data=data)

    @path("register/", name="register")
    def register(self, request):
        """The registration form posts here; errors re-render the event page with the form (status 400)."""
        if request.method != "POST":
            return redirect(f"{self.url}#register")
        form = self._registration_form(request, data=request.POST)
        response = registration_views.handle_registration(request, page=self, form=form)
        if response is not None:
            return response
        response = self.render(request, context_overrides={"registration_form": form})
        response.status_code = 400
        return response

    @path("event.ics/", name="ics")
    def ics(self, request):
        from ..calendars import event_calendar
        from ..selectors import event_sessions

        body = event_calendar(self, event_sessions(self), request=request)
        return calendar_response(body, f"{self.slug}.ics")
