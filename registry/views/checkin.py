"""The staff check-in page (phone-friendly; camera scan or typed code) and its JSON scan endpoint."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors
from ..models import Attendance, EventRecord
from ..services import attendance


def _event_for(request: HttpRequest, page_id: int) -> EventRecord:
    if not request.user.has_perm("registry.add_attendance"):
        raise PermissionDenied
    events = selectors.scope_to_organizations(EventRecord.objects.all(), request.user, "organization")
    return get_object_or_404(events, page_id=page_id)


def checkin_page(request: HttpRequest, page_id: int) -> HttpResponse:
    event = _event_for(request, page_id)
    sessions = event.page.specific.sessions.all() if hasattr(event.page.specific, "sessions") else []
    context = {
        **admin.site.each_context(request),
        "title": f"Check-in: {event.title}",
        "event": event,
        "sessions": sessions,
        "progress": selectors.checkin_progress(page_id),
    }
    return render(request, "registry/checkin/checkin.html", context)


@require_POST
def checkin_scan(request: HttpRequest, page_id: int) -> JsonResponse:
    event = _event_for(request, page_id)
    try:
        session = int(request.POST.get("session") or Attendance.WHOLE_EVENT)
    except ValueError:
        return JsonResponse({"outcome": "invalid", "message": "Unknown session."}, status=400)
    scanned = (request.POST.get("code") or "").strip()
    if not scanned or len(scanned) > 200:
        return JsonResponse(
            {"outcome": "invalid", "message": "Scan a QR code or type a registration code."}, status=400
        )
    method = Attendance.Method.MANUAL if request.POST.get("typed") else Attendance.Method.SCAN
    result = attendance.check_in(
        page_id=event.page_id, scanned=scanned, actor=request.user, session=session, method=method
    )
    registration = result.registration
    return JsonResponse(
        {
            "outcome": result.outcome,
            "admitted": result.admitted,
            "message": result.message,
            "name": registration.full_name if registration else None,
            "code": registration.code if registration else None,
            "checked_in_at": timezone.localtime(result.attendance.checked_in_at).isoformat()
            if result.attendance
            else None,
            "progress": selectors.checkin_progress(event.page_id, session),
        }
    )
