"""The system of record, one module per context; everything is importable from `registry.models`."""

from .attendance import Attendance
from .certificates import Certificate, CertificateBatch, CertificateTemplate, certificate_storage
from .credits import CreditCategory, CreditEntry
from .events import AttendanceMode, EventRecord, EventStatus, RegistrableEvent
from .messages import SERVICE_KINDS, Message, MessageKind, NotificationPreference
from .people import (
    Membership,
    MentorProfile,
    Organization,
    OrganizerRequest,
    Role,
    StudentProfile,
    User,
    UserManager,
)
from .registrations import ACTIVE, SEAT_HOLDING, Registration, RegistrationStatus
from .venues import Facility, Venue

__all__ = [
    "ACTIVE",
    "SEAT_HOLDING",
    "SERVICE_KINDS",
    "Attendance",
    "AttendanceMode",
    "Certificate",
    "CertificateBatch",
    "CertificateTemplate",
    "CreditCategory",
    "CreditEntry",
    "EventRecord",
    "EventStatus",
    "Facility",
    "Membership",
    "MentorProfile",
    "Message",
    "MessageKind",
    "NotificationPreference",
    "Organization",
    "OrganizerRequest",
    "RegistrableEvent",
    "Registration",
    "RegistrationStatus",
    "Role",
    "StudentProfile",
    "User",
    "UserManager",
    "Venue",
    "certificate_storage",
]
