"""Hall bookings: first choice, second choice or the queue; decisions; validation; emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals import emails, services
from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, organizer_of, soon
from registry.models import EventRecord, Membership, Message
from registry.services import DomainError
from registry.tests.factories import MembershipFactory, OrganizationFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer():
    return organizer_of(email="omar@example.org")


@pytest.fixture
def club(organizer):
    return organizer.organizations.get()


def request(organizer, club, venue, secondary=None, start=None, hours=2, **kwargs):
    start = start or soon(7, 10)
    return services.booking_request(
        requester=organizer,
        organization=club,
        title=kwargs.pop("title", "Hack night"),
        primary_venue=venue,
        secondary_venue=secondary,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        attendees=kwargs.pop("attendees", 50),
        **kwargs,
    )


def test_a_free_first_choice_is_approved_at_once_and_the_requester_is_emailed(
    organizer, club, django_capture_on_commit_callbacks
):
    hall = VenueFactory(name="Seminar Hall 1")

    with django_capture_on_commit_callbacks(execute=True):
        booking = request(organizer, club, hall)

    assert booking.status == BookingStatus.APPROVED
    assert booking.venue == hall
    assert "approved automatically" in booking.reason
    assert [m.subject for m in mail.outbox] == ["Hall booked: Hack night"]
    assert mail.outbox[0].to == ["omar@example.org"]
    [notice] = Message.objects.filter(recipient=organizer, channel=Message.Channel.IN_APP)
    assert (notice.subject, notice.url) == ("Hall booked: Hack night", "/bookings/")
    [logged] = Message.objects.filter(recipient=organizer, channel=Message.Channel.EMAIL)
    assert (logged.status, logged.address, logged.kind) == ("sent", "omar@example.org", "booking_decided")
    assert "Seminar Hall 1" in mail.outbox[0].body
    assert "Seminar Hall 1" in mail.outbox[0].alternatives[0][0]


def test_a_taken_first_choice_falls_back_to_the_free_second_choice(organizer, club):
    first, second = VenueFactory(), VenueFactory(name="Seminar Hall 2")
    HallBookingFactory(venue=first, primary_venue=first, starts_at=soon(7, 9), ends_at=soon(7, 11))

    booking = request(organizer, club, first, second)

    assert (booking.status, booking.venue, booking.primary_venue) == (BookingStatus.APPROVED, second, first)


def test_when_both_halls_are_taken_the_request_waits_with_every_conflict_listed(
    organizer, club, django_capture_on_commit_callbacks
):
    first, second = VenueFactory(name="Seminar Hall 1"), VenueFactory(name="Seminar Hall 2")
    clash_one = HallBookingFactory(venue=first, primary_venue=first, starts_at=soon(7, 9), ends_at=soon(7, 11))
    clash_two = HallBookingFactory(venue=second, primary_venue=second, starts_at=soon(7, 11), ends_at=soon(7, 13))

    with django_capture_on_commit_callbacks(execute=True):
        booking = request(organizer, club, first, second)

    assert booking.status == BookingStatus.REQUESTED
    assert booking.venue == first
    assert "Seminar Hall 1 is already booked from" in booking.queue_note
    assert f"(booking #{clash_one.pk})" in booking.queue_note
    assert "Seminar Hall 2 is already booked from" in booking.queue_note
    assert f"(booking #{clash_two.pk})" in booking.queue_note
    assert mail.outbox[0].subject == "Hall request waiting for approval: Hack night"
    assert "Why it waits" in mail.outbox[0].body


def test_touching_bookings_do_not_clash_and_waiting_requests_block_nothing(organizer, club):
    hall = VenueFactory()
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 8), ends_at=soon(7, 10))
    HallBookingFactory(venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, starts_at=soon(7, 10))

    assert request(organizer, club, hall, start=soon(7, 10)).status == BookingStatus.APPROVED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours": 0}, "The booking has no length"),
        ({"hours": -1}, "The booking ends before it starts"),
        ({"start": timezone.now() - timedelta(hours=3)}, "Bookings cannot start in the past."),
        ({"attendees": 101}, "holds 100 people; 101 are expected."),
        ({"attendees": 0}, "Expected attendees must be at least 1."),
        ({"hours": 24 * 15}, "at most 14 days"),
        ({"title": "   "}, "Say what the hall is for."),
    ],
)
def test_bad_requests_get_clear_errors_and_write_nothing(organizer, club, change, message):
    hall = VenueFactory(capacity=100)

    with pytest.raises(DomainError, match=message):
        request(organizer, club, hall, **change)

    assert not HallBooking.objects.exists()
    assert not HallBooking.history.exists()


def test_inactive_or_repeated_halls_are_refused(organizer, club):
    closed, open_hall = VenueFactory(name="Old Hall", is_active=False), VenueFactory()

    with pytest.raises(DomainError, match="Old Hall is not available for booking."):
        request(organizer, club, closed)
    with pytest.raises(DomainError, match="Choose a different hall as the second choice"):
        request(organizer, club, open_hall, open_hall)


def test_only_organizers_of_the_organization_can_request_for_it(club):
    member = MembershipFactory(organization=club, role=Membership.Role.MEMBER).user
    outsider = organizer_of()

    with pytest.raises(DomainError, match=f"Only organizers of {club.name} can book halls for it."):
        request(member, club, VenueFactory())
    with pytest.raises(DomainError, match=f"Only organizers of {club.name}"):
        request(outsider, club, VenueFactory())
    with pytest.raises(DomainError, match="Choose the organization you are booking for."):
        request(outsider, None, VenueFactory())


def test_a_hall_admin_approves_a_waiting_request_and_the_decision_is_kept_in_history(
    organizer, club, hall_admin, django_capture_on_commit_callbacks
):
    hall = VenueFactory()
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    waiting = request(organizer, club, hall)
    blocker.status = BookingStatus.CANCELLED
    blocker.save()

    with django_capture_on_commit_callbacks(execute=True):
        approved = services.booking_approve(booking=waiting, actor=hall_admin)

    assert (approved.status, approved.decided_by) == (BookingStatus.APPROVED, hall_admin)
    assert approved.decided_at is not None
    latest = approved.history.first()
    assert (latest.status, latest.decided_by_id) == (BookingStatus.APPROVED, hall_admin.pk)
    assert mail.outbox[-1].subject == "Hall booked: Hack night"


def test_approval_is_refused_while_it_would_overlap_an_approved_booking(organizer, club, hall_admin):
    hall = VenueFactory(name="Seminar Hall 1")
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    waiting = request(organizer, club, hall)

    with pytest.raises(DomainError, match=rf"Seminar Hall 1 is already booked from .* \(booking #{blocker.pk}\)"):
        services.booking_approve(booking=waiting, actor=hall_admin)

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.REQUESTED


def test_an_admin_can_approve_a_waiting_request_into_another_free_hall(organizer, club, hall_admin):
    hall, other = VenueFactory(), VenueFactory(capacity=20)
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    waiting = request(organizer, club, hall, attendees=30)

    with pytest.raises(DomainError, match="holds 20 people; 30 are expected"):
        services.booking_approve(booking=waiting, actor=hall_admin, venue=other)
    other.capacity = 40
    other.save()
    assert services.booking_approve(booking=waiting, actor=hall_admin, venue=other).venue == other


def test_reject_needs_a_reason_and_tells_the_requester(organizer, club, hall_admin, django_capture_on_commit_callbacks):
    hall = VenueFactory()
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    waiting = request(organizer, club, hall)

    with pytest.raises(DomainError, match="Give a reason"):
        services.booking_reject(booking=waiting, actor=hall_admin, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reject(booking=waiting, actor=hall_admin, reason="Exams week: the hall is closed.")

    waiting.refresh_from_db()
    assert (waiting.status, waiting.reason, waiting.decided_by) == (
        BookingStatus.REJECTED,
        "Exams week: the hall is closed.",
        hall_admin,
    )
    assert mail.outbox[-1].subject == "Hall request not approved: Hack night"
    assert "Exams week: the hall is closed." in mail.outbox[-1].body
    assert Message.objects.filter(recipient=organizer, body="Exams week: the hall is closed.").exists()
    with pytest.raises(DomainError, match="is rejected; only waiting requests can be approved"):
        services.booking_approve(booking=waiting, actor=hall_admin)


def test_nobody_decides_on_their_own_request(hall_admin):
    hall = VenueFactory()
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    own = request(hall_admin, None, hall)

    with pytest.raises(DomainError, match="You cannot decide on your own request"):
        services.booking_approve(booking=own, actor=hall_admin)
    with pytest.raises(DomainError, match="You cannot decide on your own request"):
        services.booking_reject(booking=own, actor=hall_admin, reason="no")


def test_an_organizer_decides_only_for_halls_their_organization_manages(organizer, club):
    other_club = OrganizationFactory()
    their_hall = VenueFactory(managed_by=club)
    foreign_hall = VenueFactory(managed_by=other_club, name="Robotics Lab")
    requester = organizer_of(other_club)
    for hall in (their_hall, foreign_hall):
        HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    in_their_hall = request(requester, other_club, their_hall)
    in_foreign_hall = request(requester, other_club, foreign_hall)
    HallBooking.objects.filter(title__startswith="Booking").update(status=BookingStatus.CANCELLED)

    with pytest.raises(DomainError, match="only decide on bookings for halls your organization manages, not Robotics"):
        services.booking_approve(booking=in_foreign_hall, actor=organizer)
    assert services.booking_approve(booking=in_their_hall, actor=organizer).status == BookingStatus.APPROVED


def test_cancel_releases_the_hall_and_is_limited_to_the_requester_their_organizers_and_admins(
    organizer, club, hall_admin, django_capture_on_commit_callbacks
):
    hall = VenueFactory()
    booking = request(organizer, club, hall)
    stranger = organizer_of()

    with pytest.raises(DomainError, match="Only the requester"):
        services.booking_cancel(booking=booking, actor=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, actor=hall_admin, reason="Hall under repair.")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert mail.outbox[-1].subject == "Hall booking cancelled: Hack night"
    assert request(organizer, club, hall).status == BookingStatus.APPROVED
    with pytest.raises(DomainError, match="already cancelled"):
        services.booking_cancel(booking=booking, actor=organizer)


def test_the_requester_is_told_about_each_state_once(organizer, club, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = request(organizer, club, VenueFactory())
    history_id = booking.history.first().history_id

    with django_capture_on_commit_callbacks(execute=True):
        assert emails.booking_state_tell(booking_id=booking.pk, history_id=history_id) is False
    assert len(mail.outbox) == 1
    assert Message.objects.filter(once_key=f"booking:{history_id}").count() == 2, "one email, one in-app notice"


# --- recurring requests ---------------------------------------------------


def test_series_preview_reports_each_clashing_occurrence_and_the_hall_each_free_one_gets(organizer, club):
    first, second = VenueFactory(name="Lab 101"), VenueFactory(name="Innovation Hub")
    start = soon(7, 16)
    clash_first = HallBookingFactory(
        venue=first,
        primary_venue=first,
        starts_at=start + timedelta(weeks=1),
        ends_at=start + timedelta(weeks=1, hours=1),
    )
    HallBookingFactory(
        venue=first,
        primary_venue=first,
        starts_at=start + timedelta(weeks=2),
        ends_at=start + timedelta(weeks=2, hours=1),
    )
    clash_second = HallBookingFactory(
        venue=second,
        primary_venue=second,
        starts_at=start + timedelta(weeks=2),
        ends_at=start + timedelta(weeks=2, hours=3),
    )

    preview = services.series_preview(
        primary_venue=first,
        secondary_venue=second,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        frequency="weekly",
        until=timezone.localdate(start) + timedelta(weeks=3),
        attendees=20,
    )

    assert [o.day for o in preview] == [timezone.localdate(start) + timedelta(weeks=n) for n in range(4)]
    assert [o.venue for o in preview] == [first, second, None, first]
    assert preview[1].conflicts == []
    assert clash_first not in preview[2].conflicts
    assert clash_second in preview[2].conflicts and len(preview[2].conflicts) == 2
    assert preview[2].clashes


def test_weekly_series_on_chosen_weekdays_daily_and_monthly_dates():
    start = timezone.make_aware(timezone.datetime(2031, 1, 6, 9))  # a Monday
    end = start + timedelta(hours=1)

    weekly = services.series_dates(
        starts_at=start, ends_at=end, frequency="weekly", weekdays=[0, 3], until=start.date() + timedelta(days=10)
    )
    daily = services.series_dates(
        starts_at=start, ends_at=end, frequency="daily", until=start.date() + timedelta(days=2)
    )
    monthly = services.series_dates(
        starts_at=start, ends_at=end, frequency="monthly", until=start.date() + timedelta(days=70)
    )

    assert [s.strftime("%a %d") for s, _ in weekly] == ["Mon 06", "Thu 09", "Mon 13", "Thu 16"]
    assert len(daily) == 3
    assert [s.strftime("%d %b") for s, _ in monthly] == ["06 Jan", "06 Feb", "06 Mar"]
    assert all(e - s == timedelta(hours=1) for s, e in weekly + daily + monthly)
    with pytest.raises(DomainError, match="at most 200 occurrences"):
        services.series_dates(starts_at=start, ends_at=end, frequency="daily", until=start.date() + timedelta(days=400))
    with pytest.raises(DomainError, match="must end on or after the first day"):
        services.series_dates(starts_at=start, ends_at=end, frequency="daily", until=start.date() - timedelta(days=1))


def test_series_request_skips_chosen_dates_and_places_each_occurrence_by_the_usual_rules(
    organizer, club, django_capture_on_commit_callbacks
):
    hall = VenueFactory()
    start = soon(7, 16)
    HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=1)
    )
    skipped = timezone.localdate(start) + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        series = services.series_request(
            requester=organizer,
            organization=club,
            title="DSA practice",
            primary_venue=hall,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            frequency="daily",
            until=timezone.localdate(start) + timedelta(days=3),
            attendees=20,
            skip=[skipped],
        )

    statuses = [(timezone.localdate(b.starts_at), b.status) for b in series.occurrences.order_by("starts_at")]
    day = timezone.localdate(start)
    assert statuses == [
        (day, BookingStatus.APPROVED),
        (day + timedelta(days=1), BookingStatus.REQUESTED),
        (day + timedelta(days=3), BookingStatus.APPROVED),
    ]
    assert series.skipped == [skipped.isoformat()]
    assert [m.subject for m in mail.outbox] == ["Recurring hall request: DSA practice"]
    assert "2 approved, 1 waiting" in mail.outbox[0].body


def test_a_series_whose_every_date_is_skipped_or_past_writes_nothing(organizer, club):
    hall = VenueFactory()
    start = soon(7, 16)
    kwargs = dict(
        requester=organizer,
        organization=club,
        title="DSA",
        primary_venue=hall,
        ends_at=start + timedelta(hours=1),
        frequency="daily",
        attendees=5,
    )

    with pytest.raises(DomainError, match="Every occurrence was skipped"):
        services.series_request(
            starts_at=start, until=timezone.localdate(start), skip=[timezone.localdate(start)], **kwargs
        )
    past = timezone.now() - timedelta(days=2)
    with pytest.raises(DomainError, match="cannot start in the past"):
        services.series_request(
            starts_at=past, until=timezone.localdate(start), **{**kwargs, "ends_at": past + timedelta(hours=1)}
        )

    assert not HallBooking.objects.exists()
    from approvals.models import BookingSeries

    assert not BookingSeries.objects.exists()


# --- event pages (duck-typed stand-in) -----------------------------------


class Sessions(list):
    def all(self):
        return self


class EventStandIn:
    """What `event_bookings_sync` reads from a cms.EventPage."""

    def __init__(self, page, venue, starts_at, ends_at, sessions=(), organization=None, capacity=None):
        self.pk, self.title = page.pk, page.title
        self.venue, self.starts_at, self.ends_at = venue, starts_at, ends_at
        self.sessions, self.organization, self.capacity = Sessions(sessions), organization, capacity


class SessionStandIn:
    def __init__(self, pk, room, starts_at, ends_at, title="Track"):
        self.pk, self.room, self.starts_at, self.ends_at, self.title = pk, room, starts_at, ends_at, title


@pytest.fixture
def page():
    from wagtail.models import Page

    root = Page.get_first_root_node()
    return root.add_child(instance=Page(title="Tech fest", slug="tech-fest"))


def test_an_event_books_its_hall_and_its_sessions_rooms_moves_them_and_releases_them(page, organizer, club):
    hall, room = VenueFactory(name="Main Auditorium", capacity=500), VenueFactory(name="Lab 101", capacity=60)
    start = soon(10, 9)
    event = EventStandIn(
        page,
        hall,
        start,
        start + timedelta(hours=8),
        sessions=[
            SessionStandIn(1, room, start + timedelta(hours=1), start + timedelta(hours=2)),
            SessionStandIn(2, hall, start + timedelta(hours=3), start + timedelta(hours=4)),  # inside the event's own
        ],
        organization=club,
        capacity=300,
    )

    services.event_bookings_sync(page=event, actor=organizer)

    bookings = {b.page_part: b for b in HallBooking.objects.filter(page_id=page.pk)}
    assert set(bookings) == {"event", "session:1"}
    assert (bookings["event"].venue, bookings["event"].attendees, bookings["event"].status) == (
        hall,
        300,
        BookingStatus.APPROVED,
    )
    assert bookings["session:1"].title == "Tech fest — Track"
    assert bookings["session:1"].attendees == 60

    services.event_bookings_sync(page=event, actor=organizer)
    assert HallBooking.objects.filter(page_id=page.pk).count() == 2, "republishing unchanged keeps the bookings"

    blocker_start = start + timedelta(days=1)
    HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=blocker_start, ends_at=blocker_start + timedelta(hours=2)
    )
    event.starts_at, event.ends_at = blocker_start, blocker_start + timedelta(hours=8)
    event.sessions = Sessions()
    services.event_bookings_sync(page=event, actor=organizer)

    moved = HallBooking.objects.get(pk=bookings["event"].pk)
    assert (moved.starts_at, moved.status) == (blocker_start, BookingStatus.REQUESTED)
    assert "Main Auditorium is already booked" in moved.queue_note
    assert moved.history.count() >= 2
    assert HallBooking.objects.get(pk=bookings["session:1"].pk).status == BookingStatus.CANCELLED

    EventRecord.objects.create(
        page=page, title=page.title, starts_at=event.starts_at, ends_at=event.ends_at, is_cancelled=True
    )
    services.event_bookings_sync(page=event, actor=organizer)
    assert not HallBooking.objects.filter(page_id=page.pk, status__in=["requested", "approved"]).exists()


def test_releasing_an_unpublished_event_frees_its_future_bookings(page, organizer, club):
    hall = VenueFactory()
    event = EventStandIn(page, hall, soon(5, 9), soon(5, 12), organization=club)
    services.event_bookings_sync(page=event, actor=organizer)

    assert services.event_bookings_release(page=event, actor=None, reason="Unpublished.") == 1
    booking = HallBooking.objects.get(page_id=page.pk)
    assert (booking.status, booking.reason) == (BookingStatus.CANCELLED, "Unpublished.")


def test_organization_is_optional_only_for_hall_admins_and_events(page, hall_admin):
    booking = request(hall_admin, None, VenueFactory())
    assert booking.organization is None
    event = EventStandIn(page, VenueFactory(), soon(3, 9), soon(3, 10))
    assert services.event_bookings_sync(page=event, actor=UserFactory())[0].organization is None
