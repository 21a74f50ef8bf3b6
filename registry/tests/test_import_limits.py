"""Uploads for import are measured before anything parses them: size, what an XLSX unpacks to, and rows."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.tests.factories import StaffFactory, signed_in

pytestmark = pytest.mark.django_db


def zip_bomb(inflated_bytes: int) -> bytes:
    """A tiny XLSX whose one sheet unpacks to `inflated_bytes` of repeated XML."""
    buffer = io.BytesIO()
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            for _ in range(inflated_bytes // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture
def staff_client(client):
    return signed_in(client, StaffFactory())


def preview(client, upload):
    file_format = 1 if upload.name.endswith(".xlsx") else 0  # the import offers CSV, then XLSX
    return client.post("/staff/registry/user/import/", {"import_file": upload, "format": file_format, "resource": 0})


def test_a_zip_bomb_is_refused_by_its_unpacked_size_before_parsing(staff_client, settings):
    bomb = zip_bomb(40 * 1024 * 1024)
    assert len(bomb) < 200_000  # a small upload...

    response = preview(staff_client, SimpleUploadedFile("people.xlsx", bomb))

    error = response.context["form"].errors["import_file"][0]
    assert response.status_code == 200
    assert "Unpacked, this spreadsheet would be 40" in error and "up to 25 MB can be imported" in error


def test_a_file_with_too_many_rows_is_refused_before_parsing(staff_client, settings):
    settings.IMPORT_MAX_ROWS = 100
    rows = "email,first_name,last_name,role\n" + "".join(f"p{n}@x.org,P,N,attendee\n" for n in range(101))

    response = preview(staff_client, SimpleUploadedFile("people.csv", rows.encode(), "text/csv"))

    assert (
        "The file has 101 rows; up to 100 can be imported at once" in response.context["form"].errors["import_file"][0]
    )


def test_an_xlsx_just_within_the_limits_is_read(staff_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["email", "first_name", "last_name", "role"])
    for n in range(5):
        book.active.append([f"p{n}@x.org", "P", "N", "attendee"])
    data = io.BytesIO()
    book.save(data)

    response = preview(staff_client, SimpleUploadedFile("people.xlsx", data.getvalue()))

    assert response.context["result"].totals["new"] == 5


def test_a_big_preview_lists_a_page_of_rows_and_counts_them_all(staff_client, settings):
    rows = "email,first_name,last_name,role\n" + "".join(f"p{n}@x.org,P,N,attendee\n" for n in range(450))

    response = preview(staff_client, SimpleUploadedFile("people.csv", rows.encode(), "text/csv"))

    html = response.content.decode()
    assert response.context["result"].totals["new"] == 450
    assert "The first 200 of 450 rows are listed" in html
    assert html.count('<tr class="new">') == 200
