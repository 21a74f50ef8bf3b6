"""CSV/XLSX import and export (django-import-export) for staff-edited registry models."""

from .core import OrganizationResource, RegistrationExportResource, VenueResource
from .people import MenteeAssignmentResource, PersonResource

__all__ = [
    "MenteeAssignmentResource",
    "OrganizationResource",
    "PersonResource",
    "RegistrationExportResource",
    "VenueResource",
]
