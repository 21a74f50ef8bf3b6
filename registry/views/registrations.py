"""Registration front end: the event page's form handler, emailed links, and "My registrations"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from .. import calendars, qr, selectors, tokens
from ..forms import RegistrationForm
from ..models import AttendanceMode, Registration
from ..security import client_address
from ..services import DomainError
from ..services import registrations as service
from ..services.attendance import checkin_token


def _over_limit(request: HttpRequest, group: str, email: str = "") -> bool:
    """Check every window (minute, hour, day) per client address and per email address; any one exceeded blocks."""
    limits = settings.REGISTRATION_RATE_LIMITS
    checks = [(client_address(request), rate) for rate in limits["ip"]]
    if email:
        checks += [(email.lower(), rate) for rate in limits["email"]]
    return any(
        is_ratelimited(request, group=f"{group}:{index}", key=lambda _g, _r, v=value: v, rate=rate, increment=True)
        for index, (value, rate) in enumerate(checks)
    )


def registration_form(request: HttpRequest, *, page, extra_fields: dict, data=None) -> RegistrationForm:
    return RegistrationForm(
        data,
        extra_fields=extra_fields,
        user=request.user,
        hybrid=page.attendance_mode == AttendanceMode.HYBRID,
    )


def handle_registration(request: HttpRequest, *, page, form: RegistrationForm) -> HttpResponse | None:
    """Process a submitted registration form; None means "re-render the page with the form's errors"."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        submission = service.registration_submit(
            actor=request.user,
            page=page,
            full_name=data["full_name"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            attendance_mode=data.get("attendance_mode") or "",
            answers=form.answers(),
            client_address=client_address(request),
        )
    except service.RateLimited:
        return render(request, "429.html", status=429)
    except service.AlreadyRegistered as exc:
        messages.info(request, f"You are already registered for this event ({exc.registration.get_status_display()}).")
        return redirect(page.url)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None
    if submission.is_guest:
        return _guest_check_inbox(request, page, data["email"])
    messages.success(request, _status_message(submission.registration))
    return redirect(page.url)


def _guest_check_inbox(request: HttpRequest, page, email: str) -> HttpResponse:
    return render(request, "registry/registration_check_inbox.html", {"page": page, "email": email})


def _status_message(registration: Registration) -> str:
    position = selectors.waitlist_position(registration)
    return {
        "confirmed": "You're registered. We've emailed your confirmation.",
        "pending": "Thanks! The organizers approve each registration; we'll email you their decision.",
        "waitlisted": (
            f"The event is full, so you're on the waitlist at position {position}. We'll email you if a seat opens."
        ),
        "awaiting_confirmation": "Check your email to confirm your seat.",
    }.get(registration.status, registration.get_status_display())


def _registration_from_link(token: str, action: str, max_age: int | None):
    """The registration a genuine link is for, and the link's holder, who may act on it."""
    holder = tokens.holder(token, action, max_age_seconds=max_age)
    return Registration.objects.select_related("page").filter(code=holder.code).first(), holder


def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""
    try:
        # Long enough for a waitlist offer; the hold's own deadline is checked by the service.
        registration, holder = _registration_from_link(
            token, "confirm", max_age=settings.WAITLIST_OFFER_HOURS * 3600 + 3600
        )
    except tokens.LinkError as exc:
        return render(request, "registry/link_problem.html", {"problem": str(exc)}, status=400)
    if registration is None:
        return render(
            request, "registry/link_problem.html", {"problem": "We could not find this registration."}, status=404
        )
    context = {"registration": registration, "event": registration.page}
    if request.method == "POST":
        if _over_limit(request, "confirm"):
            return render(request, "429.html", status=429)
        try:
            registration = service.registration_confirm(registration=registration, actor=holder)
        except DomainError as exc:
            return render(request, "registry/link_problem.html", {"problem": str(exc), **context}, status=409)
        context["registration"] = registration
        context["done"] = True
    return render(request, "registry/registration_confirm.html", context)


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration, holder = _registration_from_link(token, "cancel", max_age=None)
    except tokens.LinkError as exc:
        return render(request, "registry/link_problem.html", {"problem": str(exc)}, status=400)
    if registration is None:
        return render(
            request, "registry/link_problem.html", {"problem": "We could not find this registration."}, status=404
        )
    return _cancel_page(request, registration, holder)


def _cancel_page(request: HttpRequest, registration: Registration, actor) -> HttpResponse:
    context = {"registration": registration, "event": registration.page}
    if request.method == "POST":
        try:
            context["registration"] = service.registration_cancel(registration=registration, actor=actor)
        except DomainError as exc:
            return render(request, "registry/link_problem.html", {"problem": str(exc), **context}, status=409)
        context["done"] = True
    return render(request, "registry/registration_cancel.html", context)


@login_required
def my_registration_cancel(request: HttpRequest, code: str) -> HttpResponse:
    registration = get_object_or_404(selectors.registrations_of(request.user), code=code)
    return _cancel_page(request, registration, request.user)


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming, past = [], []
    for registration in selectors.registrations_of(request.user):
        registration.position = selectors.waitlist_position(registration)
        record = getattr(registration.page, "event_record", None)
        is_past = record is None or record.ends_at < now
        if not is_past and registration.status == "confirmed":
            registration.ticket_qr = qr.svg_data_uri(checkin_token(registration), box_size=6)
            registration.meeting_link = selectors.meeting_link(registration)
        registration.calendar_url = calendars.calendar_url(registration)
        (past if is_past else upcoming).append(registration)
    past.reverse()
    return render(request, "registry/my_registrations.html", {"upcoming": upcoming, "past": past})


@login_required
@require_POST
def resend_confirmation(request: HttpRequest, code: str) -> HttpResponse:
    registration = get_object_or_404(selectors.registrations_of(request.user), code=code)
    if _over_limit(request, "resend", request.user.email):
        return render(request, "429.html", status=429)
    try:
        service.confirmation_resend(registration=registration, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "We've sent the confirmation link again.")
    return redirect("my_registrations")


def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own calendar file, from the signed link in their emails or on My registrations."""
    try:
        registration, _ = _registration_from_link(token, "calendar", max_age=None)
    except tokens.LinkError as exc:
        return render(request, "registry/link_problem.html", {"problem": str(exc)}, status=400)
    if registration is None:
        return render(
            request, "registry/link_problem.html", {"problem": "We could not find this registration."}, status=404
        )
    response = HttpResponse(calendars.registrant_calendar(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registration.code}.ics"'
    return response
