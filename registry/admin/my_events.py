"""The back office's "My events" (/staff/my-events/): an organizer's events, every event for staff admins."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path

from .. import selectors
from ..forms import MyEventsFilterForm

PER_PAGE = 25


def my_events(request):
    form = MyEventsFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.organizer_events(user=request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for event in page:
        event.status_label = selectors.EventStatus(event.status).label
    context = {
        **admin.site.each_context(request),
        "title": "My events",
        "form": form,
        "filters": filters,
        "page_obj": page,
        "has_organizations": selectors.manages_any_organization(request.user),
        "sees_everything": selectors.sees_everything(request.user),
    }
    return TemplateResponse(request, "registry/organizer/my_events.html", context)


urlpatterns = [
    path("", admin.site.admin_view(my_events), name="staff_my_events"),
]
