from datetime import timedelta

import factory
from django.utils import timezone

from approvals.models import BookingStatus, HallBooking
from registry.models import Membership
from registry.tests.factories import MembershipFactory, OrganizationFactory, UserFactory, VenueFactory


def soon(days: int = 7, hour: int = 10) -> timezone.datetime:
    """A local time `days` from today at `hour`:00, always in the future."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time().replace(hour=hour)))


def organizer_of(organization=None, **user_kwargs):
    """A person who organizes `organization` (a new one if not given)."""
    membership = MembershipFactory(
        user=UserFactory(**user_kwargs),
        organization=organization or OrganizationFactory(),
        role=Membership.Role.ORGANIZER,
    )
    return membership.user


class HallBookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the table (tests of rules go through the services)."""

    class Meta:
        model = HallBooking

    requester = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Booking {n}")
    primary_venue = factory.SubFactory(VenueFactory)
    venue = factory.SelfAttribute("primary_venue")
    starts_at = factory.LazyFunction(lambda: soon(7, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    attendees = 30
    status = BookingStatus.APPROVED
