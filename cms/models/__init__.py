"""Public-site models, split by kind: pages, snippets (speakers, partners) and site settings."""

from .pages import (
    EventIndexPage,
    EventKind,
    EventPage,
    EventPartner,
    EventSession,
    EventSpeaker,
    EventStatus,
    HomePage,
    Language,
    OrganizationEventsPage,
    RegistrationQuestion,
    SessionSpeaker,
    StandardPage,
)
from .settings import SiteSettings
from .snippets import Partner, Speaker

__all__ = [
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "EventPartner",
    "EventSession",
    "EventSpeaker",
    "EventStatus",
    "HomePage",
    "Language",
    "OrganizationEventsPage",
    "Partner",
    "RegistrationQuestion",
    "SessionSpeaker",
    "SiteSettings",
    "Speaker",
    "StandardPage",
]
