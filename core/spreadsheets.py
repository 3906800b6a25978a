"""Spreadsheet exports that cannot run formulas.

A supporter's name, a comment or a referrer can start with "=", "+", "-", "@", a tab or a
carriage return, and a spreadsheet program may take such a cell for a formula
(=HYPERLINK(...) sends data elsewhere when clicked). Every cell of every CSV, XLSX and ODS
export that starts so is prefixed with a single quote, as OWASP recommends. These formats
replace django-import-export's (settings.IMPORT_EXPORT_FORMATS), whose own escaping only
removes one leading "=".

Numbers and dates keep their types: only text cells are touched.
"""

import tablib
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value):
    """Undo neutralise() on import, so that an exported file imports as it was."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def neutralised(dataset):
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


class SafeExportMixin:
    def export_data(self, dataset, **kwargs):
        kwargs.pop("escape_formulae", None)
        return super().export_data(neutralised(dataset), **kwargs)


# The classes keep django-import-export's names, which the admin and staff's habits know.
class CSV(SafeExportMixin, base_formats.CSV):
    pass


class XLSX(SafeExportMixin, base_formats.XLSX):
    pass


class ODS(SafeExportMixin, base_formats.ODS):
    """ODS is binary: django-import-export 4.4 reads it as text and fails on upload."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return base_formats.TablibFormat.create_dataset(self, in_stream, **kwargs)


# The admin exports binary formats with native cell types (numbers stay numbers) only for
# the classes it knows; it compares exact types.
for _format in (XLSX, ODS):
    if _format not in base_formats.BINARY_FORMATS:
        base_formats.BINARY_FORMATS.append(_format)

SPREADSHEET_FORMATS = (CSV, XLSX, ODS)
