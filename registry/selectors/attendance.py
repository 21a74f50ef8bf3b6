"""Reads about who came: who has earned a certificate or credits, and how check-in is going."""

from django.db.models import Count, Q, QuerySet

from ..models import Attendance, EventRecord, Registration, RegistrationStatus


def eligible_registrations(page_id: int) -> QuerySet:
    """Confirmed registrations whose attendance meets the event's rule (certificates and credits).

    Without sessions, checking in to the event is enough; with sessions, the
    share of sessions attended must reach the event's threshold.
    """
    record = EventRecord.objects.get(page_id=page_id)
    confirmed = Registration.objects.filter(page_id=page_id, status=RegistrationStatus.CONFIRMED)
    if not record.session_ids:
        return confirmed.filter(attendances__session=Attendance.WHOLE_EVENT).distinct()
    needed = -(-len(record.session_ids) * record.attendance_threshold // 100)  # ceiling
    return confirmed.annotate(
        sessions_attended=Count("attendances", filter=Q(attendances__session__in=record.session_ids), distinct=True)
    ).filter(sessions_attended__gte=max(needed, 1))


def checkin_progress(page_id: int, session: int = 0) -> dict[str, int]:
    confirmed = Registration.objects.filter(page_id=page_id, status=RegistrationStatus.CONFIRMED).count()
    checked_in = Attendance.objects.filter(registration__page_id=page_id, session=session).count()
    return {"confirmed": confirmed, "checked_in": checked_in}
