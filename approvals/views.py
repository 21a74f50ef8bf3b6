"""Organizer pages on the public site: their bookings, a request form with a recurrence preview, free halls."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from registry.models import Organization
from registry.selectors import managed_organization_ids
from registry.services import DomainError

from . import selectors, services
from .forms import AvailabilityForm, BookingRequestForm
from .models import BookingStatus


def organizer_required(view):
    """Signed-in organizers (or hall admins) only; the view receives the organizations they may book for."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if selectors.is_hall_admin(request.user):
            organizations = Organization.objects.filter(is_active=True)
        else:
            organizations = Organization.objects.filter(pk__in=managed_organization_ids(request.user))
        if not organizations.exists():
            return render(request, "approvals/not_organizer.html", status=403)
        return view(request, organizations, *args, **kwargs)

    return wrapper


@organizer_required
def booking_list(request, organizations):
    bookings = selectors.bookings_visible_to(request.user).filter(organization__in=organizations).order_by("-starts_at")
    page = Paginator(bookings, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/booking_list.html", {"page_obj": page, "bookings": page.object_list})


def _form_kwargs(form: BookingRequestForm) -> dict:
    data = form.cleaned_data
    return {
        "organization": data["organization"],
        "title": data["title"],
        "primary_venue": data["primary_venue"],
        "secondary_venue": data["secondary_venue"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "attendees": data["attendees"],
        "description": data["description"],
    }


def _recurrence(form: BookingRequestForm) -> dict:
    data = form.cleaned_data
    return {"frequency": data["frequency"], "until": data["until"], "weekdays": data["weekdays"]}


def _request_single(request, form):
    booking = services.booking_request(requester=request.user, **_form_kwargs(form))
    if booking.status == BookingStatus.APPROVED:
        messages.success(
            request, f"Booked: {booking.venue.name}, {services.when(booking.starts_at)} (booking #{booking.pk})."
        )
    else:
        messages.warning(request, f"Your request #{booking.pk} waits for a hall admin. {booking.queue_note}")
    return redirect("approvals:list")


def _request_series(request, form):
    skip = [day for day in map(parse_date, request.POST.getlist("skip")) if day]
    series = services.series_request(requester=request.user, skip=skip, **_form_kwargs(form), **_recurrence(form))
    occurrences = list(series.occurrences.all())
    approved = sum(b.status == BookingStatus.APPROVED for b in occurrences)
    messages.success(
        request,
        f"Requested {len(occurrences)} occurrence(s) of {series.title}: {approved} approved, "
        f"{len(occurrences) - approved} waiting for a hall admin.",
    )
    return redirect("approvals:list")


@organizer_required
def booking_new(request, organizations):
    form = BookingRequestForm(request.POST or None, organizations=organizations, initial=request.GET.dict())
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if not form.repeats:
                return _request_single(request, form)
            if "confirm" in request.POST:
                return _request_series(request, form)
            kwargs = _form_kwargs(form)
            preview = services.series_preview(
                primary_venue=kwargs["primary_venue"],
                secondary_venue=kwargs["secondary_venue"],
                starts_at=kwargs["starts_at"],
                ends_at=kwargs["ends_at"],
                attendees=kwargs["attendees"],
                **_recurrence(form),
            )
        except DomainError as error:
            form.add_error(None, str(error))
    status = 400 if form.errors else 200
    return render(request, "approvals/booking_form.html", {"form": form, "preview": preview}, status=status)


@require_POST
@organizer_required
def booking_cancel(request, organizations, pk: int):
    booking = get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)
    try:
        services.booking_cancel(booking=booking, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Booking #{booking.pk} cancelled; the hall is free again.")
    return redirect("approvals:list")


@organizer_required
def availability(request, organizations):
    form = AvailabilityForm(request.GET or None)
    halls = None
    if form.is_valid():
        halls = list(
            selectors.halls_available(
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                attendees=form.cleaned_data["attendees"],
            )
        )
    return render(request, "approvals/availability.html", {"form": form, "halls": halls})
