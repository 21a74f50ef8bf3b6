"""CSV/XLSX import and export (django-import-export) for staff-edited registry models."""

from .attendance import AttendanceConfirmImportForm, AttendanceImportForm, AttendanceResource
from .core import OrganizationResource, RegistrationExportResource, VenueResource
from .people import MenteeAssignmentResource, PersonResource

__all__ = [
    "AttendanceConfirmImportForm",
    "AttendanceImportForm",
    "AttendanceResource",
    "MenteeAssignmentResource",
    "OrganizationResource",
    "PersonResource",
    "RegistrationExportResource",
    "VenueResource",
]
