"""Who may put an event under which organization (registry's rule, asked by the page editor and the API)."""

import pytest

from registry.models import Membership
from registry.services import NotAllowed
from registry.services.registrations import event_organization_check
from registry.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_and_society():
    return OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Literary Society")


@pytest.mark.parametrize("role", [Membership.Role.ORGANIZER, Membership.Role.HEAD, Membership.Role.EDITOR])
def test_those_who_write_an_organizations_pages_place_events_under_it(club_and_society, role):
    club, _ = club_and_society
    writer = UserFactory()
    MembershipFactory(user=writer, organization=club, role=role)
    event_organization_check(actor=writer, current_organization_id=None, organization_id=club.pk)


def test_a_member_who_writes_no_pages_places_nothing(club_and_society):
    club, _ = club_and_society
    member = UserFactory()
    MembershipFactory(user=member, organization=club, role=Membership.Role.MEMBER)
    with pytest.raises(NotAllowed):
        event_organization_check(actor=member, current_organization_id=None, organization_id=club.pk)


def test_nobody_moves_an_event_out_of_or_into_an_organization_they_do_not_write_for(club_and_society):
    club, society = club_and_society
    organizer = UserFactory()
    MembershipFactory(user=organizer, organization=club, role=Membership.Role.ORGANIZER)
    with pytest.raises(NotAllowed):
        event_organization_check(actor=organizer, current_organization_id=club.pk, organization_id=society.pk)
    with pytest.raises(NotAllowed):
        event_organization_check(actor=organizer, current_organization_id=society.pk, organization_id=club.pk)
    with pytest.raises(NotAllowed):
        event_organization_check(actor=organizer, current_organization_id=club.pk, organization_id=None)


def test_an_event_staying_where_it_is_is_no_placement_at_all(club_and_society):
    """Whether someone may edit it is the page permissions' answer (a reviewer approving another club's event)."""
    _, society = club_and_society
    reviewer = UserFactory()
    event_organization_check(actor=reviewer, current_organization_id=society.pk, organization_id=society.pk)
