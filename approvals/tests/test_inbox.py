"""One inbox: each approver sees what waits for them, decides one or many, with reasons and history."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from approvals import inbox
from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, organizer_of, soon
from registry.services import DomainError
from registry.tests.factories import OrganizationFactory, VenueFactory

pytestmark = pytest.mark.django_db

INBOX = "/staff/inbox/"


def waiting_booking(**kwargs):
    """A request queued behind an approved booking, as `booking_request` leaves it."""
    hall = kwargs.pop("venue", None) or VenueFactory()
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    waiting = HallBookingFactory(venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, **kwargs)
    return waiting, blocker


def test_hall_admins_see_booking_conflicts_with_the_clashing_bookings_but_not_their_own(hall_admin):
    waiting, blocker = waiting_booking(title="Robot race")
    HallBookingFactory(status=BookingStatus.REQUESTED, requester=hall_admin, title="My own request")

    items = inbox.pending_for(hall_admin)

    assert [item.obj for item in items] == [waiting]
    [item] = items
    assert item.key == f"hall_booking:{waiting.pk}"
    assert "Robot race" in item.summary
    assert item.url == f"/staff/approvals/hallbooking/{waiting.pk}/change/"
    assert f"(booking #{blocker.pk})" in item.details[0]


def test_organizers_see_only_requests_for_halls_their_organization_manages():
    club = OrganizationFactory()
    organizer = organizer_of(club)
    ours, _ = waiting_booking(venue=VenueFactory(managed_by=club))
    waiting_booking(venue=VenueFactory(managed_by=OrganizationFactory()))
    waiting_booking()

    assert [item.obj for item in inbox.pending_for(organizer)] == [ours]


def test_decide_approves_many_and_reports_each_refusal(hall_admin, django_capture_on_commit_callbacks):
    free = HallBookingFactory(status=BookingStatus.REQUESTED, title="Free")
    clashing, blocker = waiting_booking(title="Clashing")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = inbox.decide(
            actor=hall_admin,
            keys=[f"hall_booking:{free.pk}", f"hall_booking:{clashing.pk}", "hall_booking:999999"],
            decision="approve",
        )

    assert [item.obj for item in outcome.done] == [free]
    assert f"(booking #{blocker.pk})" in outcome.failed[0][1]
    assert outcome.failed[1] == ("hall_booking:999999", "It no longer waits for your decision.")
    assert HallBooking.objects.get(pk=free.pk).status == BookingStatus.APPROVED
    assert [m.subject for m in mail.outbox] == ["Hall booked: Free"]


def test_rejecting_needs_a_reason(hall_admin):
    waiting, _ = waiting_booking()

    with pytest.raises(DomainError, match="Give a reason"):
        inbox.decide(actor=hall_admin, keys=[f"hall_booking:{waiting.pk}"], decision="reject", reason=" ")


def test_nobody_can_decide_their_own_request_even_by_posting_its_key(hall_admin):
    own, _ = waiting_booking(requester=hall_admin)

    outcome = inbox.decide(actor=hall_admin, keys=[f"hall_booking:{own.pk}"], decision="approve")

    assert outcome.done == []
    assert HallBooking.objects.get(pk=own.pk).status == BookingStatus.REQUESTED


def test_an_organizer_cannot_decide_for_another_organizations_hall_through_the_inbox():
    organizer = organizer_of()
    foreign, _ = waiting_booking(venue=VenueFactory(managed_by=OrganizationFactory()))

    outcome = inbox.decide(actor=organizer, keys=[f"hall_booking:{foreign.pk}"], decision="approve")

    assert outcome.failed == [(f"hall_booking:{foreign.pk}", "It no longer waits for your decision.")]
    assert HallBooking.objects.get(pk=foreign.pk).status == BookingStatus.REQUESTED


def test_a_new_kind_of_decision_is_one_registered_source(hall_admin, monkeypatch):
    """How credit claims and registrations plug in: a source with pending/approve/reject."""
    decided = []
    claim = object()
    source = inbox.DecisionSource(
        kind="credit_claim",
        label="Credit claims",
        pending=lambda user: [
            inbox.InboxItem(
                kind="credit_claim",
                pk=7,
                summary="Credit claim: 2 points, NSS camp",
                requested_by=None,
                created_at=datetime(2020, 1, 1, tzinfo=UTC),
                url="/staff/registry/creditentry/7/change/",
                obj=claim,
            )
        ],
        approve=lambda obj, actor: decided.append(("approve", obj, actor)),
        reject=lambda obj, actor, reason: decided.append(("reject", obj, reason)),
    )
    monkeypatch.setattr(inbox, "_sources", {**inbox._sources})
    inbox.register(source)
    waiting, _ = waiting_booking()

    assert [item.kind for item in inbox.pending_for(hall_admin)] == ["credit_claim", "hall_booking"]
    assert [item.obj for item in inbox.pending_for(hall_admin, kind="hall_booking")] == [waiting]
    assert [item.pk for item in inbox.pending_for(hall_admin, search="nss")] == [7]
    inbox.decide(actor=hall_admin, keys=["credit_claim:7"], decision="reject", reason="No certificate attached.")
    assert decided == [("reject", claim, "No certificate attached.")]


def test_the_inbox_page_filters_and_decides_in_bulk_with_a_reason(
    staff_client, hall_admin, django_capture_on_commit_callbacks
):
    one, _ = waiting_booking(title="Robot race")
    two, _ = waiting_booking(title="Poetry slam")
    client = staff_client(hall_admin)

    page = client.get(INBOX)
    assert page.status_code == 200
    assert b"Robot race" in page.content and b"Poetry slam" in page.content
    filtered = client.get(INBOX, {"q": "poetry"})
    assert b"Robot race" not in filtered.content and b"Poetry slam" in filtered.content

    refused = client.post(INBOX, {"decision": "reject", "items": [f"hall_booking:{one.pk}"], "reason": ""}, follow=True)
    assert b"Give a reason for the rejection" in refused.content
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            INBOX,
            {"decision": "reject", "items": [f"hall_booking:{one.pk}", f"hall_booking:{two.pk}"], "reason": "Exams."},
            follow=True,
        )

    assert b"2 item(s) rejected." in done.content
    assert b"Nothing waits for your decision" in done.content
    for booking in (one, two):
        booking.refresh_from_db()
        assert (booking.status, booking.reason, booking.decided_by) == (BookingStatus.REJECTED, "Exams.", hall_admin)
        assert booking.history.first().history_user == hall_admin
    assert sorted(m.subject for m in mail.outbox) == [
        "Hall request not approved: Poetry slam",
        "Hall request not approved: Robot race",
    ]


def test_the_inbox_needs_a_staff_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert "login" in response["Location"]
