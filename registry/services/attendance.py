"""Check-in: one answer per scan, and never two admissions for one registration and session."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Attendance, EventRecord, Registration, RegistrationStatus, User

CHECKIN_SALT = "registry.checkin"


class Outcome:
    CHECKED_IN = "checked_in"
    ALREADY = "already_checked_in"
    WRONG_EVENT = "wrong_event"
    WRONG_SESSION = "wrong_session"
    EXPIRED = "expired"
    NOT_CONFIRMED = "not_confirmed"
    UNKNOWN = "unknown"
    FORGED = "forged"


@dataclass(frozen=True)
class CheckInResult:
    outcome: str
    message: str
    registration: Registration | None = None
    attendance: Attendance | None = None

    @property
    def admitted(self) -> bool:
        return self.outcome == Outcome.CHECKED_IN


def checkin_token(registration: Registration) -> str:
    """What the QR code holds: the registration code, signed so a made-up code is refused."""
    return signing.Signer(salt=CHECKIN_SALT).sign(registration.code)


def _code_from(scanned: str) -> str | None:
    """A QR scan carries `CODE:signature`; a person may also type the bare printed code."""
    scanned = scanned.strip()
    if ":" in scanned:
        try:
            return signing.Signer(salt=CHECKIN_SALT).unsign(scanned)
        except signing.BadSignature:
            return None
    return scanned.upper().replace(" ", "").replace("-", "")


def check_in(
    *,
    page_id: int,
    scanned: str,
    actor: User | None,
    session: int = Attendance.WHOLE_EVENT,
    method: str = Attendance.Method.SCAN,
) -> CheckInResult:
    """Admit the holder of `scanned` to an event (or one of its sessions), or say exactly why not.

    Door scans close a while after the event ends (a ticket is not a pass for ever); an attendance
    sheet uploaded afterwards (`Method.UPLOAD`) still records who came.
    """
    code = _code_from(scanned)
    if code is None:
        return CheckInResult(Outcome.FORGED, "This code has been tampered with or was not issued by us.")
    try:
        registration = Registration.objects.get(code=code)
    except Registration.DoesNotExist:
        return CheckInResult(Outcome.UNKNOWN, "No registration has this code.")
    if registration.page_id != page_id:
        other = EventRecord.objects.filter(page_id=registration.page_id).values_list("title", flat=True).first()
        return CheckInResult(Outcome.WRONG_EVENT, f"This registration is for another event: {other}.", registration)
    ends_at, session_ids = EventRecord.objects.values_list("ends_at", "session_ids").get(page_id=page_id)
    if session != Attendance.WHOLE_EVENT and session not in session_ids:
        return CheckInResult(Outcome.WRONG_SESSION, "That session does not belong to this event.", registration)
    closes_at = ends_at + timedelta(minutes=settings.CHECKIN_CLOSES_AFTER_END_MINUTES)
    if method != Attendance.Method.UPLOAD and timezone.now() > closes_at:
        ended = timezone.localtime(ends_at).strftime("%d %b %Y at %H:%M")
        return CheckInResult(Outcome.EXPIRED, f"This ticket has expired: the event ended on {ended}.", registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        return CheckInResult(
            Outcome.NOT_CONFIRMED,
            f"Not admitted: this registration is {registration.get_status_display().lower()}.",
            registration,
        )
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                registration=registration, session=session, checked_in_by=actor, method=method
            )
    except IntegrityError:
        attendance = Attendance.objects.select_related("checked_in_by").get(registration=registration, session=session)
        when = timezone.localtime(attendance.checked_in_at).strftime("%H:%M on %d %b")
        by = f" by {attendance.checked_in_by}" if attendance.checked_in_by else ""
        return CheckInResult(Outcome.ALREADY, f"Already checked in at {when}{by}.", registration, attendance)
    return CheckInResult(Outcome.CHECKED_IN, f"Welcome, {registration.full_name}!", registration, attendance)
