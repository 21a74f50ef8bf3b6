"""Limits on spreadsheets uploaded for import, checked before anything parses them.

A file's size says little about a spreadsheet: an XLSX is a zip, and 166 KB of it inflated to 38 MB of XML
(and gigabytes of memory once parsed). So the upload's size, the size its parts unpack to, and its number of
rows are each checked against settings first, reading the zip's directory and counting rows in a stream.
"""

import zipfile

from django import forms
from django.conf import settings
from unfold.contrib.import_export.forms import ImportForm

CHUNK = 1 << 16


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def _rows_in_sheets(archive: zipfile.ZipFile) -> int:
    rows = 0
    for member in archive.infolist():
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as sheet:
                tail = b""
                while chunk := sheet.read(CHUNK):
                    text = tail + chunk
                    rows += text.count(b"<row ") + text.count(b"<row>")
                    tail = text[-4:]  # shorter than "<row ", so no tag is counted twice
    return rows


def upload_problem(upload) -> str | None:
    """What makes this upload too big to import, in words that say what to do; None when it may be read."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return f"The file is {_megabytes(upload.size)}; files up to {_megabytes(limit)} can be imported. Split it."
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(b"PK"):
        try:
            archive = zipfile.ZipFile(upload)
        except zipfile.BadZipFile:
            return "This is not a readable Excel .xlsx file. Save it again, or upload it as CSV UTF-8."
        with archive:
            inflated = sum(member.file_size for member in archive.infolist())
            if inflated > settings.IMPORT_MAX_INFLATED_BYTES:
                return (
                    f"Unpacked, this spreadsheet would be {_megabytes(inflated)}; up to "
                    f"{_megabytes(settings.IMPORT_MAX_INFLATED_BYTES)} can be imported. Remove unused sheets, "
                    "formatting and images, or upload it as CSV."
                )
            rows = _rows_in_sheets(archive)
    else:
        rows = sum(chunk.count(b"\n") for chunk in upload.chunks(CHUNK))
    upload.seek(0)
    if rows > settings.IMPORT_MAX_ROWS + 1:  # the header row does not count
        return (
            f"The file has {rows - 1:,} rows; up to {settings.IMPORT_MAX_ROWS:,} can be imported at once. "
            "Split it into smaller files."
        )
    return None


class BoundedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        problem = upload_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload
