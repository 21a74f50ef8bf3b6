from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from registry import emails as registry_emails
        from registry.models import Role
        from registry.roles import grant
        from registry.signals import event_cancelled

        from . import emails, handlers, inbox

        grant(
            Role.STAFF_ADMIN,
            "approvals.view_hallbooking",
            "approvals.change_hallbooking",
            "approvals.decide_hallbooking",
            "approvals.view_bookingseries",
        )
        grant(Role.ORGANIZER, "approvals.view_hallbooking", "approvals.view_bookingseries")
        page_published.connect(handlers.event_page_published, dispatch_uid="approvals_event_published")
        page_unpublished.connect(handlers.event_page_unpublished, dispatch_uid="approvals_event_unpublished")
        pre_delete.connect(handlers.event_page_deleted, dispatch_uid="approvals_event_deleted")
        event_cancelled.connect(handlers.event_cancelled, dispatch_uid="approvals_event_cancelled")
        registry_emails.register_renderer("booking", emails.render_booking)
        registry_emails.register_renderer("series", emails.render_series)
        inbox.register(inbox.hall_booking_source)
        inbox.register(inbox.credit_claim_source)
        inbox.register(inbox.registration_source)
        inbox.register(inbox.organizer_request_source)
