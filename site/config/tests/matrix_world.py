"""The people and records the permission matrix visits: two organizations, A and B, and one of everything of A's."""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from wagtail.models import Collection, Site, Task, Workflow

from approvals.models import BookingSeries, Frequency
from approvals.tests.factories import HallBookingFactory
from cms.tests import factories as cms_factories
from registry.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    CreditCategory,
    CreditEntry,
    EventRecord,
    Facility,
    Membership,
    MentorProfile,
    Message,
    OrganizerRequest,
    Registration,
    RegistrationStatus,
    Role,
    StudentProfile,
)
from registry.tests.factories import MembershipFactory, OrganizationFactory, UserFactory, VenueFactory

ROLES = (
    "anonymous",
    "attendee",
    "mentor",
    "organizer_a",
    "organizer_b",
    "editor",
    "staff_without_second_factor",
    "staff_admin",
)
# Unique strings that appear only in organization A's records: a page showing one has shown A's data.
A_SECRET_EMAIL = "a-only-person@a-secret.example"
A_SECRET_NAME = "Zenobia Azimuth"


@dataclass
class World:
    people: dict
    objects: dict = field(default_factory=dict)


def _in_group(user, name: str):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def build() -> World:
    org_a = OrganizationFactory(name="Organization A", slug="organization-a")
    org_b = OrganizationFactory(name="Organization B", slug="organization-b")
    attendee = _in_group(UserFactory(email="attendee@matrix.example"), Role.ATTENDEE)
    mentor = _in_group(UserFactory(email="mentor@matrix.example", is_staff=True), Role.MENTOR)
    MentorProfile.objects.create(user=mentor, employee_id="EMP-M")
    organizer_a = _in_group(UserFactory(email="organizer.a@matrix.example", is_staff=True), Role.ORGANIZER)
    organizer_b = _in_group(UserFactory(email="organizer.b@matrix.example", is_staff=True), Role.ORGANIZER)
    MembershipFactory(user=organizer_a, organization=org_a, role=Membership.Role.ORGANIZER)
    MembershipFactory(user=organizer_b, organization=org_b, role=Membership.Role.ORGANIZER)
    editor = _in_group(_in_group(UserFactory(email="editor@matrix.example"), "Editors"), "Moderators")
    staff = Group.objects.get(name=Role.STAFF_ADMIN)
    staff_without = UserFactory(email="staff.nofactor@matrix.example", is_staff=True)
    staff_without.groups.add(staff)
    staff_admin = UserFactory(email="staff.admin@matrix.example", is_staff=True)
    staff_admin.groups.add(staff)
    people = {
        "anonymous": None,
        "attendee": attendee,
        "mentor": mentor,
        "organizer_a": organizer_a,
        "organizer_b": organizer_b,
        "editor": editor,
        "staff_without_second_factor": staff_without,
        "staff_admin": staff_admin,
    }

    hall = VenueFactory(name="Hall A", code="hall-a", managed_by=org_a)
    page = cms_factories.event("A's workshop", organization=org_a, starts_in=-timedelta(hours=1), capacity=50)
    mentee = UserFactory(email=A_SECRET_EMAIL, first_name="Zenobia", last_name="Azimuth")
    membership = MembershipFactory(user=mentee, organization=org_a, role=Membership.Role.MEMBER)
    category = CreditCategory.objects.create(name="Technical", code="technical")
    profile = StudentProfile.objects.create(user=mentee, usn="1AA00001", mentor=mentor)
    registration = Registration.objects.create(
        page_id=page.pk,
        user=mentee,
        email=A_SECRET_EMAIL,
        full_name=A_SECRET_NAME,
        status=RegistrationStatus.CONFIRMED,
        code="AAAAAAAAAA",
        confirmed_at=timezone.now(),
    )
    registration.full_name = f"{A_SECRET_NAME} "  # a second version, so history has something to compare
    registration.save()
    attendance = Attendance.objects.create(registration=registration, checked_in_by=organizer_a)
    template = CertificateTemplate.objects.filter(is_default=True).first() or CertificateTemplate.objects.create(
        name="Default", html="<p>{{ name }}</p>", is_default=True
    )
    certificate = Certificate.objects.create(
        registration=registration,
        code="CERTAAAAAAAA",
        holder_name=A_SECRET_NAME,
        event_title=page.title,
        event_starts_at=page.starts_at,
        event_ends_at=page.ends_at,
        issuer=org_a.name,
        template=template,
    )
    batch = CertificateBatch.objects.create(page_id=page.pk, requested_by=organizer_a, total=1, done=1)
    entry = CreditEntry.objects.create(
        user=mentee, category=category, points=3, registration=registration, description=f"Attended {page.title}"
    )
    series = BookingSeries.objects.create(
        requester=organizer_a,
        organization=org_a,
        title=f"{A_SECRET_NAME}'s weekly club",
        frequency=Frequency.WEEKLY,
        first_starts_at=timezone.now() + timedelta(days=10),
        first_ends_at=timezone.now() + timedelta(days=10, hours=1),
        until=timezone.localdate() + timedelta(days=40),
    )
    booking = HallBookingFactory(
        requester=organizer_a, organization=org_a, primary_venue=hall, title=f"{A_SECRET_NAME}'s hall night"
    )
    facility = Facility.objects.create(name="Projector")
    certificate.pdf.save("CERTAAAAAAAA.pdf", ContentFile(b"%PDF-1.7 A's certificate"), save=True)
    attempt = AccessAttempt.objects.create(username=A_SECRET_EMAIL, ip_address="203.0.113.9", failures_since_start=2)
    log = AccessLog.objects.create(username=A_SECRET_EMAIL, ip_address="203.0.113.9")
    failure = AccessFailureLog.objects.create(username=A_SECRET_EMAIL, ip_address="203.0.113.9")
    token = OutstandingToken.objects.create(user=mentee, jti="a" * 32, token="t", expires_at=timezone.now())
    objects = {
        "registry.attendance": attendance,
        "registry.certificatetemplate": template,
        "registry.certificate": certificate,
        "registry.certificatebatch": batch,
        "registry.creditcategory": category,
        "registry.creditentry": entry,
        "registry.user": mentee,
        "registry.organization": org_a,
        "registry.membership": membership,
        "registry.studentprofile": profile,
        "registry.mentorprofile": mentor.mentor_profile,
        "registry.facility": facility,
        "registry.message": Message.objects.filter(registration=registration).first()
        or Message.objects.create(
            recipient=mentee,
            address=A_SECRET_EMAIL,
            kind="registration",
            template="confirmed",
            channel="email",
            subject="You're registered",
            registration=registration,
            page_id=page.pk,
        ),
        "registry.organizerrequest": OrganizerRequest.objects.create(
            user=mentee, organization=org_a, message="I would like to run the hack nights."
        ),
        "registry.venue": hall,
        "registry.eventrecord": EventRecord.objects.get(page_id=page.pk),
        "registry.registration": registration,
        "approvals.hallbooking": booking,
        "approvals.bookingseries": series,
        "page": page,
        "auth.group": Group.objects.get(name=Role.ATTENDEE),
        "cms.speaker": cms_factories.speaker("Speaker of A"),
        "wagtailcore.workflow": Workflow.objects.first(),
        "wagtailcore.task": Task.objects.first(),
        "wagtailcore.collection": Collection.get_first_root_node(),
        "wagtailcore.site": Site.objects.get(is_default_site=True),
        "axes.accessattempt": attempt,
        "axes.accesslog": log,
        "axes.accessfailurelog": failure,
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=mentee, name="phone"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=mentee, name="codes"),
        "account.emailaddress": EmailAddress.objects.get(user=mentee),
        "token_blacklist.outstandingtoken": token,
        "token_blacklist.blacklistedtoken": BlacklistedToken.objects.create(token=token),
    }
    return World(people=people, objects=objects)


def snapshot(world: World) -> dict:
    """Every record of the world as stored now, and how many rows each of their tables has."""
    state = {}
    for label, obj in world.objects.items():
        model = type(obj)
        row = model._default_manager.filter(pk=obj.pk).values().first()
        state[label] = (row, model._default_manager.count())
    return state
