"""Back-office pages beyond the change list: a hall's week, the utilization report and the approval inbox."""

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from registry.models import Venue
from registry.services import DomainError

from . import inbox, selectors
from .forms import InboxDecisionForm
from .models import HallBooking

DAY_STARTS, DAY_ENDS, SLOT_MINUTES = 7, 22, 30
SLOTS = (DAY_ENDS - DAY_STARTS) * 60 // SLOT_MINUTES


@dataclass(frozen=True)
class CalendarBlock:
    booking: HallBooking
    column: int  # CSS grid column (1 is the time labels)
    row_start: int  # CSS grid rows (1 is the day headers)
    row_end: int
    shows_details: bool


def _can_view(request) -> None:
    if not request.user.has_perm("approvals.view_hallbooking") and not selectors.is_hall_admin(request.user):
        raise PermissionDenied


def _week_param(request) -> date:
    chosen = parse_date(request.GET.get("week") or "") or timezone.localdate()
    return selectors.week_start_of(chosen)


def _blocks(bookings, week_start: date, user) -> list[CalendarBlock]:
    visible = set(
        selectors.bookings_visible_to(user).filter(pk__in=[b.pk for b in bookings]).values_list("pk", flat=True)
    )
    blocks = []
    for booking in bookings:
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            day_from = timezone.make_aware(datetime.combine(day, time(DAY_STARTS)))
            day_to = timezone.make_aware(datetime.combine(day, time(DAY_ENDS)))
            seg_from, seg_to = max(booking.starts_at, day_from), min(booking.ends_at, day_to)
            if seg_to <= seg_from:
                continue
            first = int((seg_from - day_from).total_seconds() // (SLOT_MINUTES * 60))
            last = -int(-(seg_to - day_from).total_seconds() // (SLOT_MINUTES * 60))
            blocks.append(CalendarBlock(booking, offset + 2, first + 2, last + 2, booking.pk in visible))
    return blocks


def hall_calendar(request, venue_id: int | None = None):
    """One hall's week as a server-rendered grid: approved bookings solid, waiting requests hatched."""
    _can_view(request)
    halls = list(Venue.objects.filter(is_active=True).order_by("name"))
    if venue_id is None:
        if not halls:
            raise PermissionDenied("No halls yet.")
        return redirect("admin:approvals_hallbooking_calendar", venue_id=halls[0].pk)
    venue = get_object_or_404(Venue, pk=venue_id)
    week_start = _week_param(request)
    bookings = list(selectors.hall_week(venue=venue, week_start=week_start))
    days = [week_start + timedelta(days=n) for n in range(7)]
    per_hour = 60 // SLOT_MINUTES
    hours = [(DAY_STARTS + n, n * per_hour + 2) for n in range(DAY_ENDS - DAY_STARTS)]  # (hour, its first grid row)
    context = {
        **admin.site.each_context(request),
        "title": f"{venue.name}: week of {week_start:%d %b %Y}",
        "opts": HallBooking._meta,
        "venue": venue,
        "halls": halls,
        "days": [(day, n + 2) for n, day in enumerate(days)],
        "hours": hours,
        "slots": SLOTS,
        "blocks": _blocks(bookings, week_start, request.user),
        "bookings": bookings,
        "week_start": week_start,
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
    }
    return TemplateResponse(request, "admin/approvals/hallbooking/calendar.html", context)


def utilization_report(request):
    """Approved hours per hall per week, as bars and as CSV (`?format=csv`)."""
    _can_view(request)
    try:
        weeks = min(max(int(request.GET.get("weeks", 8)), 1), 52)
    except ValueError:
        weeks = 8
    first_week = selectors.week_start_of(
        parse_date(request.GET.get("from") or "") or timezone.localdate() - timedelta(weeks=weeks // 2)
    )
    report = selectors.utilization(weeks=weeks, first_week=first_week)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="hall-utilization-{first_week}.csv"'
        writer = csv.writer(response)
        writer.writerow(["hall", "code", "capacity", *[f"{week:%Y-%m-%d}" for week in report.weeks], "total"])
        for usage in report.halls:
            writer.writerow(
                [usage.venue.name, usage.venue.code, usage.venue.capacity, *usage.hours, round(usage.total, 2)]
            )
        return response
    peak = report.peak or 1
    context = {
        **admin.site.each_context(request),
        "title": "Hall utilization (approved hours per week)",
        "opts": HallBooking._meta,
        "report": report,
        "rows": [
            (
                usage,
                [
                    (week, hours, round(hours / peak * 100))
                    for week, hours in zip(report.weeks, usage.hours, strict=True)
                ],
            )
            for usage in report.halls
        ],
        "weeks": weeks,
        "first_week": first_week,
        "previous": first_week - timedelta(weeks=weeks),
        "next": first_week + timedelta(weeks=weeks),
    }
    return TemplateResponse(request, "admin/approvals/hallbooking/utilization.html", context)


def inbox_view(request):
    """What waits for the signed-in approver, from every decision source; decide one or many."""
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = InboxDecisionForm(request.POST)
        if form.is_valid():
            try:
                outcome = inbox.decide(
                    actor=request.user,
                    keys=form.cleaned_data["items"],
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                verb = "approved" if form.cleaned_data["decision"] == "approve" else "rejected"
                if outcome.done:
                    messages.success(request, f"{len(outcome.done)} item(s) {verb}.")
                for label, message in outcome.failed:
                    messages.error(request, f"{label}: {message}")
            return redirect(request.get_full_path())
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(request.get_full_path())
    items = inbox.pending_for(request.user, kind=kind, search=search)
    context = {
        **admin.site.each_context(request),
        "title": "Approval inbox",
        "items": items,
        "sources": inbox.sources(),
        "kind": kind,
        "search": search,
        "form": InboxDecisionForm(),
        "bookings_url": reverse("admin:approvals_hallbooking_changelist"),
    }
    return TemplateResponse(request, "admin/approvals/inbox.html", context)
