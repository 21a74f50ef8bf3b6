"""Wagtail's speaker and partner choosers, with a "Create" tab: someone choosing speakers for an event adds a
missing one without leaving the editor. The new entry is kept by one of the person's organizations (the same form
rule as the snippet screens) and starts as a draft for moderators unless the person may publish."""

from django import forms
from wagtail.log_actions import log
from wagtail.snippets.views import chooser

from .models import Partner, Speaker
from .models.snippets import KeptByOrganizationForm


class SpeakerCreationForm(KeptByOrganizationForm):
    class Meta:
        model = Speaker
        fields = ["name", "owner_organization", "title", "organization"]


class PartnerCreationForm(KeptByOrganizationForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "owner_organization", "tier", "website"]


class ForTheChoosingPerson:
    """The creation form knows who is choosing, so it offers (and accepts) only their organizations."""

    def get_creation_form_kwargs(self):
        return {**super().get_creation_form_kwargs(), "for_user": self.request.user}


class ChooseView(ForTheChoosingPerson, chooser.ChooseView):
    pass


class ChooseResultsView(ForTheChoosingPerson, chooser.ChooseResultsView):
    pass


class CreateView(ForTheChoosingPerson, chooser.SnippetCreateView):
    def save_form(self, form):
        """Saved as a draft with its first revision, the way the snippet's own add screen saves one; published
        only by someone who may publish (everyone else's waits for the moderators)."""
        user = self.request.user
        entry = form.save(commit=False)
        entry.live = False
        entry.has_unpublished_changes = True
        entry.save()
        revision = entry.save_revision(user=user, log_action=False)
        log(instance=entry, action="wagtail.create", user=user, revision=revision, content_changed=True)
        if self.permission_policy.user_has_permission(user, "publish"):
            revision.publish(user=user)
            entry.refresh_from_db()
        return entry


class KeptByOrganizationChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    create_view_class = CreateView


class SpeakerChooserViewSet(KeptByOrganizationChooserViewSet):
    creation_form_class = SpeakerCreationForm


class PartnerChooserViewSet(KeptByOrganizationChooserViewSet):
    creation_form_class = PartnerCreationForm
