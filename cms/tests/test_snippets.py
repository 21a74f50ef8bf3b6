"""Speakers and partners: public pages for published ones only, drafts and moderation through Wagtail workflows."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Workflow, WorkflowState

from cms.models import EventPage, Partner, Speaker
from cms.tests import factories
from registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_speaker_page_lists_their_upcoming_and_past_events_including_sessions(client):
    grace = factories.speaker("Grace Hopper", title="Rear Admiral", organization="US Navy")
    factories.event("Compilers Today", speakers=[grace])
    factories.event("Debugging Lab", sessions=1, session_speakers=[grace], starts_in=timedelta(days=20))
    factories.event("Bugs of 1947", speakers=[grace], starts_in=timedelta(days=-40))
    factories.event("Unrelated")

    response = client.get("/speakers/grace-hopper/")
    assert response.status_code == 200
    assert [e.title for e in response.context["events"]["upcoming"]] == ["Compilers Today", "Debugging Lab"]
    assert [e.title for e in response.context["events"]["past"]] == ["Bugs of 1947"]
    assert "Rear Admiral, US Navy" in response.content.decode()


def test_partner_page_lists_their_events(client):
    acme = factories.partner("Acme Labs", tier=Partner.Tier.GOLD)
    factories.event("Acme Hack", partners=[acme])
    response = client.get("/partners/acme-labs/")
    assert [e.title for e in response.context["events"]["upcoming"]] == ["Acme Hack"]
    assert "Gold partner" in response.content.decode()


def test_a_draft_speaker_is_not_public_until_published(client):
    speaker = factories.speaker("Quiet Person", live=False)
    assert client.get("/speakers/quiet-person/").status_code == 404
    assert "Quiet Person" not in client.get("/speakers/").content.decode()

    speaker.save_revision().publish()

    assert client.get("/speakers/quiet-person/").status_code == 200
    assert "Quiet Person" in client.get("/speakers/").content.decode()


def test_a_draft_partner_is_not_public_until_published(client):
    partner = factories.partner("Stealth Startup", live=False)
    assert client.get("/partners/stealth-startup/").status_code == 404
    partner.save_revision().publish()
    assert client.get("/partners/stealth-startup/").status_code == 200


def test_speakers_and_partners_go_through_the_moderators_workflow():
    moderators = Workflow.objects.get(name="Moderators approval")
    assert factories.speaker(live=False).get_workflow() == moderators
    assert factories.partner(live=False).get_workflow() == moderators


def test_editors_and_moderators_may_work_on_speakers_but_only_moderators_publish():
    editor = UserFactory(in_roles=[])
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    assert editor.has_perms(["cms.add_speaker", "cms.change_speaker", "cms.change_partner"])
    assert not editor.has_perm("cms.publish_speaker")
    assert moderator.has_perms(["cms.publish_speaker", "cms.publish_partner"])


def test_approving_the_workflow_task_publishes_the_speaker(client):
    editor, moderator = UserFactory(), UserFactory(is_superuser=True)
    speaker = factories.speaker("Pending Person", live=False)
    speaker.save_revision(user=editor)

    state = speaker.get_workflow().start(speaker, editor)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get("/speakers/pending-person/").status_code == 404

    state.current_task_state.task.on_action(state.current_task_state, moderator, "approve")

    speaker.refresh_from_db()
    assert speaker.live
    assert client.get("/speakers/pending-person/").status_code == 200


def test_approving_the_workflow_task_publishes_an_event_page(client):
    editor, moderator = UserFactory(), UserFactory(is_superuser=True)
    event = factories.event("Moderated Meetup", live=False)
    event.save_revision(user=editor)
    state = event.get_workflow().start(event, editor)
    assert client.get(f"/events/{event.slug}/").status_code == 404

    state.current_task_state.task.on_action(state.current_task_state, moderator, "approve")

    assert EventPage.objects.get(pk=event.pk).live
    assert client.get(f"/events/{event.slug}/").status_code == 200
    assert "Moderated Meetup" in client.get("/events/").content.decode()


def test_admin_lists_speakers_and_previews_a_draft(client):
    factories.verified_admin_client(client)
    speaker = factories.speaker("Preview Person", live=False)
    listing = client.get("/admin/snippets/cms/speaker/")
    assert listing.status_code == 200 and "Preview Person" in listing.content.decode()

    preview_url = f"/admin/snippets/cms/speaker/preview/{speaker.pk}/"
    form = {"name": "Preview Person", "slug": "preview-person", "title": "Chief Tester", "links-count": "0"}
    assert client.post(preview_url, form).json()["is_valid"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "Chief Tester" in preview.content.decode()
    assert not Speaker.objects.get(pk=speaker.pk).live, "previewing publishes nothing"
