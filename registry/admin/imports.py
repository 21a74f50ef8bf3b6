"""Back-office imports that explain what is wrong with a file and write all rows or none."""

import csv
import zipfile

from django.contrib import messages
from django.shortcuts import redirect
from import_export.admin import ImportMixin
from import_export.formats import base_formats
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from ..uploads import BoundedImportForm

PREVIEW_ROWS = 200  # a preview lists this many rows (errors first); the totals count them all


def read_error_message(error: Exception) -> str:
    """Why a file could not be read, in words a person can act on (import-export names the exception)."""
    if isinstance(error, UnicodeDecodeError):
        return (
            "The file is not UTF-8 text (it may be saved as Latin-1 / Windows-1252). In Excel choose "
            "“CSV UTF-8 (Comma delimited)” when saving, or upload the .xlsx file instead."
        )
    if isinstance(error, zipfile.BadZipFile):
        return "This is not an Excel .xlsx file. Choose the format that matches the file."
    if isinstance(error, csv.Error):
        return f"The file could not be read as CSV ({error}). Check that it is a comma-separated text file."
    return "The file could not be read. Check that it is a CSV or XLSX file and that the format matches."


class BoundedImportMixin:
    """Every import takes CSV or XLSX only, and checks the upload's size, unpacked size and rows before parsing."""

    import_form_class = BoundedImportForm
    export_form_class = SelectableFieldsExportForm

    def get_import_formats(self):
        return [base_formats.CSV, base_formats.XLSX]


class CheckedImportMixin(BoundedImportMixin, ImportMixin):
    """CSV/XLSX import with a dry-run preview that counts new / updated / unchanged / error rows.

    A file with any row in error writes nothing, at the preview and at the
    confirmation alike. The uploaded file waits between the two steps in media
    storage (STORAGES["import_export"] when set), so any web machine can
    finish an import another one previewed.
    """

    import_template_name = "admin/registry/import.html"
    tmp_storage_class = MediaStorage
    import_permissions: tuple[str, ...] = ()

    def import_action(self, request, **kwargs):
        """A preview that cannot be confirmed (the file has errors) deletes the uploaded file at once."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None:
            context["preview_invalid_rows"] = result.invalid_rows[:PREVIEW_ROWS]
            context["preview_valid_rows"] = result.valid_rows()[:PREVIEW_ROWS]
            context["preview_limit"] = PREVIEW_ROWS
        form = context.get("form")
        if context.get("result") is not None and "confirm_form" not in context and form is not None:
            upload = getattr(form, "cleaned_data", {}).get("import_file")
            name = getattr(upload, "tmp_storage_name", None)
            if name:
                self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
        return response

    def has_import_permission(self, request) -> bool:
        return request.user.has_perms(self.import_permissions)

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", read_error_message(e))

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            bad = result.totals[RowResult.IMPORT_TYPE_INVALID] + result.totals[RowResult.IMPORT_TYPE_ERROR]
            messages.error(request, f"Nothing was imported: {bad} row(s) have errors. Preview the file again.")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        new, updated = totals[RowResult.IMPORT_TYPE_NEW], totals[RowResult.IMPORT_TYPE_UPDATE]
        unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
        messages.success(request, f"Import finished: {new} new, {updated} updated, {unchanged} unchanged.")
