"""Speakers and partners: snippets with drafts, revisions, preview, locking and moderation."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PublishingPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from ..blocks import LinkBlock
from ..permissions import organizations_one_may_keep_for

NOT_YOURS = "Choose one of the organizations you organize for."


class KeptByOrganizationForm(WagtailAdminModelForm):
    """Organizers put a speaker or partner under one of their own organizations, never another's or none;
    site-wide editors choose any organization, or none. Asked on every save, drafts included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_organizations = organizations_one_may_keep_for(self.for_user)
        field = self.fields.get("owner_organization")
        if field is not None and self.allowed_organizations is not None:
            field.queryset = field.queryset.filter(pk__in=self.allowed_organizations)
            field.required = True
            field.empty_label = None

    def clean(self):
        cleaned_data = super().clean()
        if self.allowed_organizations is None or "owner_organization" not in self.fields:
            return cleaned_data
        chosen = cleaned_data.get("owner_organization")
        if chosen is None or chosen.pk not in self.allowed_organizations:
            self.add_error("owner_organization", NOT_YOURS)
        return cleaned_data


class PublicSnippet(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model
):
    """What speakers and partners share: a unique slug, a public page, a preview of it."""

    base_form_class = KeptByOrganizationForm

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True, blank=True, help_text="Part of the public address.")
    # Who keeps this entry: its organization's organizers (and site-wide editors); none: site-wide editors only.
    owner_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name="kept by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organization whose organizers may change this entry. Empty: site-wide editors only.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:160]
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        # The slug is derived before validation so that uniqueness is checked on the real value.
        if not self.slug:
            self.slug = slugify(self.name)[:160]
        super().full_clean(*args, **kwargs)

    def get_preview_context(self, request, mode_name):
        from ..selectors import events_featuring

        # A snippet being added has no events yet (and no id to look them up by).
        events = events_featuring(self) if self.pk else {"upcoming": [], "past": []}
        return {self._meta.model_name: self, "object": self, "events": events}


class Speaker(PublicSnippet):
    title = models.CharField("job title", max_length=150, blank=True)
    organization = models.CharField(max_length=150, blank=True, help_text="Where the speaker works or studies.")
    bio = RichTextField(blank=True, features=["bold", "italic", "link", "ul", "ol"])
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait; its alt text is the speaker's name.",
    )
    links = StreamField([("link", LinkBlock())], blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("owner_organization"),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("organization")], heading="Role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("links"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organization"),
        index.SearchField("bio"),
        index.FilterField("live"),
    ]

    def get_absolute_url(self) -> str:
        return reverse("cms:speaker_detail", args=[self.slug])

    def get_preview_template(self, request, mode_name):
        return "cms/speaker_detail.html"


class Partner(PublicSnippet):
    class Tier(models.IntegerChoices):
        PRINCIPAL = 1, "Principal partner"
        GOLD = 2, "Gold partner"
        SILVER = 3, "Silver partner"
        COMMUNITY = 4, "Community partner"

    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.COMMUNITY)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its alt text is the partner's name.",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("owner_organization"),
        FieldPanel("tier"),
        FieldPanel("logo"),
        FieldPanel("website"),
        FieldPanel("description"),
        PublishingPanel(),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("live"),
        index.FilterField("tier"),
    ]

    class Meta:
        ordering = ["tier", "name"]

    def get_absolute_url(self) -> str:
        return reverse("cms:partner_detail", args=[self.slug])

    def get_preview_template(self, request, mode_name):
        return "cms/partner_detail.html"
