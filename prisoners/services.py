import io
import uuid
from pathlib import Path

import tablib
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from .resources import PrisonerResource

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "kazakhstan-2025-02.csv"


def prisoners_import(*, path, dry_run=False):
    """Import a staff spreadsheet (CSV or XLSX) through the same resource as the admin.

    The whole file is one transaction: a single bad row leaves the database untouched.
    Returns django-import-export's Result, with per-row errors.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{path.name} is not UTF-8 text: save it as “CSV UTF-8” and try again."
            ) from error
        dataset = tablib.Dataset().load(text, format="csv") if text.strip() else tablib.Dataset()
    with transaction.atomic():
        result = PrisonerResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            collect_failed_rows=True,
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


def photo_without_metadata(upload):
    """Re-encode an uploaded photo so that nothing but the pixels is published.

    Photos reach the NGO from families' phones; their EXIF can hold the GPS position of a
    home and the device that took them. Raises ValueError for a file that is not an image.
    """
    try:
        with Image.open(upload) as image:
            image.load()
            image_format = image.format
            if image_format not in {"JPEG", "PNG", "WEBP"}:
                raise ValueError(f"Use a JPEG, PNG or WebP photo, not {image_format}.")
            image = ImageOps.exif_transpose(image)
            mode = "RGB" if image_format == "JPEG" or "A" not in image.getbands() else "RGBA"
            image = image.convert(mode)
            clean = Image.frombytes(mode, image.size, image.tobytes())
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError("This file is not a photo that can be read.") from error
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format, quality=90)
    # A fresh random name: the uploaded one may name the family or the phone.
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
