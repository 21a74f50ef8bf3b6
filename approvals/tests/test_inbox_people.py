"""The inbox also holds mentors' credit claims and organizers' registration approvals."""

import pytest
from django.core import mail

from approvals import inbox
from registry.actors import SYSTEM
from registry.models import (
    Attendance,
    CreditCategory,
    CreditEntry,
    Registration,
    RegistrationStatus,
    Role,
    StudentProfile,
)
from registry.services import credits
from registry.services import registrations as registration_services
from registry.tests.factories import MembershipFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db

INBOX = "/staff/inbox/"


def mentee_with_claim(mentor, points=10):
    category = CreditCategory.objects.get_or_create(name="Technical", code="technical", defaults={"max_points": 15})[0]
    student = UserFactory()
    StudentProfile.objects.create(user=student, usn=f"USN{student.pk}", mentor=mentor)
    event = make_event(credit_category_id=category.pk, credit_points=points)
    registration = registration_services.registration_create(
        page=event, email=student.email, full_name="S", user=student
    )
    Attendance.objects.create(registration=registration)
    credits.credits_award_for_event(page_id=event.pk, actor=SYSTEM)
    return CreditEntry.objects.get(user=student)


def test_a_mentor_sees_only_their_mentees_claims_and_approves_them_in_bulk(staff_client, role_groups):
    mentor = UserFactory(is_staff=True, in_roles=["mentor"])
    mine = mentee_with_claim(mentor, points=5)
    also_mine = mentee_with_claim(mentor, points=5)
    someone_elses = mentee_with_claim(UserFactory())
    client = staff_client(mentor)

    assert [item.obj for item in inbox.pending_for(mentor)] == [mine, also_mine]
    page = client.get(INBOX)
    assert page.status_code == 200 and b"Technical points" in page.content
    client.post(INBOX, {"decision": "approve", "items": [f"credit_claim:{mine.pk}", f"credit_claim:{also_mine.pk}"]})

    statuses = dict(CreditEntry.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: "approved", also_mine.pk: "approved", someone_elses.pk: "pending"}


def test_category_limits_are_enforced_when_a_mentor_approves_from_the_inbox(role_groups):
    mentor = UserFactory(is_staff=True, in_roles=["mentor"])
    first = mentee_with_claim(mentor, points=10)
    second = CreditEntry.objects.create(user=first.user, category=first.category, points=10, description="Hackathon")

    outcome = inbox.decide(
        actor=mentor, keys=[f"credit_claim:{first.pk}", f"credit_claim:{second.pk}"], decision="approve"
    )

    assert [item.obj for item in outcome.done] == [first]
    assert "exceed the Technical limit of 15 points" in outcome.failed[0][1]


def test_organizers_decide_registrations_of_their_own_organizations_events(django_capture_on_commit_callbacks):
    ours = MembershipFactory(user=UserFactory(in_roles=[Role.ORGANIZER]))
    theirs = MembershipFactory(user=UserFactory(in_roles=[Role.ORGANIZER]))
    our_event = make_event(title="Members' night", organization_id=ours.organization_id, requires_approval=True)
    their_event = make_event(organization_id=theirs.organization_id, requires_approval=True)
    applicant = UserFactory()
    ours_pending = registration_services.registration_create(
        page=our_event, email=applicant.email, full_name="Applicant", user=applicant
    )
    registration_services.registration_create(page=their_event, email=applicant.email, full_name="A", user=applicant)

    assert [item.obj for item in inbox.pending_for(ours.user)] == [ours_pending]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = inbox.decide(
            actor=ours.user,
            keys=[f"registration:{ours_pending.pk}"],
            decision="reject",
            reason="Members only this time.",
        )

    ours_pending.refresh_from_db()
    assert outcome.failed == []
    assert [item.obj for item in outcome.done] == [ours_pending]
    assert ours_pending.status == RegistrationStatus.REJECTED
    assert mail.outbox[-1].subject == "Registration not approved: Members' night"
    assert "Members only this time." in mail.outbox[-1].body
    foreign = Registration.objects.get(page_id=their_event.pk)
    refused = inbox.decide(actor=ours.user, keys=[f"registration:{foreign.pk}"], decision="approve")
    assert refused.failed == [(f"registration:{foreign.pk}", "It no longer waits for your decision.")]
