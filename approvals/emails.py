"""Telling requesters: what a booking's new state, or a recurring request, means for them (`registry.services.messages`
decides the channels and keeps the log), and the emails for them (text + HTML from templates/approvals/email/)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from registry.models import Message, MessageKind
from registry.services.messages import notify

from .models import BookingSeries, BookingStatus, HallBooking

SUBJECTS = {
    BookingStatus.APPROVED: "Hall booked: {title}",
    BookingStatus.REQUESTED: "Hall request waiting for approval: {title}",
    BookingStatus.REJECTED: "Hall request not approved: {title}",
    BookingStatus.CANCELLED: "Hall booking cancelled: {title}",
}


def _email(template: str, subject: str, context: dict) -> EmailMultiAlternatives:
    context = {**context, "site_name": "Convene", "bookings_url": f"{settings.SITE_URL}{reverse('approvals:list')}"}
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"approvals/email/{template}.txt", context))
    message.attach_alternative(render_to_string(f"approvals/email/{template}.html", context), "text/html")
    return message


def booking_state_tell(*, booking_id: int, history_id: int) -> bool:
    """Tell the requester about one recorded state of their booking, once."""
    record = HallBooking.history.filter(history_id=history_id, id=booking_id).first()
    booking = HallBooking.objects.filter(pk=booking_id).select_related("requester").first()
    if record is None or booking is None:
        return False
    written = notify(
        kind=MessageKind.BOOKING_DECIDED,
        template="booking",
        subject=SUBJECTS[record.status].format(title=record.title),
        recipient=booking.requester,
        body=record.queue_note if record.status == BookingStatus.REQUESTED else record.reason,
        url=reverse("approvals:list"),
        about=f"booking:{booking_id}",
        data={"history_id": history_id},
        once_key=f"booking:{history_id}",
    )
    return bool(written)


def series_summary_tell(*, series_id: int) -> bool:
    series = BookingSeries.objects.filter(pk=series_id).select_related("requester").first()
    if series is None:
        return False
    written = notify(
        kind=MessageKind.BOOKING_DECIDED,
        template="series",
        subject=f"Recurring hall request: {series.title}",
        recipient=series.requester,
        url=reverse("approvals:list"),
        about=f"series:{series_id}",
        once_key=f"series:{series_id}",
    )
    return bool(written)


def render_booking(message: Message) -> EmailMultiAlternatives:
    booking_id = int(message.about.partition(":")[2])
    record = HallBooking.history.filter(history_id=message.data["history_id"], id=booking_id).select_related("venue")
    return _email("booking", message.subject, {"booking": record.get(), "requester": message.recipient})


def render_series(message: Message) -> EmailMultiAlternatives:
    series = BookingSeries.objects.get(pk=int(message.about.partition(":")[2]))
    occurrences = list(series.occurrences.select_related("venue").order_by("starts_at"))
    context = {
        "series": series,
        "occurrences": occurrences,
        "approved": sum(o.status == BookingStatus.APPROVED for o in occurrences),
        "waiting": sum(o.status == BookingStatus.REQUESTED for o in occurrences),
        "requester": message.recipient,
    }
    return _email("series", message.subject, context)
