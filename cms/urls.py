from django.urls import path, re_path

from . import views

app_name = "cms"

urlpatterns = [
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
    path("register/<int:page_id>/", views.event_register, name="event_register"),
    re_path(r"^(?P<path>(?:[\w\-]+/)*[\w\-]+\.ics)$", views.page_calendar, name="page_calendar"),
]
