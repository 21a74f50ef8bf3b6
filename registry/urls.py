from django.urls import path

from .views import account, account_codes, certificates, invitations, notifications, registrations

urlpatterns = [
    path("registrations/", registrations.my_registrations, name="my_registrations"),
    path("registrations/confirm/<str:token>/", registrations.registration_confirm, name="registration_confirm"),
    path("registrations/cancel/<str:token>/", registrations.registration_cancel, name="registration_cancel"),
    path("registrations/calendar/<str:token>/", registrations.registration_calendar, name="registration_calendar"),
    path("registrations/link/", registrations.registration_link_request, name="registration_link_request"),
    path("registrations/r/<str:token>/", registrations.registration_page, name="registration_page"),
    path(
        "registrations/r/<str:token>/cancel/", registrations.registration_page_cancel, name="registration_page_cancel"
    ),
    path("registrations/<str:code>/cancel/", registrations.my_registration_cancel, name="my_registration_cancel"),
    path("registrations/<str:code>/accept/", registrations.my_offer_accept, name="my_offer_accept"),
    path("registrations/<str:code>/resend/", registrations.resend_confirmation, name="registration_resend"),
    # allauth's code pages, saying how many tries are left and what to do when none are (views/account_codes.py).
    path(
        "accounts/confirm-email/",
        account_codes.email_verification_sent,
        name="account_email_verification_sent",
    ),
    path(
        "accounts/password/reset/confirm/",
        account_codes.confirm_password_reset_code,
        name="account_confirm_password_reset_code",
    ),
    path("accounts/profile/", account.profile, name="account_profile"),
    path("accounts/organize/", account.organizer_requests, name="organizer_requests"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("credits/", account.my_credits, name="my_credits"),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        invitations.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("certificates/", certificates.my_certificates, name="my_certificates"),
    path("certificates/verify/", certificates.certificate_lookup, name="certificate_lookup"),
    path("certificates/verify/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/download/", certificates.certificate_download, name="certificate_download"),
]
