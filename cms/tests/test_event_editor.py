"""The event editor: speakers and partners chosen in order, a script that dates new sessions, and autosave that
waits for a new event's (or speaker's) first save instead of announcing errors about fields not yet reached."""

import pytest
from django.templatetags.static import static

from . import factories

pytestmark = pytest.mark.django_db

EDITOR_SCRIPT = static("cms/admin/event_editor.js")


@pytest.fixture
def editor(client):
    return factories.verified_admin_client(client)


def test_a_new_event_autosaves_only_once_it_has_been_saved(editor):
    index = factories.event_index()

    response = editor.get(f"/admin/pages/add/cms/eventpage/{index.pk}/")

    assert response.status_code == 200
    assert response.context["autosave_enabled"] is False
    html = response.content.decode()
    assert "data-w-autosave-interval-value" not in html, "no autosave, so no 'Autosave is paused' while filling it in"
    assert "Autosave is" not in html


def test_a_new_standard_page_autosaves_only_once_it_has_been_saved(editor):
    home = factories.home_page()

    response = editor.get(f"/admin/pages/add/cms/standardpage/{home.pk}/")

    assert response.status_code == 200 and response.context["autosave_enabled"] is False


def test_a_saved_event_autosaves(editor):
    event = factories.event("Saved Once")

    response = editor.get(f"/admin/pages/{event.pk}/edit/")

    assert response.context["autosave_enabled"] is True
    assert "data-w-autosave-interval-value" in response.content.decode()


def test_a_new_speaker_autosaves_only_once_it_has_been_saved(editor):
    response = editor.get("/admin/snippets/cms/speaker/add/")

    assert response.status_code == 200 and response.context["autosave_enabled"] is False
    speaker = factories.speaker("Saved Speaker")
    assert editor.get(f"/admin/snippets/cms/speaker/edit/{speaker.pk}/").context["autosave_enabled"] is True


def test_the_event_editor_loads_the_session_dates_script_as_a_static_file(editor):
    event = factories.event("With Sessions", sessions=1)
    index = factories.event_index()

    for url in (f"/admin/pages/{event.pk}/edit/", f"/admin/pages/add/cms/eventpage/{index.pk}/"):
        html = editor.get(url).content.decode()
        assert f'<script src="{EDITOR_SCRIPT}"></script>' in html


def test_the_event_editor_chooses_speakers_and_partners_with_wagtails_multiple_chooser(editor):
    event = factories.event("Chosen", sessions=1)

    html = editor.get(f"/admin/pages/{event.pk}/edit/").content.decode()

    assert 'id="id_event_speakers-OPEN_MODAL"' in html
    assert 'id="id_event_partners-OPEN_MODAL"' in html
    assert "id_sessions-0-session_speakers-OPEN_MODAL" in html, "each session chooses its speakers the same way"
