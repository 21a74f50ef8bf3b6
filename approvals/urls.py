from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.booking_list, name="list"),
    path("new/", views.booking_new, name="new"),
    path("availability/", views.availability, name="availability"),
    path("<int:pk>/cancel/", views.booking_cancel, name="cancel"),
]
