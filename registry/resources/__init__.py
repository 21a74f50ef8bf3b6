"""CSV/XLSX import and export (django-import-export) for staff-edited registry models."""

from .attendance import (
    AttendanceConfirmImportForm,
    AttendanceExportResource,
    AttendanceImportForm,
    AttendanceSheetResource,
)
from .core import (
    CreditCategoryResource,
    OrganizationResource,
    ParticipantExportResource,
    RegistrationExportResource,
    VenueResource,
)
from .people import MenteeAssignmentResource, PersonResource

__all__ = [
    "AttendanceConfirmImportForm",
    "AttendanceImportForm",
    "AttendanceExportResource",
    "AttendanceSheetResource",
    "CreditCategoryResource",
    "MenteeAssignmentResource",
    "OrganizationResource",
    "ParticipantExportResource",
    "PersonResource",
    "RegistrationExportResource",
    "VenueResource",
]
