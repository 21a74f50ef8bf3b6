"""Each organization writes its own section of /events/ in the Wagtail admin, and nobody else's."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms import sections
from cms.models import EventPage, OrganizationEventsPage
from cms.tests import factories
from registry.models import EventRecord, Membership, Role
from registry.tests.factories import MembershipFactory, OrganizationFactory, RegistrationFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%d %H:%M"


def writer(organization, role=Membership.Role.ORGANIZER):
    person = UserFactory(is_staff=False, in_roles=[Role.ORGANIZER] if role != Membership.Role.EDITOR else [])
    MembershipFactory(user=person, organization=organization, role=role)
    return person


def event_form(title: str, *, starts_in=timedelta(days=10), **extra) -> dict:
    starts = timezone.localtime(timezone.now() + starts_in).replace(second=0, microsecond=0)
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": f"{title}, for everyone.",
            "kind": "workshop",
            "language": "en",
            "body": streamfield([]),
            "starts_at": starts.strftime(FORMAT),
            "ends_at": (starts + timedelta(hours=3)).strftime(FORMAT),
            "attendance_threshold": 75,
            "credit_points": 0,
            "sessions": inline_formset([]),
            "event_speakers": inline_formset([]),
            "event_partners": inline_formset([]),
            "registration_questions": inline_formset([]),
            **extra,
        }
    )


@pytest.fixture
def clubs():
    factories.event_index()
    club, society = (
        OrganizationFactory(name="Coding Club", slug="coding-club"),
        OrganizationFactory(name="Literary Society", slug="literary-society"),
    )
    return club, society


def test_every_organization_has_its_section_under_events_and_a_group_of_those_who_write_it(clubs):
    club, _ = clubs
    organizer, head, page_editor = (
        writer(club),
        writer(club, Membership.Role.HEAD),
        writer(club, Membership.Role.EDITOR),
    )
    member = writer(club, Membership.Role.MEMBER)

    section = OrganizationEventsPage.objects.get(organization=club)
    assert section.url == "/events/coding-club/" and section.live
    group = Group.objects.get(name="Events of Coding Club")
    assert set(group.user_set.all()) == {organizer, head, page_editor}
    assert member not in group.user_set.all()

    Membership.objects.filter(user=organizer).delete()
    assert organizer not in group.user_set.all(), "someone who stops organizing stops writing the pages"


def test_an_event_lives_at_its_organizations_address(clubs, client):
    club, _ = clubs
    event = factories.event("Hack Night", organization=club)
    assert event.url == f"/events/coding-club/{event.slug}/"
    assert client.get(event.url).status_code == 200
    assert "Hack Night" in client.get("/events/").content.decode(), "the listing still shows every organization"
    assert "Hack Night" in client.get("/events/coding-club/").content.decode()


def test_an_organizer_drafts_an_event_in_their_section_and_it_belongs_to_their_organization(clubs, client):
    club, _ = clubs
    signed_in(client, writer(club))
    section = sections.section_of(club)

    response = client.post(f"/admin/pages/add/cms/eventpage/{section.pk}/", event_form("Git Basics"))

    assert response.status_code == 302, response.content.decode()[:2000]
    page = EventPage.objects.get(title="Git Basics")
    assert page.get_parent().pk == section.pk and page.organization_id == club.pk and not page.live


def test_an_organizer_cannot_add_edit_or_delete_in_another_organizations_section(clubs, client):
    club, society = clubs
    signed_in(client, writer(club))
    theirs = factories.event("Poetry Evening", organization=society)
    section = sections.section_of(society)

    assert client.post(f"/admin/pages/add/cms/eventpage/{section.pk}/", event_form("Intruder")).status_code in (
        302,
        403,
    )
    assert not EventPage.objects.filter(title="Intruder").exists()
    edit = client.post(f"/admin/pages/{theirs.pk}/edit/", event_form("Renamed", slug=theirs.slug))
    assert edit.status_code in (302, 403)
    client.post(f"/admin/pages/{theirs.pk}/delete/")
    theirs.refresh_from_db()
    assert theirs.title == "Poetry Evening" and EventPage.objects.filter(pk=theirs.pk).exists()


def test_organizations_under_review_submit_and_those_trusted_publish(clubs, client):
    club, society = clubs
    society.publishes_events_directly = True
    society.save()
    reviewed, trusted = writer(club), writer(society)

    signed_in(client, reviewed)
    client.post(
        f"/admin/pages/add/cms/eventpage/{sections.section_of(club).pk}/",
        {**event_form("Reviewed Talk"), "action-publish": "action-publish"},
    )
    assert not EventPage.objects.get(title="Reviewed Talk").live, "without the organization's trust nothing goes live"
    client.post(
        f"/admin/pages/add/cms/eventpage/{sections.section_of(club).pk}/",
        {**event_form("Submitted Talk"), "action-submit": "action-submit"},
    )
    submitted = EventPage.objects.get(title="Submitted Talk")
    assert submitted.workflow_in_progress and not submitted.live

    signed_in(client, trusted)
    client.post(
        f"/admin/pages/add/cms/eventpage/{sections.section_of(society).pk}/",
        {**event_form("Trusted Reading"), "action-publish": "action-publish"},
    )
    published = EventPage.objects.get(title="Trusted Reading")
    assert published.live and EventRecord.objects.get(page=published).organization_id == society.pk


def test_page_editors_of_an_organization_write_its_events_but_cannot_cancel_them(clubs, client):
    club, _ = clubs
    editor = writer(club, Membership.Role.EDITOR)
    event = factories.event("Code Review Clinic", organization=club)
    signed_in(client, editor)

    response = client.post(f"/admin/pages/{event.pk}/edit/", event_form("Code Review Clinic, again", slug=event.slug))
    assert response.status_code == 302
    assert EventPage.objects.get(pk=event.pk).get_latest_revision_as_object().title == "Code Review Clinic, again"
    assert client.post(f"/admin/events/{event.pk}/cancel/", {"reason": "No"}).status_code in (302, 403, 404)
    assert not EventRecord.objects.get(page=event).is_cancelled


def test_site_wide_editors_keep_the_rest_of_the_site_but_not_organizations_events(clubs, client):
    club, _ = clubs
    about = factories.standard_page("About")
    event = factories.event("Hack Night", organization=club)
    sections.sync_site_editors()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    signed_in(client, editor)

    assert client.get(f"/admin/pages/{about.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{event.pk}/edit/").status_code in (302, 403)


def test_events_published_before_sections_move_in_and_their_old_address_redirects(clubs, client):
    club, _ = clubs
    index = factories.event_index()
    starts = timezone.now() + timedelta(days=3)
    old = index.add_child(
        instance=EventPage(
            title="Old Hack Night",
            slug="old-hack-night",
            summary="Before sections.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            organization=club,
        )
    )
    old.save_revision().publish()
    assert old.url == "/events/old-hack-night/"

    assert sections.move_events_into_sections() == 1

    moved = EventPage.objects.get(pk=old.pk)
    assert moved.url == "/events/coding-club/old-hack-night/"
    response = client.get("/events/old-hack-night/")
    assert response.status_code == 301 and response["Location"].endswith("/events/coding-club/old-hack-night/")


def test_an_event_cannot_be_moved_into_another_organizations_section(clubs, client):
    club, society = clubs
    event = factories.event("Hack Night", organization=club)
    signed_in(client, UserFactory(is_staff=True, is_superuser=True))

    client.post(f"/admin/pages/{event.pk}/move/{sections.section_of(society).pk}/confirm/")

    assert Page.objects.get(pk=event.pk).get_parent().pk == sections.section_of(club).pk


def test_an_organizer_duplicates_an_event_a_week_later_from_the_editor(clubs, client):
    club, society = clubs
    event = factories.event("Hack Night", organization=club, sessions=2)
    theirs = factories.event("Poetry Evening", organization=society)
    signed_in(client, writer(club))

    assert "Duplicate with new dates" in client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    response = client.post(f"/admin/events/{event.pk}/duplicate/", {"days": 7, "title": "Hack Night II"})

    copy = EventPage.objects.get(title="Hack Night II")
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert not copy.live and copy.starts_at == event.starts_at + timedelta(days=7)
    assert copy.sessions.count() == 2
    assert client.post(f"/admin/events/{theirs.pk}/duplicate/", {"days": 7}).status_code in (302, 403)
    assert EventPage.objects.filter(title="Poetry Evening").count() == 1, "nothing copied from another organization"
    assert client.get(f"/admin/pages/{event.pk}/copy/").status_code == 302, "Wagtail's copy leads to duplicating"


def test_deleting_an_event_people_registered_for_is_refused_in_the_editor(clubs, client):
    _, society = clubs
    society.publishes_events_directly = True
    society.save()
    event = factories.event("Poetry Evening", organization=society)
    RegistrationFactory(page_id=event.pk)
    signed_in(client, writer(society))

    client.post(f"/admin/pages/{event.pk}/delete/")

    assert EventPage.objects.filter(pk=event.pk).exists()


def test_organizers_brought_in_by_a_people_import_write_their_section(clubs, client):
    """Imports write memberships in bulk (no model signals); the organization's group still follows them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.tests.factories import StaffFactory

    club, _ = clubs
    signed_in(client, StaffFactory(is_superuser=True))
    header = "email,first_name,last_name,role,organization,membership_role"
    upload = SimpleUploadedFile(
        "people.csv", f"{header}\nnew.organizer@example.edu,Nia,Rao,organizer,Coding Club,organizer\n".encode()
    )
    preview = client.post("/staff/registry/user/import/", {"import_file": upload, "format": "0", "resource": "0"})
    client.post("/staff/registry/user/process_import/", preview.context["confirm_form"].initial)

    imported = Membership.objects.get(user__email="new.organizer@example.edu", organization=club)
    assert imported.user in Group.objects.get(name="Events of Coding Club").user_set.all()
