"""An event's control room (/staff/events/<page_id>/): its figures and registrations over time, participants
(search, check in by name), an attendance sheet with a preview to tick, certificates, the messages sent about it
and the participants' download. For the event's organizers and staff admins; anyone else finds nothing there.

Views only translate: reads come from `selectors.control_room`, every write is a service taking the acting person.
"""

import csv
from datetime import date
from urllib.parse import urlencode

import tablib
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import certificates as rendering
from .. import resources, selectors
from ..formats import neutralize_formula
from ..models import Attendance, Certificate, EventRecord, RegistrationStatus
from ..selectors import control_room as reads
from ..services import DomainError
from ..services import attendance as attendance_services
from ..services import certificates as certificate_services
from ..services.imports import cell_text
from ..uploads import upload_problem
from .imports import read_error_message

PER_PAGE = 25
CHART_WIDTH, CHART_HEIGHT = 640, 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 628, 16, 190
# What an attendance sheet's columns may be called (lower case), and what each means.
SHEET_COLUMNS = {
    "code": "code",
    "ticket": "code",
    "ticket code": "code",
    "registration code": "code",
    "email": "email",
    "email address": "email",
    "session": "session",
}


# --- the event and its sections ---------------------------------------------------------------------------------


def _event(request: HttpRequest, page_id: int) -> EventRecord:
    """The event, with its figures, if this person runs it (its organizers, staff admins); otherwise 404."""
    if not selectors.manages_event(request.user, page_id):
        raise Http404("No such event.")
    event = reads.event_with_figures(page_id)
    if event is None:
        raise Http404("No such event.")
    event.status_label = selectors.EventStatus(event.status).label
    return event


def _sessions(event: EventRecord) -> dict[int, str]:
    """The event's sessions by id, in the page's order, with the event as a whole as 0."""
    page = event.page.specific
    sessions = page.sessions.all() if hasattr(page, "sessions") else []
    return {Attendance.WHOLE_EVENT: "Whole event", **{session.pk: session.title for session in sessions}}


SECTIONS = (
    ("overview", "Overview", "staff_event_control_room"),
    ("participants", "Participants", "staff_event_participants"),
    ("attendance", "Attendance sheet", "staff_event_attendance"),
    ("certificates", "Certificates", "staff_event_certificates"),
    ("messages", "Messages", "staff_event_messages"),
)


def _render(request: HttpRequest, event: EventRecord, section: str, template: str, **context) -> TemplateResponse:
    label = next(label for slug, label, _ in SECTIONS if slug == section)
    return TemplateResponse(
        request,
        f"registry/control_room/{template}",
        {
            **admin.site.each_context(request),
            "title": event.title if section == "overview" else f"{label}: {event.title}",
            "event": event,
            "section": section,
            "section_label": label,
            "sections": [
                {"slug": slug, "label": label, "url": reverse(name, args=[event.page_id]), "current": slug == section}
                for slug, label, name in SECTIONS
            ],
            **context,
        },
    )


# --- overview: figures and registrations over time --------------------------------------------------------------


def _ticks(peak: int) -> list[int]:
    """Round values from 0 to at least `peak` for the count axis, five at most."""
    steps = (base * scale for scale in (1, 10, 100, 1000, 10000) for base in (1, 2, 5))
    step = next(step for step in steps if peak <= step * 4)
    top = max(-(-peak // step) * step, step)
    return list(range(0, top + 1, step))


def registrations_chart(per: str, rows: list[tuple[date, int]]) -> dict | None:
    """Bars of new registrations per day (or week) on labelled axes, as numbers for an inline SVG."""
    if not rows:
        return None
    ticks = _ticks(max(count for _, count in rows))
    top = ticks[-1]
    height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(rows)
    width = max(min(slot * 0.8, 40), 1)
    bars = []
    for index, (day, count) in enumerate(rows):
        bar_height = round(height * count / top, 1)
        bars.append(
            {
                "x": round(PLOT_LEFT + index * slot + (slot - width) / 2, 1),
                "y": round(PLOT_BOTTOM - bar_height, 1),
                "width": round(width, 1),
                "height": bar_height,
                "day": day,
                "count": count,
            }
        )
    every = -(-len(rows) // 6)  # at most six dates along the bottom
    labels = [
        {"x": round(PLOT_LEFT + index * slot + slot / 2, 1), "day": day}
        for index, (day, _) in enumerate(rows)
        if index % every == 0
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "right": PLOT_RIGHT,
        "top": PLOT_TOP,
        "bottom": PLOT_BOTTOM,
        "middle": (PLOT_LEFT + PLOT_RIGHT) // 2,
        "ticks": [{"value": value, "y": round(PLOT_BOTTOM - height * value / top, 1)} for value in ticks],
        "bars": bars,
        "labels": labels,
        "per": per,
        "total": sum(count for _, count in rows),
        "peak": max(rows, key=lambda row: row[1]),
        "first": rows[0][0],
        "last": rows[-1][0],
    }


def control_room(request: HttpRequest, page_id: int) -> TemplateResponse:
    event = _event(request, page_id)
    per, rows = reads.registrations_over_time(page_id)
    latest = reads.latest_batch(page_id)
    return _render(
        request,
        event,
        "overview",
        "overview.html",
        chart=registrations_chart(per, rows),
        chart_rows=rows,
        latest_batch=latest,
        can_check_in=request.user.has_perm("registry.add_attendance") and event.status != "cancelled",
    )


# --- participants: search, filter, check in by name -------------------------------------------------------------


def _participant_filters(data) -> dict:
    status = data.get("status", "")
    return {
        "q": (data.get("q") or "").strip()[:200],
        "status": status if status in RegistrationStatus.values else "",
    }


def participants(request: HttpRequest, page_id: int) -> TemplateResponse:
    event = _event(request, page_id)
    filters = _participant_filters(request.GET)
    page = Paginator(reads.event_participants(page_id, **filters), PER_PAGE).get_page(request.GET.get("page"))
    counts = reads.status_counts(page_id)
    for registration in page:
        registration.arrival = registration.arrivals[0] if registration.arrivals else None
    return _render(
        request,
        event,
        "participants",
        "participants.html",
        filters=filters,
        page_obj=page,
        statuses=[(value, f"{label} ({counts[value]})") for value, label in RegistrationStatus.choices],
        status_label=RegistrationStatus(filters["status"]).label.lower() if filters["status"] else "",
        can_check_in=request.user.has_perm("registry.add_attendance") and event.status != "cancelled",
        back=urlencode({**filters, "page": page.number}),
    )


@require_POST
def check_in_by_name(request: HttpRequest, page_id: int) -> HttpResponse:
    """A steward checks in someone found in the list (no ticket at hand), through the door's check-in service."""
    _event(request, page_id)
    code = (request.POST.get("code") or "").strip()[:40]
    if not code:
        messages.error(request, "Choose the person to check in.")
    else:
        try:
            result = attendance_services.check_in(
                page_id=page_id, scanned=code, actor=request.user, method=Attendance.Method.BY_NAME
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            name = result.registration.full_name if result.registration else code
            if result.admitted:
                messages.success(request, f"{name} is checked in.")
            else:
                messages.warning(request, f"{name}: {result.message}")
    back = _participant_filters(request.POST)
    back["page"] = request.POST.get("page", "")
    query = urlencode({key: value for key, value in back.items() if value})
    return redirect(reverse("staff_event_participants", args=[page_id]) + (f"?{query}" if query else ""))


def participants_csv(request: HttpRequest, page_id: int) -> HttpResponse:
    event = _event(request, page_id)
    queryset = reads.event_participants(page_id).select_related("page")
    dataset = resources.ParticipantExportResource().export(queryset=queryset)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"participants-{event.page.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(dataset.headers)
    writer.writerows([neutralize_formula(cell) for cell in row] for row in dataset)
    return response


# --- attendance sheet: upload, preview, commit the ticked rows --------------------------------------------------


class SheetUnreadable(Exception):
    """The uploaded file cannot be used; the message says why, in words staff can act on."""


def _sheet_lines(upload, sessions: dict[int, str]) -> list[tuple[str, str, str]]:
    """The `(code, email, session id)` of each filled line of an uploaded CSV or XLSX attendance sheet."""
    problem = upload_problem(upload)
    if problem:
        raise SheetUnreadable(problem)
    content = upload.read()
    try:
        if content.startswith(b"PK"):
            dataset = tablib.Dataset().load(content, format="xlsx")
        else:
            dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    except Exception as error:  # tablib raises what its readers raise
        raise SheetUnreadable(read_error_message(error)) from error
    headers = [SHEET_COLUMNS.get(cell_text(header).lower(), "") for header in dataset.headers or []]
    if not {"code", "email"} & set(headers):
        found = ", ".join(cell_text(header) for header in dataset.headers or [] if cell_text(header)) or "none"
        raise SheetUnreadable(
            f"The sheet needs a column of ticket codes (“Code”) or of email addresses (“Email”); its columns: {found}."
        )
    by_title = {title.lower(): str(pk) for pk, title in sessions.items()}
    lines = []
    for values in dataset:
        row = {header: cell_text(value) for header, value in zip(headers, values, strict=False) if header}
        if not any(row.values()):
            continue
        session = row.get("session", "") or "0"
        lines.append(
            (row.get("code", "").upper(), row.get("email", "").lower(), by_title.get(session.lower(), session))
        )
    if not lines:
        raise SheetUnreadable("The sheet has no rows under its headings.")
    return lines


def attendance(request: HttpRequest, page_id: int) -> TemplateResponse:
    """GET: the upload form. POST: the file's preview, each row with who, which session and what would happen."""
    event = _event(request, page_id)
    sessions = _sessions(event)
    context = {"sessions": sessions, "preview": None, "error": ""}
    if request.method == "POST":
        upload = request.FILES.get("sheet")
        try:
            if upload is None:
                raise SheetUnreadable("Choose the CSV or Excel file to upload.")
            lines = _sheet_lines(upload, sessions)
            preview = attendance_services.attendance_sheet_preview(actor=request.user, page_id=page_id, lines=lines)
        except (SheetUnreadable, DomainError) as error:
            context["error"] = str(error)
        else:
            rows = [
                {"line": line, "session": sessions.get(line.session, "A session this event does not have")}
                for line in preview
            ]
            context["preview"] = {
                "file": upload.name,
                "rows": [row for row in rows if row["line"].state != "unknown"],
                "unknown": [row for row in rows if row["line"].state == "unknown"],
                "new": sum(row["line"].state == "new" for row in rows),
                "already": sum(row["line"].state == "already" for row in rows),
                "problems": sum(row["line"].state == "problem" for row in rows),
            }
    return _render(request, event, "attendance", "attendance.html", **context)


@require_POST
def attendance_commit(request: HttpRequest, page_id: int) -> HttpResponse:
    """Check in the rows ticked on the preview, all or none."""
    _event(request, page_id)
    chosen = []
    for value in request.POST.getlist("chosen"):
        code, _, session = value.partition(":")
        if code and session.isdigit():
            chosen.append((code[:40], int(session)))
    try:
        admitted = attendance_services.attendance_sheet_commit(actor=request.user, page_id=page_id, chosen=chosen)
    except DomainError as error:
        messages.error(request, f"{error} Upload the sheet again to see where things stand.")
        return redirect("staff_event_attendance", page_id)
    already = len(chosen) - admitted
    messages.success(
        request,
        f"Checked in {admitted} {'person' if admitted == 1 else 'people'} from the sheet"
        + (f"; {already} {'was' if already == 1 else 'were'} already checked in." if already else "."),
    )
    return redirect("staff_event_participants", page_id)


# --- certificates: how many are due, issue, progress, send one again --------------------------------------------


def certificates(request: HttpRequest, page_id: int) -> TemplateResponse:
    event = _event(request, page_id)
    q = (request.GET.get("q") or "").strip()[:200]
    page = Paginator(reads.event_certificates(page_id, q=q), PER_PAGE).get_page(request.GET.get("page"))
    latest = reads.latest_batch(page_id)
    return _render(
        request,
        event,
        "certificates",
        "certificates.html",
        eligible=selectors.eligible_registrations(page_id).count(),
        waiting=rendering.registrations_to_certify(page_id).count(),
        valid=Certificate.objects.filter(registration__page_id=page_id, revoked_at__isnull=True).count(),
        latest_batch=latest,
        progress=rendering.batch_progress(latest) if latest else None,
        can_issue=request.user.has_perm("registry.add_certificatebatch") and event.status != "cancelled",
        q=q,
        page_obj=page,
    )


@require_POST
def certificates_issue(request: HttpRequest, page_id: int) -> HttpResponse:
    """Start (or rejoin) the event's batch and follow it on its progress page."""
    _event(request, page_id)
    try:
        batch = certificate_services.certificate_batch_start(page_id=page_id, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("staff_event_certificates", page_id)
    return redirect("admin:registry_certificatebatch_progress", batch.pk)


@require_POST
def certificate_reissue(request: HttpRequest, page_id: int) -> HttpResponse:
    """Replace one person's certificate and send it to them again."""
    _event(request, page_id)
    code = (request.POST.get("code") or "").strip().upper()[:24]
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration"), registration__page_id=page_id, code=code
    )
    try:
        certificate = certificate_services.certificate_reissue(certificate=certificate, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        to = certificate.registration.email
        messages.success(request, f"{certificate.holder_name}'s certificate was made again and is on its way to {to}.")
    return redirect("staff_event_certificates", page_id)


# --- messages sent about the event ------------------------------------------------------------------------------


def event_messages(request: HttpRequest, page_id: int) -> TemplateResponse:
    event = _event(request, page_id)
    page = Paginator(reads.event_messages(page_id), PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, event, "messages", "messages.html", page_obj=page)


view = admin.site.admin_view
urlpatterns = [
    path("<int:page_id>/", view(control_room), name="staff_event_control_room"),
    path("<int:page_id>/participants/", view(participants), name="staff_event_participants"),
    path("<int:page_id>/participants/check-in/", view(check_in_by_name), name="staff_event_check_in_by_name"),
    path("<int:page_id>/participants.csv", view(participants_csv), name="staff_event_participants_csv"),
    path("<int:page_id>/attendance/", view(attendance), name="staff_event_attendance"),
    path("<int:page_id>/attendance/check-in/", view(attendance_commit), name="staff_event_attendance_commit"),
    path("<int:page_id>/certificates/", view(certificates), name="staff_event_certificates"),
    path("<int:page_id>/certificates/issue/", view(certificates_issue), name="staff_event_certificates_issue"),
    path("<int:page_id>/certificates/send-again/", view(certificate_reissue), name="staff_event_certificate_reissue"),
    path("<int:page_id>/messages/", view(event_messages), name="staff_event_messages"),
]
