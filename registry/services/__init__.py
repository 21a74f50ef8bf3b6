"""Writes to the registry. Every front end (admin, import, page, API, task) calls these."""

from .errors import DomainError, NotAllowed
from .people import (
    membership_set,
    mentor_profile_set,
    organization_upsert,
    student_profile_set,
    user_otp_reset,
    user_unlock,
    user_upsert,
    users_set_active,
    venue_upsert,
)

__all__ = [
    "DomainError",
    "NotAllowed",
    "membership_set",
    "mentor_profile_set",
    "organization_upsert",
    "student_profile_set",
    "user_otp_reset",
    "user_unlock",
    "user_upsert",
    "users_set_active",
    "venue_upsert",
]
