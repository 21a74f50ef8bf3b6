"""Telling requesters: an email (text + HTML from templates/approvals/email/) and an in-app notification, once each."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from registry.models import Notification

from .models import BookingSeries, BookingStatus, HallBooking, SentNotice

SUBJECTS = {
    BookingStatus.APPROVED: "Hall booked: {title}",
    BookingStatus.REQUESTED: "Hall request waiting for approval: {title}",
    BookingStatus.REJECTED: "Hall request not approved: {title}",
    BookingStatus.CANCELLED: "Hall booking cancelled: {title}",
}


def _message(template: str, subject: str, to: str, context: dict) -> EmailMultiAlternatives:
    context = {**context, "site_name": "Convene", "bookings_url": f"{settings.SITE_URL}{reverse('approvals:list')}"}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"approvals/email/{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"approvals/email/{template}.html", context), "text/html")
    return message


def booking_state_send_once(*, booking_id: int, history_id: int) -> bool:
    """Send the email for one recorded state of a booking, unless it was sent before."""
    record = HallBooking.history.filter(history_id=history_id, id=booking_id).select_related("venue").first()
    booking = HallBooking.objects.filter(pk=booking_id).select_related("requester").first()
    if record is None or booking is None:
        return False
    with transaction.atomic():
        _, created = SentNotice.objects.get_or_create(key=f"booking:{history_id}")
        if not created:
            return False
        subject = SUBJECTS[record.status].format(title=record.title)
        Notification.objects.create(
            user=booking.requester,
            title=subject,
            body=record.queue_note if record.status == BookingStatus.REQUESTED else record.reason,
            url=reverse("approvals:list"),
        )
        _message(
            "booking", subject, booking.requester.email, {"booking": record, "requester": booking.requester}
        ).send()
    return True


def series_summary_send_once(*, series_id: int) -> bool:
    series = BookingSeries.objects.filter(pk=series_id).select_related("requester").first()
    if series is None:
        return False
    with transaction.atomic():
        _, created = SentNotice.objects.get_or_create(key=f"series:{series_id}")
        if not created:
            return False
        occurrences = list(series.occurrences.select_related("venue").order_by("starts_at"))
        context = {
            "series": series,
            "occurrences": occurrences,
            "approved": sum(o.status == BookingStatus.APPROVED for o in occurrences),
            "waiting": sum(o.status == BookingStatus.REQUESTED for o in occurrences),
            "requester": series.requester,
        }
        _message("series", f"Recurring hall request: {series.title}", series.requester.email, context).send()
    return True
