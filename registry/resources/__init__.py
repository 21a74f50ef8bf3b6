"""CSV/XLSX import and export (django-import-export) for staff-edited registry models."""

from .core import OrganizationResource, RegistrationExportResource, VenueResource

__all__ = ["OrganizationResource", "RegistrationExportResource", "VenueResource"]
