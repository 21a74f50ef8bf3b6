"""The REST API: /api/v1/ (each app's api module), the OpenAPI schema and Swagger UI (assets served locally; its set-up
script is a request of its own, so the page runs no inline script)."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from approvals import api as approvals_api
from cms import api as cms_api
from cms import authoring_api
from registry.api.common import IdConverter
from registry.api_errors import api_not_found

register_converter(IdConverter, "id")

v1 = [
    path("", include("registry.api.urls")),
    path("events", authoring_api.Events.as_view(), name="api_events"),
    path("events/<id:page_id>", authoring_api.EventDetail.as_view(), name="api_event"),
    path("events/<id:page_id>/duplicate", authoring_api.DuplicateEvent.as_view(), name="api_event_duplicate"),
    path("events/<id:page_id>/register", cms_api.Register.as_view(), name="api_event_register"),
    path("events/<id:page_id>/cancel", cms_api.CancelEvent.as_view(), name="api_event_cancel"),
    path("speakers", cms_api.Speakers.as_view(), name="api_speakers"),
    path("speakers/<slug:slug>", cms_api.SpeakerDetail.as_view(), name="api_speaker"),
    path("partners", cms_api.Partners.as_view(), name="api_partners"),
    path("partners/<slug:slug>", cms_api.PartnerDetail.as_view(), name="api_partner"),
    path("halls", approvals_api.Halls.as_view(), name="api_halls"),
    path("halls/available", approvals_api.HallsAvailable.as_view(), name="api_halls_available"),
    path("bookings", approvals_api.Bookings.as_view(), name="api_bookings"),
    path("bookings/waiting", approvals_api.BookingsWaiting.as_view(), name="api_bookings_waiting"),
    path("bookings/<id:pk>", approvals_api.BookingDetail.as_view(), name="api_booking"),
    path("bookings/<id:pk>/approve", approvals_api.ApproveBooking.as_view(), name="api_booking_approve"),
    path("bookings/<id:pk>/reject", approvals_api.RejectBooking.as_view(), name="api_booking_reject"),
    path("bookings/<id:pk>/cancel", approvals_api.CancelBooking.as_view(), name="api_booking_cancel"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^[\s\S]*$", api_not_found),  # not `.*`: a path with an encoded newline is the API's 404 too
]
