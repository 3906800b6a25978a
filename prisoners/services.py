from pathlib import Path

import tablib
from django.db import transaction
from tablib.exceptions import InvalidDimensions

from .resources import PrisonerResource

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "kazakhstan-2025-02.csv"


def prisoners_import(*, path, dry_run=False):
    """Import a staff spreadsheet (CSV or XLSX) through the same resource as the admin.

    The whole file is one transaction: a single bad row leaves the database untouched.
    Returns django-import-export's Result, with per-row errors.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        try:
            dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        except Exception as error:  # openpyxl raises many kinds on a file that is no workbook
            raise ValueError(f"{path.name} cannot be read as an XLSX workbook.") from error
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{path.name} is not UTF-8 text: save it as “CSV UTF-8” and try again."
            ) from error
        try:
            dataset = (
                tablib.Dataset().load(text, format="csv") if text.strip() else tablib.Dataset()
            )
        except InvalidDimensions as error:
            raise ValueError(
                f"{path.name} has a row with more cells than the first row names columns."
            ) from error
    with transaction.atomic():
        result = PrisonerResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            # No collect_failed_rows: nothing reads the failed rows, and collecting them
            # crashes on a file that names a column twice.
        )
        if result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True)
    return result


def describe_import_errors(result):
    """Per-row messages a person can act on, for the command line."""
    lines = []
    for error in result.base_errors:
        lines.append(f"File: {error.error}")
    for row_number, errors in result.row_errors():
        for error in errors:
            lines.append(f"Row {row_number}: {error.error}")
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            where = f"column '{field}'" if field != "__all__" else "the row as a whole"
            lines.append(f"Row {invalid.number}, {where}: {' '.join(messages)}")
    return lines
