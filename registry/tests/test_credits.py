"""The credit ledger: attendance earns pending points; mentors decide within category limits."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Group

from registry.models import Attendance, CreditCategory, CreditEntry, Membership, Role, StudentProfile
from registry.selectors import credit_balances
from registry.services import DomainError, NotAllowed, credits
from registry.services import registrations as service
from registry.tests.factories import OrganizationFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CreditCategory.objects.create(name="Technical", code="technical", min_points=20, max_points=30)


def attended(event, person):
    registration = service.registration_create(page=event, email=person.email, full_name="S", user=person)
    Attendance.objects.create(registration=registration)
    return registration


def student_with_mentor():
    mentor, student = UserFactory(), UserFactory()
    StudentProfile.objects.create(user=student, usn=f"USN{student.pk}", mentor=mentor)
    return student, mentor


def organizer_of(organization):
    organizer = UserFactory(in_roles=[Role.ORGANIZER])
    Membership.objects.create(user=organizer, organization=organization, role=Membership.Role.ORGANIZER)
    return organizer


def run_by_organizer(**settings):
    """An event of an organization, and an organizer of that organization."""
    organization = OrganizationFactory()
    return make_event(organization_id=organization.pk, **settings), organizer_of(organization)


def award(category, student, points=10):
    """The student attends an event worth `points`, and its organizer awards its credits."""
    event, organizer = run_by_organizer(credit_category_id=category.pk, credit_points=points)
    attended(event, student)
    credits.credits_award_for_event(page_id=event.pk, actor=organizer)
    return event


def test_attendance_meeting_the_rule_creates_one_pending_entry(category):
    student, _ = student_with_mentor()
    absentee = UserFactory()
    event, organizer = run_by_organizer(credit_category_id=category.pk, credit_points=10)
    attended(event, student)
    service.registration_create(page=event, email=absentee.email, full_name="A", user=absentee)

    assert credits.credits_award_for_event(page_id=event.pk, actor=organizer) == 1
    assert credits.credits_award_for_event(page_id=event.pk, actor=organizer) == 0
    entry = CreditEntry.objects.get()
    assert (entry.user, entry.points, entry.status) == (student, 10, CreditEntry.Status.PENDING)


def test_only_the_events_organizers_and_staff_admins_award_its_credits(category):
    student, mentor = student_with_mentor()
    event, organizer = run_by_organizer(credit_category_id=category.pk, credit_points=10)
    attended(event, student)
    staff_admin = UserFactory(in_roles=[Role.STAFF_ADMIN])

    for outsider in (None, AnonymousUser(), student, mentor, organizer_of(OrganizationFactory())):
        with pytest.raises(NotAllowed, match="Only organizers of this event's organization and staff admins"):
            credits.credits_award_for_event(page_id=event.pk, actor=outsider)
    assert not CreditEntry.objects.exists()

    assert credits.credits_award_for_event(page_id=event.pk, actor=staff_admin) == 1


def test_the_sweep_awards_pending_points_once_after_the_event_ends(category):
    student, _ = student_with_mentor()
    event = make_event(credit_category_id=category.pk, credit_points=4)
    elsewhere = make_event(title="No credits here")
    attended(event, student)
    attended(elsewhere, student)

    before_the_end = credits.credits_award_due()
    with time_machine.travel(event.ends_at + timedelta(minutes=5), tick=False):
        first, again = credits.credits_award_due(), credits.credits_award_due()

    assert (before_the_end, first, again) == (0, 1, 0)
    entry = CreditEntry.objects.get(user=student)
    assert (entry.points, entry.status, entry.registration.page_id) == (4, CreditEntry.Status.PENDING, event.pk)


def test_the_mentor_approves_and_the_balance_shows_it(category):
    student, mentor = student_with_mentor()
    award(category, student)

    credits.credit_decide(entry=CreditEntry.objects.get(), actor=mentor, approve=True)

    [balance] = credit_balances(student)
    assert (balance["approved"], balance["pending"], balance["still_needed"], balance["room_left"]) == (10, 0, 10, 20)


def test_approval_cannot_exceed_the_category_maximum(category):
    student, mentor = student_with_mentor()
    for _ in range(3):
        award(category, student, points=12)
    first, second, third = CreditEntry.objects.order_by("pk")
    credits.credit_decide(entry=first, actor=mentor, approve=True)
    credits.credit_decide(entry=second, actor=mentor, approve=True)

    with pytest.raises(DomainError, match="exceed the Technical limit of 30 points \\(24 already approved\\)"):
        credits.credit_decide(entry=third, actor=mentor, approve=True)

    third.refresh_from_db()
    assert third.status == CreditEntry.Status.PENDING


def test_only_the_mentor_or_a_staff_admin_decides_and_never_on_their_own(category):
    student, mentor = student_with_mentor()
    award(category, student)
    entry = CreditEntry.objects.get()
    stranger = UserFactory()
    staff_admin = UserFactory()
    staff_admin.groups.add(Group.objects.get(name=Role.STAFF_ADMIN))

    another_mentor = UserFactory(in_roles=[Role.MENTOR])

    for outsider in (stranger, another_mentor, AnonymousUser()):
        with pytest.raises(NotAllowed, match="mentor or a staff admin"):
            credits.credit_decide(entry=entry, actor=outsider, approve=True)
    with pytest.raises(NotAllowed, match="your own"):
        credits.credit_decide(entry=entry, actor=student, approve=True)
    with pytest.raises(DomainError, match="reason") as missing_reason:
        credits.credit_decide(entry=entry, actor=mentor, approve=False)
    assert not isinstance(missing_reason.value, NotAllowed), "the mentor may decide; the reason is what is missing"
    entry.refresh_from_db()
    assert entry.status == CreditEntry.Status.PENDING

    decided = credits.credit_decide(entry=entry, actor=staff_admin, approve=False, reason="Duplicate claim")
    assert decided.status == CreditEntry.Status.REJECTED and decided.decided_by == staff_admin
    assert decided.history.latest().history_type == "~"


def test_a_person_sees_their_balance_and_history(client, category):
    from registry.tests.factories import PASSWORD

    student, mentor = student_with_mentor()
    award(category, student, points=12)
    credits.credit_decide(entry=CreditEntry.objects.get(), actor=mentor, approve=True)
    award(category, student, points=5)
    client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})

    html = client.get("/credits/").content.decode()

    assert (
        '<th scope="row">Technical</th><td data-label="Approved">12</td><td data-label="Awaiting approval">5</td>'
        '<td data-label="Still needed">8</td><td data-label="Room left">18</td>'
    ) in html
    assert html.count("Attended Workshop") == 2
