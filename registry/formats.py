"""Spreadsheet exports that cannot smuggle formulas into Excel or LibreOffice ("CSV injection").

A text cell starting with =, +, -, @, tab or carriage return is prefixed
with a quote, which spreadsheets show as text. import-export's own
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: it deletes a leading
"=", ignores + - @, and writes empty cells as "None". Settings list these
formats as EXPORT_FORMATS, so every admin export in every app goes through them.
"""

import tablib
from import_export.formats import base_formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


class FormulaSafeMixin:
    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append([neutralize_formula(cell) for cell in row])
        return super().export_data(safe, **kwargs)


class CSV(FormulaSafeMixin, base_formats.CSV):
    pass


class TSV(FormulaSafeMixin, base_formats.TSV):
    pass


class XLSX(FormulaSafeMixin, base_formats.XLSX):
    pass


class ODS(FormulaSafeMixin, base_formats.ODS):
    pass


EXPORT_FORMATS = [fmt for fmt in (CSV, XLSX, TSV, ODS, base_formats.JSON) if fmt.is_available()]
