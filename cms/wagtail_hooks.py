"""Speakers and partners in the Wagtail admin: listing, filters, search, export."""

from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Partner, Speaker


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = "Speakers"
    list_display = ["name", "title", "organization", UpdatedAtColumn(), LiveStatusTagColumn()]
    list_export = ["name", "slug", "title", "organization", "live"]
    list_filter = ["live", "locked"]
    search_fields = ["name", "organization", "bio"]
    ordering = ["name"]


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = "Partners"
    list_display = ["name", "tier", "website", UpdatedAtColumn(), LiveStatusTagColumn()]
    list_export = ["name", "slug", "tier", "website", "live"]
    list_filter = ["tier", "live"]
    search_fields = ["name", "description"]
    ordering = ["tier", "name"]


class PeopleAndPartnersGroup(SnippetViewSetGroup):
    items = (SpeakerViewSet, PartnerViewSet)
    menu_icon = "group"
    menu_label = "Speakers & partners"
    menu_order = 250


register_snippet(PeopleAndPartnersGroup)
