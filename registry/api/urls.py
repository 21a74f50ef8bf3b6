"""Registry's API routes (mounted under /api/v1/ by config.api_urls)."""

from django.urls import path

from . import auth, certificates, checkin, credits, notifications, organizer, registrations

urlpatterns = [
    path("auth/token", auth.TokenObtainView.as_view(), name="api_token"),
    path("auth/token/refresh", auth.TokenRefresh.as_view(), name="api_token_refresh"),
    path("auth/logout", auth.Logout.as_view(), name="api_logout"),
    path("me", auth.MeView.as_view(), name="api_me"),
    path("registrations", registrations.MyRegistrations.as_view(), name="api_registrations"),
    path("registrations/pending", registrations.RegistrationsToDecide.as_view(), name="api_registrations_pending"),
    path("registrations/<str:code>", registrations.MyRegistration.as_view(), name="api_registration"),
    path("registrations/<str:code>/cancel", registrations.CancelRegistration.as_view(), name="api_registration_cancel"),
    path("registrations/<str:code>/decide", registrations.DecideRegistration.as_view(), name="api_registration_decide"),
    path(
        "registrations/<str:code>/waitlist-position",
        registrations.WaitlistPosition.as_view(),
        name="api_registration_waitlist",
    ),
    path("checkin/events/<id:page_id>/scan", checkin.Scan.as_view(), name="api_checkin_scan"),
    path("checkin/events/<id:page_id>/participants", checkin.Participants.as_view(), name="api_participants"),
    path("checkin/events/<id:page_id>/attendance", checkin.AttendanceUpload.as_view(), name="api_attendance"),
    path("certificates", certificates.MyCertificates.as_view(), name="api_certificates"),
    path("certificates/<str:code>/download", certificates.CertificateDownload.as_view(), name="api_certificate_pdf"),
    path("certificates/<str:code>/verify", certificates.CertificateVerify.as_view(), name="api_certificate_verify"),
    path("credits/balances", credits.Balances.as_view(), name="api_credit_balances"),
    path("credits/entries", credits.Ledger.as_view(), name="api_credit_entries"),
    path("credits/pending", credits.Pending.as_view(), name="api_credit_pending"),
    path("credits/entries/<id:pk>/decide", credits.Decide.as_view(), name="api_credit_decide"),
    path("organizer/events", organizer.OrganizerEvents.as_view(), name="api_organizer_events"),
    path("notifications", notifications.Notifications.as_view(), name="api_notifications"),
    path("notifications/read-all", notifications.MarkAllRead.as_view(), name="api_notifications_read_all"),
    path("notifications/<id:pk>/read", notifications.MarkRead.as_view(), name="api_notification_read"),
]
