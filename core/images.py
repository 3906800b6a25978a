"""Uploaded images, made safe to publish and safe to open.

Photos reach the NGO from families' phones; their EXIF can hold the GPS position of a home
and the device that took them, and their file names can name the family. Every upload is
decoded and re-encoded from its pixels alone, under a random name.

Decoding is where a hostile file does harm: a small PNG can claim 100,000 by 100,000 pixels
and take 40 GB of memory to open. The size is read from the header and refused before any
pixel is decoded; Pillow's own guard refuses anything past twice the limit.
"""

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# 24 megapixels: more than any phone photo needs, about 100 MB decoded as RGBA.
MAX_PIXELS = 24_000_000
MAX_BYTES = 10 * 1024 * 1024
# Pillow warns past this many pixels and refuses past twice as many, before decoding: a
# header claiming more than that never reaches our own check, which explains the limit.
Image.MAX_IMAGE_PIXELS = 2 * MAX_PIXELS
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_without_metadata(upload):
    """A re-encoded copy of an uploaded image, or ValueError with a message for staff."""
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise ValueError(
            _("This file is larger than %(limit)d MB. Make the image smaller and try again.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValueError(
                        _(
                            "This image is %(width)d by %(height)d pixels; images up to "
                            "%(limit)d megapixels are accepted. Make it smaller and try again."
                        )
                        % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}
                    )
                image_format = image.format
                if image_format not in FORMATS:
                    raise ValueError(
                        _("Use a JPEG, PNG or WebP image, not %(format)s.")
                        % {"format": image_format or _("this kind of file")}
                    )
                image.load()
                image = ImageOps.exif_transpose(image)
                mode = "RGB" if image_format == "JPEG" or "A" not in image.getbands() else "RGBA"
                image = image.convert(mode)
                clean = Image.frombytes(mode, image.size, image.tobytes())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(
            _("This image is too large to open safely. Make it smaller and try again.")
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(_("This file is not an image that can be read.")) from error
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format, quality=90)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}")
