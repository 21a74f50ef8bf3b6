from datetime import timedelta
from types import SimpleNamespace

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import Membership, Organization, RegistrableEvent, Role, User, Venue

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def in_roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in extracted])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """allauth refuses to log in people whose address is unverified. Runs last, so it saves."""
        if not create:
            return
        self.save()
        if extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    is_staff = True
    in_roles = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: user.groups.add(Group.objects.get(name=Role.STAFF_ADMIN))
    )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = Organization.Kind.CLUB


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ORGANIZER


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Hall {n}")
    code = factory.Sequence(lambda n: f"hall-{n}")
    capacity = 100
    building = "Main Block"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffFactory)
    name = "phone"
    confirmed = True


class EventStandIn(SimpleNamespace):
    """A registrable event for registry tests: a real Wagtail page row plus the mixin's settings.

    Registry services are duck-typed on `RegistrableEvent`, so registry's
    tests do not need the cms app's EventPage.
    """

    attendance_mode = RegistrableEvent.attendance_mode


def page_tree_root():
    """Wagtail's root page, rebuilt (with the default locale) after a transactional test flushed the tables."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root")


def make_event(*, published: bool = True, cancelled: bool = False, **settings) -> EventStandIn:
    """A registrable event; `published` makes registry's record of it, as publishing the page does, and
    `cancelled` has its organizers cancel it after that."""
    from wagtail.models import Page

    from registry.actors import SYSTEM
    from registry.services.events import event_cancel
    from registry.services.registrations import event_record_sync

    now = timezone.now()
    root = page_tree_root()
    page = root.add_child(instance=Page(title=settings.pop("title", "Workshop"), slug=f"event-{Page.objects.count()}"))
    defaults = {
        "pk": page.pk,
        "title": page.title,
        "url": page.url,
        "starts_at": now + timedelta(days=7),
        "ends_at": now + timedelta(days=7, hours=3),
        "capacity": 10,
        "registration_opens_at": None,
        "registration_closes_at": None,
        "waitlist_enabled": True,
        "requires_approval": False,
        "organization_id": None,
        "venue_id": None,
        "online_url": "",
        "attendance_threshold": 75,
        "credit_category_id": None,
        "credit_points": 0,
        "issue_certificates_automatically": False,
    }
    defaults.update(settings)
    event = EventStandIn(**defaults)
    if published:
        event_record_sync(page=event)
    if cancelled:
        event_cancel(page_id=event.pk, actor=SYSTEM)
    return event


def signed_in(client, user, *, second_factor: bool = True):
    """`client` with a session as after the login page and, for staff, the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user, backend="registry.backends.AuthenticationBackend")
    if second_factor:
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written straight to the table, for tests whose subject is what comes after registering."""

    class Meta:
        model = "registry.Registration"

    page_id = factory.LazyFunction(lambda: make_event().pk)
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")
    full_name = factory.Faker("name")
    status = "confirmed"
    code = factory.Sequence(lambda n: f"R{n:09d}")
    confirmed_at = factory.LazyFunction(timezone.now)


def make_event_at_the_door(**settings) -> EventStandIn:
    """An event starting within the hour: people may still register, and the door is already open for check-in."""
    now = timezone.now()
    return make_event(**{"starts_at": now + timedelta(minutes=30), "ends_at": now + timedelta(hours=3), **settings})


class NoticeFactory(factory.django.DjangoModelFactory):
    """An in-app notice already delivered to a person, for tests whose subject is reading it."""

    class Meta:
        model = "registry.Message"

    recipient = factory.SubFactory(UserFactory)
    kind = "booking_decided"
    template = "booking"
    channel = "in_app"
    subject = factory.Sequence(lambda n: f"Notice {n}")
    status = "sent"
    sent_at = factory.LazyFunction(timezone.now)
