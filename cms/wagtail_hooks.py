"""Speakers and partners in the Wagtail admin (listing, filters, search, export), cancelling an event and the way
to its control room."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from registry.selectors import event_record, manages_event
from registry.services import DomainError

from .admin_views import EventCancelView, EventDuplicateView, NewPageCreateView, NewSnippetCreateView
from .choosers import PartnerChooserViewSet, SpeakerChooserViewSet
from .models import EventIndexPage, EventPage, HomePage, OrganizationEventsPage, Partner, Speaker, StandardPage
from .permissions import KeptByOrganizationPolicy
from .services import event_page_deletion_check

# Before the viewsets register, so every snippet screen, bulk action and chooser asks these policies.
register_permission_policy(Speaker, KeptByOrganizationPolicy(Speaker), exact_class=True)
register_permission_policy(Partner, KeptByOrganizationPolicy(Partner), exact_class=True)


class AsksAboutTheEntry:
    """Wagtail's snippet screens ask the policy about the model only; these ask about the entry on screen too,
    so an organizer's request to change, delete, publish, unpublish, lock or revert another organization's
    speaker is refused before any form is read."""

    def user_has_permission(self, permission):
        allowed = super().user_has_permission(permission)
        entry = getattr(self, "object", None)
        if allowed and entry is not None and entry.pk is not None:
            return self.permission_policy.user_has_permission_for_instance(self.request.user, permission, entry)
        return allowed


class IndexView(snippet_views.IndexView):
    """Offers editing and deleting only on the entries the person keeps."""

    def get_edit_url(self, instance):
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "change", instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self.permission_policy.user_has_permission_for_instance(self.request.user, "delete", instance):
            return super().get_delete_url(instance)
        return None


class EditView(AsksAboutTheEntry, snippet_views.EditView):
    pass


class DeleteView(AsksAboutTheEntry, snippet_views.DeleteView):
    pass


class UnpublishView(AsksAboutTheEntry, snippet_views.UnpublishView):
    pass


class RevisionsUnscheduleView(AsksAboutTheEntry, snippet_views.RevisionsUnscheduleView):
    pass


class LockView(AsksAboutTheEntry, snippet_views.LockView):
    pass


class UnlockView(AsksAboutTheEntry, snippet_views.UnlockView):
    pass


class KeptByOrganizationViewSet(SnippetViewSet):
    add_view_class = NewSnippetCreateView
    index_view_class = IndexView
    edit_view_class = EditView  # also the base of the revert-to-revision view
    delete_view_class = DeleteView
    unpublish_view_class = UnpublishView
    revisions_unschedule_view_class = RevisionsUnscheduleView
    lock_view_class = LockView
    unlock_view_class = UnlockView


class SpeakerViewSet(KeptByOrganizationViewSet):
    model = Speaker
    chooser_viewset_class = SpeakerChooserViewSet
    icon = "user"
    menu_label = "Speakers"
    list_display = ["name", "title", "organization", "owner_organization", UpdatedAtColumn(), LiveStatusTagColumn()]
    list_export = ["name", "slug", "title", "organization", "owner_organization", "live"]
    list_filter = ["live", "locked", "owner_organization"]
    search_fields = ["name", "organization", "bio"]
    ordering = ["name"]


class PartnerViewSet(KeptByOrganizationViewSet):
    model = Partner
    chooser_viewset_class = PartnerChooserViewSet
    icon = "group"
    menu_label = "Partners"
    list_display = ["name", "tier", "website", "owner_organization", UpdatedAtColumn(), LiveStatusTagColumn()]
    list_export = ["name", "slug", "tier", "website", "owner_organization", "live"]
    list_filter = ["tier", "live", "owner_organization"]
    search_fields = ["name", "description"]
    ordering = ["tier", "name"]


class PeopleAndPartnersGroup(SnippetViewSetGroup):
    items = (SpeakerViewSet, PartnerViewSet)
    menu_icon = "group"
    menu_label = "Speakers & partners"
    menu_order = 250


register_snippet(PeopleAndPartnersGroup)


class CancelEventButton(PageMenuItem):
    """Shown on a published event's editor to those who run it, until it is cancelled."""

    label = "Cancel event"
    icon_name = "cross"
    url_name = "cms_event_cancel"

    def is_shown(self, user) -> bool:
        page = self.page
        if page.specific_class is not EventPage or not page.live:
            return False
        if not (user.has_perm("registry.cancel_event") and manages_event(user, page.pk)):
            return False
        record = event_record(page.pk)
        return record is not None and not record.is_cancelled


class DuplicateEventButton(PageMenuItem):
    """A draft copy with its dates moved, for those who may add events to its section."""

    label = "Duplicate with new dates"
    icon_name = "copy"
    url_name = "cms_event_duplicate"

    def is_shown(self, user) -> bool:
        page = self.page
        return page.specific_class is EventPage and page.get_parent().permissions_for_user(user).can_add_subpage()


class ControlRoomButton(PageMenuItem):
    """Opens the event's control room in the back office (figures, participants, attendance, certificates),
    for those who run it, once it is published (registry keeps its record from then on)."""

    label = "Control room"
    icon_name = "view"
    url_name = "staff_event_control_room"

    def is_shown(self, user) -> bool:
        page = self.page
        return page.specific_class is EventPage and manages_event(user, page.pk)


@hooks.register("register_page_header_buttons")
def event_header_buttons(page, user, view_name, next_url=None):
    yield ControlRoomButton(page=page, priority=45)
    yield DuplicateEventButton(page=page, priority=50)
    yield CancelEventButton(page=page, priority=55)


@hooks.register("before_copy_page")
def events_are_duplicated_with_their_dates(request, page):
    """Wagtail's copy would keep the dates and could land in another organization's section: events go through
    "Duplicate with new dates" instead."""
    if page.specific_class is EventPage:
        return redirect("cms_event_duplicate", page.pk)
    return None


@hooks.register("before_delete_page")
def events_people_registered_for_are_cancelled(request, page):
    if page.specific_class is not EventPage:
        return None
    try:
        event_page_deletion_check(page=page)
    except DomainError as refusal:
        messages.error(request, str(refusal))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_move_page")
def events_stay_with_their_organization(request, page, destination):
    """An event's organization is its section's; moving it elsewhere would hand it over, so only reordering within
    its own section is allowed. Someone who wants it under another organization duplicates it there."""
    if page.specific_class is not EventPage or destination.pk == page.get_parent().pk:
        return None
    messages.error(request, "An event stays in its organization's section; duplicate it into another one instead.")
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("register_admin_urls")
def event_admin_urls():
    return [
        path("events/<int:page_id>/cancel/", EventCancelView.as_view(), name="cms_event_cancel"),
        path("events/<int:page_id>/duplicate/", EventDuplicateView.as_view(), name="cms_event_duplicate"),
    ]


class NewPagesAutosaveOnceSaved(PageViewSet):
    """Wagtail's views for one of our page types, except that a new page autosaves only once it has been saved
    once (an event's start and end, any page's title, are needed before a draft can be stored)."""

    add_view_class = NewPageCreateView


@hooks.register("register_admin_viewset")
def page_viewsets():
    return [
        type(f"{model.__name__}ViewSet", (NewPagesAutosaveOnceSaved,), {"model": model})()
        for model in (HomePage, StandardPage, EventIndexPage, OrganizationEventsPage, EventPage)
    ]


@hooks.register("insert_editor_js")
def event_editor_js():
    return format_html('<script src="{}"></script>', static("cms/admin/event_editor.js"))
