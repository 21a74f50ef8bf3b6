"""Wagtail admin screens for what registry decides about an event page (its own editor keeps the content)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.create import CreateView as PageCreateView
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView

from registry.models import ACTIVE, Registration
from registry.selectors import event_record, manages_event
from registry.services import DomainError, NotAllowed
from registry.services.events import event_cancel

from .models import EventPage
from .services import event_page_duplicate


class AutosaveOnceSaved:
    """Something new autosaves only once it has been saved once: until its required fields are filled in
    (an event's title, start and end; a speaker's name) every autosave would fail, and Wagtail would show
    "Autosave is paused" with their errors to someone who has simply not reached them yet. The editor saves a
    draft once (Wagtail asks for what is missing, as always); from then on the edit screen autosaves."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        context.pop("autosave_indicator", None)
        return context


class NewPageCreateView(AutosaveOnceSaved, PageCreateView):
    pass


class NewSnippetCreateView(AutosaveOnceSaved, SnippetCreateView):
    pass


class EventCancelView(WagtailAdminTemplateMixin, TemplateView):
    """Asks once, with how many people will be told, then cancels through registry's service."""

    template_name = "cms/admin/event_cancel.html"
    header_icon = "cross"
    page_title = "Cancel event"

    def dispatch(self, request, page_id: int):
        self.page = EventPage.objects.filter(pk=page_id).first()
        self.record = event_record(page_id) if self.page else None
        if self.page is None or self.record is None:
            raise Http404("Only a published event can be cancelled.")
        return super().dispatch(request, page_id=page_id)

    def get_page_subtitle(self) -> str:
        return self.page.title

    def get(self, request, page_id: int):
        """Only those who run the event see who would be told (the service decides the cancellation itself)."""
        if not (request.user.has_perm("registry.cancel_event") and manages_event(request.user, page_id)):
            raise PermissionDenied
        return super().get(request, page_id=page_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            record=self.record,
            told=Registration.objects.filter(page_id=self.page.pk, status__in=ACTIVE).count(),
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            **kwargs,
        )

    def post(self, request, page_id: int):
        try:
            event_cancel(page_id=page_id, actor=request.user, reason=request.POST.get("reason", "")[:2000])
        except NotAllowed as refusal:
            messages.error(request, str(refusal))
            return redirect("wagtailadmin_home")
        except DomainError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"“{self.page.title}” is cancelled; everyone registered or waiting is told.")
        return redirect("wagtailadmin_pages:edit", self.page.pk)


class EventDuplicateForm(forms.Form):
    days = forms.IntegerField(
        label="Move every date by (days)",
        min_value=-3650,
        max_value=3650,
        initial=7,
        help_text="7 puts the copy a week later; sessions and the registration window move with it.",
    )
    title = forms.CharField(label="Title of the copy", max_length=255, required=False)


class EventDuplicateView(WagtailAdminTemplateMixin, FormView):
    """A draft copy in the same organization's section, every date moved by the chosen number of days."""

    template_name = "cms/admin/event_duplicate.html"
    form_class = EventDuplicateForm
    header_icon = "copy"
    page_title = "Duplicate event"

    def dispatch(self, request, page_id: int):
        self.page = EventPage.objects.filter(pk=page_id).first()
        if self.page is None:
            raise Http404("No such event.")
        if not self.page.get_parent().permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        return super().dispatch(request, page_id=page_id)

    def get_page_subtitle(self) -> str:
        return self.page.title

    def get_initial(self):
        return {"days": 7, "title": self.page.get_latest_revision_as_object().title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page, edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]), **kwargs
        )

    def form_valid(self, form):
        try:
            copy = event_page_duplicate(
                actor=self.request.user,
                page=self.page,
                offset=timedelta(days=form.cleaned_data["days"]),
                title=form.cleaned_data["title"],
            )
        except DomainError as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, f"“{copy.title}” is a new draft; check it and publish or submit it.")
        return redirect("wagtailadmin_pages:edit", copy.pk)
