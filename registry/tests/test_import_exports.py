"""Every spreadsheet export quotes cells that a spreadsheet would run as a formula."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from tablib import Dataset

from registry.formats import CSV, XLSX, neutralize_formula


@pytest.mark.parametrize("value", ["=1+1", "+91 98450", "-2", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_quoted(value):
    assert neutralize_formula(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Asha", "", None, 5, -2, "a=b"])
def test_everything_else_is_left_alone(value):
    assert neutralize_formula(value) == value


def test_csv_and_xlsx_exports_are_neutralized_and_keep_empty_cells_empty():
    data = Dataset(['=HYPERLINK("http://evil")', None, 7], headers=["name", "phone", "seats"])

    (row,) = list(csv.reader(io.StringIO(CSV().export_data(data))))[1:]
    sheet = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(data))).active

    assert row == ['\'=HYPERLINK("http://evil")', "", "7"]
    assert [cell.value for cell in next(sheet.iter_rows(min_row=2))] == ['\'=HYPERLINK("http://evil")', None, 7]


def test_the_admin_offers_only_neutralizing_spreadsheet_formats():
    assert {fmt.__module__ for fmt in settings.EXPORT_FORMATS} <= {
        "registry.formats",
        "import_export.formats.base_formats",
    }
    assert all(fmt.__module__ == "registry.formats" for fmt in settings.EXPORT_FORMATS if fmt().get_title() != "json")
