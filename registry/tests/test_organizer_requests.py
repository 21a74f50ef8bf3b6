"""Becoming an organizer: signing up grants no role; a person asks, the organization's head or a staff admin decides."""

import pytest

from approvals import inbox
from registry.models import Membership, Message, MessageKind, OrganizerRequest, Role, User
from registry.services import DomainError, NotAllowed
from registry.services.organizer_requests import organizer_request_create, organizer_request_decide
from registry.tests.factories import MembershipFactory, OrganizationFactory, StaffFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    return OrganizationFactory(name="Robotics Club")


def head_of(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.HEAD, user=UserFactory(is_staff=True)).user


def test_signing_up_grants_no_role(client):
    client.post(
        "/accounts/signup/",
        {"email": "new.person@example.org", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )

    person = User.objects.get(email="new.person@example.org")
    assert list(person.groups.values_list("name", flat=True)) in ([], [Role.ATTENDEE])
    assert not person.is_staff and not Membership.objects.filter(user=person).exists()


def test_a_person_asks_on_the_site_and_sees_the_request_waiting(client, club):
    person = UserFactory()
    signed_in(client, person)

    response = client.post("/accounts/organize/", {"organization": club.pk, "message": "I ran the robotics fair."})
    again = client.post("/accounts/organize/", {"organization": club.pk})

    assert response.status_code == 302
    assert again.status_code == 400 and "already asked" in again.content.decode()
    page = client.get("/accounts/organize/").content.decode()
    assert "Robotics Club" in page and "Waiting for a decision" in page
    assert OrganizerRequest.objects.get().message == "I ran the robotics fair."


def test_the_head_approves_in_the_inbox_and_the_person_becomes_an_organizer(club, django_capture_on_commit_callbacks):
    person = UserFactory()
    request = organizer_request_create(actor=person, organization=club)
    head = head_of(club)

    [item] = inbox.pending_for(head, kind="organizer_request")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = inbox.decide(actor=head, keys=[item.key], decision="approve")

    assert outcome.failed == []
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", head)
    membership = Membership.objects.get(user=person, organization=club)
    person.refresh_from_db()
    assert membership.role == Membership.Role.ORGANIZER
    assert person.groups.filter(name=Role.ORGANIZER).exists() and person.is_staff
    assert person.has_perm("registry.cancel_event")
    notice = Message.objects.get(recipient=person, kind=MessageKind.ORGANIZER_REQUEST_DECIDED, channel="in_app")
    assert notice.subject == "You now organize for Robotics Club"
    with pytest.raises(DomainError, match="already organize"):
        organizer_request_create(actor=person, organization=club)


def test_a_rejection_needs_a_reason_and_the_person_is_told_it(club):
    person = UserFactory()
    request = organizer_request_create(actor=person, organization=club)
    admin = StaffFactory(is_superuser=True)

    with pytest.raises(DomainError, match="Give a reason"):
        organizer_request_decide(request=request, actor=admin, approve=False)
    organizer_request_decide(request=request, actor=admin, approve=False, reason="Only final-year students.")

    assert not Membership.objects.filter(user=person).exists()
    notice = Message.objects.get(recipient=person, kind=MessageKind.ORGANIZER_REQUEST_DECIDED, channel="in_app")
    assert "Only final-year students." in notice.body
    with pytest.raises(DomainError, match="already not approved"):
        organizer_request_decide(request=request, actor=admin, approve=True)


def test_only_the_head_of_that_organization_or_a_staff_admin_decides(club):
    person = UserFactory()
    request = organizer_request_create(actor=person, organization=club)
    organizer = MembershipFactory(organization=club, role=Membership.Role.ORGANIZER).user
    other_head = head_of(OrganizationFactory())

    for refused in (organizer, other_head, person):
        with pytest.raises(NotAllowed):
            organizer_request_decide(request=request, actor=refused, approve=True)
        assert inbox.pending_for(refused, kind="organizer_request") == []
    assert OrganizerRequest.objects.get().status == "pending"
    assert not Membership.objects.filter(user=person).exists()


def test_a_retired_organization_takes_no_requests(club):
    club.is_active = False
    club.save()

    with pytest.raises(DomainError, match="no longer takes new organizers"):
        organizer_request_create(actor=UserFactory(), organization=club)
