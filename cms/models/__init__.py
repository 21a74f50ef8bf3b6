"""Public-site models, split by kind: pages, snippets (speakers, partners) and site settings."""

from .pages import (
    EventIndexPage,
    EventKind,
    EventPage,
    EventSession,
    EventStatus,
    HomePage,
    Language,
    OrganizationEventsPage,
    RegistrationQuestion,
    StandardPage,
)
from .settings import SiteSettings
from .snippets import Partner, Speaker

__all__ = [
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventSession",
    "EventStatus",
    "HomePage",
    "Language",
    "OrganizationEventsPage",
    "Partner",
    "RegistrationQuestion",
    "SiteSettings",
    "Speaker",
    "StandardPage",
]
