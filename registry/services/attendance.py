"""Check-in: one answer per scan, and never two admissions for one registration and session."""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..actors import person
from ..models import Attendance, EventRecord, Registration, RegistrationStatus, User
from ..selectors.scope import manages_event
from .errors import DomainError
from .guards import require_event_manager

CHECKIN_SALT = "registry.checkin"


class Outcome:
    CHECKED_IN = "checked_in"
    ALREADY = "already_checked_in"
    TOO_EARLY = "too_early"
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


def _refusal(
    registration: Registration, *, actor, page_id: int, session: int, method: str, event
) -> CheckInResult | None:
    """Why this registration cannot be admitted to this event and session now, or None: the door's rules.

    `event` is the `(starts_at, ends_at, session_ids)` of the event's record. The door opens
    CHECKIN_OPENS_BEFORE_START_MINUTES before the start (for attendance sheets too: a check-in counts towards
    certificates and credits) and closes CHECKIN_CLOSES_AFTER_END_MINUTES after the end (sheets excepted).
    """
    if registration.page_id != page_id:
        if not manages_event(actor, registration.page_id):
            return CheckInResult(Outcome.WRONG_EVENT, "This ticket is for another event.")
        other = EventRecord.objects.filter(page_id=registration.page_id).values_list("title", flat=True).first()
        return CheckInResult(Outcome.WRONG_EVENT, f"This registration is for another event: {other}.", registration)
    starts_at, ends_at, session_ids = event
    if session != Attendance.WHOLE_EVENT and session not in session_ids:
        return CheckInResult(Outcome.WRONG_SESSION, "That session does not belong to this event.", registration)
    opens_at = starts_at - timedelta(minutes=settings.CHECKIN_OPENS_BEFORE_START_MINUTES)
    if timezone.now() < opens_at:
        opens = timezone.localtime(opens_at).strftime("%H:%M on %d %b %Y")
        return CheckInResult(Outcome.TOO_EARLY, f"Too early: check-in opens at {opens}.", registration)
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
    return None


def _already(registration: Registration, attendance: Attendance) -> CheckInResult:
    when = timezone.localtime(attendance.checked_in_at).strftime("%H:%M on %d %b")
    by = f" by {attendance.checked_in_by}" if attendance.checked_in_by else ""
    method = f" ({attendance.get_method_display().lower()})" if attendance.method != Attendance.Method.SCAN else ""
    return CheckInResult(Outcome.ALREADY, f"Already checked in at {when}{by}{method}.", registration, attendance)


def _event(page_id: int) -> tuple:
    return EventRecord.objects.values_list("starts_at", "ends_at", "session_ids").get(page_id=page_id)


def check_in(
    *,
    page_id: int,
    scanned: str,
    actor: User,
    session: int = Attendance.WHOLE_EVENT,
    method: str = Attendance.Method.SCAN,
) -> CheckInResult:
    """Admit the holder of `scanned` to an event (or one of its sessions), or say exactly why not.

    Only the event's organizers (and staff admins) check people in. Door scans close a while after the
    event ends (a ticket is not a pass for ever); an attendance sheet uploaded afterwards (`Method.UPLOAD`)
    still records who came. A ticket for an event the actor does not run says only that.
    """
    require_event_manager(actor, page_id, permission="registry.add_attendance", doing="check people in")
    code = _code_from(scanned)
    if code is None:
        return CheckInResult(Outcome.FORGED, "This code has been tampered with or was not issued by us.")
    try:
        registration = Registration.objects.get(code=code)
    except Registration.DoesNotExist:
        return CheckInResult(Outcome.UNKNOWN, "No registration has this code.")
    event = _event(page_id) if registration.page_id == page_id else None
    refusal = _refusal(registration, actor=actor, page_id=page_id, session=session, method=method, event=event)
    if refusal is not None:
        return refusal
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                registration=registration, session=session, checked_in_by=person(actor), method=method
            )
    except IntegrityError:
        attendance = Attendance.objects.select_related("checked_in_by").get(registration=registration, session=session)
        return _already(registration, attendance)
    return CheckInResult(Outcome.CHECKED_IN, f"Welcome, {registration.full_name}!", registration, attendance)


@dataclass
class SheetRow:
    """One line of an attendance sheet: who (by code or email) and which session; what checking in would do."""

    code: str = ""
    name: str = ""
    email: str = ""
    session: int = Attendance.WHOLE_EVENT
    outcome: str = ""

    @property
    def pk(self) -> str | None:
        return f"{self.code}:{self.session}" if self.code else None

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.code

    def __deepcopy__(self, memo) -> "SheetRow":
        return replace(self)


class AttendanceSheet:
    """An attendance sheet for one event, checked line by line with the door's rules and written by `check_in`.

    A line whose person is already checked in for that session is left as it is (a door check-in is never
    overwritten); lines naming nobody at this event, someone not confirmed or a session the event does not
    have are errors. The event's registrations and check-ins are read once per sheet.
    """

    def __init__(self, *, actor, page_id: int):
        require_event_manager(actor, page_id, permission="registry.add_attendance", doing="upload its attendance")
        self.actor, self.page_id = actor, page_id
        self.event = _event(page_id)
        registrations = list(Registration.objects.filter(page_id=page_id))
        self.by_code = {registration.code: registration for registration in registrations}
        active = [r for r in registrations if r.is_active or r.status == RegistrationStatus.CONFIRMED]
        self.by_email = {registration.email.lower(): registration for registration in active}
        self.checked_in = {
            (attendance.registration_id, attendance.session): attendance
            for attendance in Attendance.objects.filter(registration__page_id=page_id).select_related("checked_in_by")
        }
        self.seen: dict[tuple[int, int], int] = {}
        self.accepted: list[tuple[Registration, int]] = []

    def _registration(self, code: str, email: str) -> Registration | None:
        if code:
            return self.by_code.get(_code_from(code) or "")
        return self.by_email.get(email)

    def finds(self, code: str, email: str) -> Registration | None:
        """The registration at this event a line names (by code, else by email), or None."""
        return self._registration(code, email.lower())

    def current(self, code: str, email: str, session: int) -> SheetRow | None:
        """The line as it already stands (the person checked in for that session), or None."""
        registration = self._registration(code, email)
        attendance = self.checked_in.get((registration.pk, session)) if registration else None
        if attendance is None:
            return None
        return SheetRow(
            registration.code,
            registration.full_name,
            registration.email,
            session,
            _already(registration, attendance).message,
        )

    def check(self, number: int, code: str, email: str, session: str, row: SheetRow) -> str | None:
        """Fill `row` from the line; returns what is wrong with it, or None when checking in would admit them."""
        if not (code or email):
            return "Give the person's registration code or email address."
        registration = self._registration(code, email)
        if registration is None:
            if code and Registration.objects.filter(code=_code_from(code) or "").exists():
                return f"{code} is a registration for another event."
            return f"Nobody at this event has the {'code' if code else 'email address'} {code or email}."
        if not session.isdigit():
            return f"Session {session!r} is not a session of this event."
        row.code, row.name, row.email, row.session = (
            registration.code,
            registration.full_name,
            registration.email,
            int(session),
        )
        refusal = _refusal(
            registration,
            actor=self.actor,
            page_id=self.page_id,
            session=row.session,
            method=Attendance.Method.UPLOAD,
            event=self.event,
        )
        if refusal is not None:
            return refusal.message
        key = (registration.pk, row.session)
        if key in self.checked_in:
            row.outcome = _already(registration, self.checked_in[key]).message
            return None
        if key in self.seen:
            return f"{registration.full_name} is already on row {self.seen[key]} for this session."
        self.seen[key] = number
        row.outcome = "Will be checked in"
        return None

    def accept(self, row: SheetRow) -> None:
        registration = self.by_code[row.code]
        if (registration.pk, row.session) not in self.checked_in:
            self.accepted.append((registration, row.session))

    def apply(self) -> int:
        """Check in every accepted line through `check_in`; returns how many were admitted."""
        admitted = 0
        with transaction.atomic():
            for registration, session in self.accepted:
                result = check_in(
                    page_id=self.page_id,
                    scanned=registration.code,
                    actor=self.actor,
                    session=session,
                    method=Attendance.Method.UPLOAD,
                )
                admitted += result.admitted
        return admitted


@dataclass(frozen=True)
class PreviewLine:
    """One line of an attendance sheet as the control room previews it: who, which session, what would happen.

    `state` is "new" (ticking it checks them in), "already" (checked in before: left as it is), "problem"
    (someone at this event the door would not admit, or a line repeated) or "unknown" (nobody at this event).
    """

    number: int
    code: str
    name: str
    email: str
    session: int
    what: str
    state: str

    @property
    def choice(self) -> str:
        """What the preview's tick box sends back to commit this line."""
        return f"{self.code}:{self.session}"


def attendance_sheet_preview(*, actor, page_id: int, lines: list[tuple[str, str, str]]) -> list[PreviewLine]:
    """What checking in each `(code, email, session)` line would do, with the door's rules; writes nothing."""
    sheet = AttendanceSheet(actor=actor, page_id=page_id)
    preview = []
    for number, (code, email, session) in enumerate(lines, start=1):
        row = SheetRow(code=code, email=email)
        problem = sheet.check(number, code, email, session, row)
        if problem is None:
            already = row.outcome != "Will be checked in"
            state = "already" if already else "new"
        else:
            found = sheet.finds(code, email)
            state = "unknown" if found is None else "problem"
            if found is not None and not row.name:
                row.code, row.name, row.email = found.code, found.full_name, found.email
        preview.append(
            PreviewLine(
                number=number,
                code=row.code or code,
                name=row.name,
                email=row.email or email,
                session=row.session if session.isdigit() else -1,  # -1: not a session of this event
                what=problem or row.outcome,
                state=state,
            )
        )
    return preview


def attendance_sheet_commit(*, actor, page_id: int, chosen: list[tuple[str, int]]) -> int:
    """Check in the chosen `(code, session)` lines of a previewed sheet, all or none; returns how many were admitted.

    Each line is checked again with the door's rules: if any chosen line would now be refused, nothing is written
    and the error says which. A line whose person was checked in meanwhile (at the door) is left as it is.
    """
    sheet = AttendanceSheet(actor=actor, page_id=page_id)
    if not chosen:
        raise DomainError("Tick the rows to check in.")
    for number, (code, session) in enumerate(chosen, start=1):
        row = SheetRow()
        problem = sheet.check(number, code, "", str(session), row)
        if problem is not None:
            raise DomainError(f"Nothing was checked in: {problem}")
        sheet.accept(row)
    admitted = 0
    with transaction.atomic():
        for registration, session in sheet.accepted:
            result = check_in(
                page_id=page_id,
                scanned=registration.code,
                actor=actor,
                session=session,
                method=Attendance.Method.UPLOAD,
            )
            if result.outcome not in (Outcome.CHECKED_IN, Outcome.ALREADY):
                raise DomainError(f"Nothing was checked in: {registration.full_name}: {result.message}")
            admitted += result.admitted
    return admitted
