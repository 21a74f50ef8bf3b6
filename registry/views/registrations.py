"""Registration front end: the event page's form handler, emailed links, and "My registrations"."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from .. import calendars, qr, selectors, tokens
from ..emails import registration_path
from ..forms import RegistrationForm, RegistrationLinkRequestForm, json_safe_answers
from ..models import AttendanceMode, Registration, RegistrationStatus
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
        form.renew_timer()
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
            consent=data["consent"],
            client_address=client_address(request),
        )
    except service.RateLimited:
        return render(request, "429.html", status=429)
    except service.AlreadyRegistered as exc:
        messages.info(request, f"You are already registered for this event ({exc.registration.get_status_display()}).")
        return redirect(page.url)
    except DomainError as exc:
        form.add_error(None, str(exc))
        form.renew_timer()
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


@never_cache
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
    if context["registration"].status == RegistrationStatus.CONFIRMED:
        context.update(_ticket(context["registration"]))
    return render(request, "registry/registration_confirm.html", context)


def _ticket(registration: Registration) -> dict:
    """A confirmed registration's ticket and the ways to put it in a calendar."""
    return {
        "ticket_qr": qr.svg_data_uri(checkin_token(registration), box_size=6),
        "meeting_link": selectors.meeting_link(registration),
        "calendar_url": calendars.calendar_path(registration),
        "google_calendar_url": calendars.google_calendar_url(registration),
        "registration_path": registration_path(registration),
    }


@never_cache
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


def _cancel_page(request: HttpRequest, registration: Registration, actor, back: str = "") -> HttpResponse:
    context = {"registration": registration, "event": registration.page, "back": back}
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
        registration.calendar_url = calendars.calendar_path(registration)
        registration.own_page = registration_path(registration)
        (past if is_past else upcoming).append(registration)
    past.reverse()
    return render(request, "registry/my_registrations.html", {"upcoming": upcoming, "past": past})


@login_required
@require_POST
def my_offer_accept(request: HttpRequest, code: str) -> HttpResponse:
    """Accept a seat offered from the waitlist, from My registrations."""
    registration = get_object_or_404(selectors.registrations_of(request.user), code=code)
    try:
        service.waitlist_offer_accept(registration=registration, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The seat is yours. Your ticket is below.")
    return redirect("my_registrations")


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


@never_cache
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


# --- A registration's own page, by the signed link in its emails ------------------------------------------------


class LinkExpired(tokens.LinkError):
    pass


def _registration_from_page_link(token: str) -> tuple[Registration | None, tokens.LinkHolder]:
    """The registration a genuine page link is for. The link holds no date: it works until the event's end plus
    `REGISTRATION_LINK_DAYS_AFTER_EVENT` days, so a postponed event's links last longer."""
    holder = tokens.holder(token, tokens.MANAGE)
    registration = Registration.objects.select_related("page", "page__event_record").filter(code=holder.code).first()
    if registration is not None:
        expires_at = selectors.registration_link_expires_at(registration)
        if expires_at is None or timezone.now() >= expires_at:
            raise LinkExpired("This link has expired: the event ended a while ago.")
    return registration, holder


def _link_problem(request: HttpRequest, problem: str, *, status: int) -> HttpResponse:
    """A link that cannot be used, and the way forward: ask for fresh links by email."""
    context = {"problem": problem, "request_form": RegistrationLinkRequestForm()}
    response = render(request, "registry/link_problem.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _answers_form(registration: Registration, data=None) -> forms.Form | None:
    """The event's own questions (the page supplies them), prefilled with this registration's answers."""
    page = registration.page.specific
    form_class = getattr(page, "registration_form_class", None)
    if form_class is None:
        return None
    form = form_class()(data, initial=registration.answers, prefix="answers")
    return form if form.fields else None


def _may_change_answers(registration: Registration) -> bool:
    record = registration.page.event_record
    return registration.is_active and record.starts_at > timezone.now()


@never_cache
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """Everything about one registration, for whoever holds its emailed link (guest or account holder): status,
    ticket, calendar, online link, answers, resend, cancel, accepting a waitlist offer. It signs nobody in."""
    try:
        registration, holder = _registration_from_page_link(token)
    except tokens.LinkError as exc:
        return _link_problem(request, str(exc), status=410 if isinstance(exc, LinkExpired) else 400)
    if registration is None:
        return _link_problem(request, "We could not find this registration.", status=404)
    here = request.path
    answers_form = _answers_form(registration) if _may_change_answers(registration) else None
    if request.method == "POST":
        if _over_limit(request, "registration-page"):
            return render(request, "429.html", status=429)
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                if registration.is_waitlist_offer:
                    service.waitlist_offer_accept(registration=registration, actor=holder)
                    messages.success(request, "The seat is yours. Your ticket is below.")
                else:
                    service.registration_confirm(registration=registration, actor=holder)
                    messages.success(request, "Your seat is confirmed.")
            elif action == "resend":
                service.confirmation_resend(registration=registration, actor=holder)
                messages.success(request, f"We've sent it again to {registration.email}.")
            elif action == "answers" and answers_form is not None:
                answers_form = _answers_form(registration, data=request.POST)
                if not answers_form.is_valid():
                    return _registration_page(request, registration, answers_form, status=400)
                service.registration_answers_change(
                    actor=holder, registration=registration, answers=json_safe_answers(answers_form.cleaned_data)
                )
                messages.success(request, "Your answers are saved.")
            else:
                messages.error(request, "That cannot be done here.")
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect(here)
    return _registration_page(request, registration, answers_form)


def _registration_page(request: HttpRequest, registration: Registration, answers_form, status: int = 200):
    record = registration.page.event_record
    now = timezone.now()
    context = {
        "registration": registration,
        "event": record,
        "event_url": registration.page.url,
        "is_past": record.ends_at < now,
        "position": selectors.waitlist_position(registration),
        "answers_form": answers_form,
        "calendar_url": calendars.calendar_path(registration),
        "google_calendar_url": calendars.google_calendar_url(registration),
        "cancel_url": reverse("registration_page_cancel", args=[request.resolver_match.kwargs["token"]]),
        "may_resend": registration.status in service.RESENDABLE,
        "link_expires_at": selectors.registration_link_expires_at(registration),
        "time_zone": timezone.get_current_timezone_name(),
    }
    if registration.status == RegistrationStatus.CONFIRMED and not context["is_past"]:
        context.update(_ticket(registration))
    if registration.user_id is None and not request.user.is_authenticated:
        context["signup_url"] = f"{reverse('account_signup')}?{urlencode({'email': registration.email})}"
    return render(request, "registry/registration_page.html", context, status=status)


@never_cache
def registration_page_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel from the registration's page: a question first, then the cancellation."""
    try:
        registration, holder = _registration_from_page_link(token)
    except tokens.LinkError as exc:
        return _link_problem(request, str(exc), status=410 if isinstance(exc, LinkExpired) else 400)
    if registration is None:
        return _link_problem(request, "We could not find this registration.", status=404)
    return _cancel_page(request, registration, holder, back=reverse("registration_page", args=[token]))


@never_cache
def registration_link_request(request: HttpRequest) -> HttpResponse:
    """Ask for the links to one's registrations by email. Everyone gets the same answer, whether or not the
    address has any registration; asking is rate limited per client address and per email address."""
    form = RegistrationLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.registration_links_send(email=form.cleaned_data["email"], client_address=client_address(request))
        except service.RateLimited:
            return render(request, "429.html", status=429)
        except DomainError as exc:
            form.add_error("email", str(exc))
        else:
            return render(request, "registry/registration_link_sent.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/registration_link_request.html", {"form": form}, status=status)
