"""Share images: the 1200 by 630 picture that Facebook, X, Telegram and WhatsApp show with a
link to a profile, a case, a campaign or a petition.

The views put the words together (a name in the script of the page's language, a status,
a count) and this module draws them; it knows nothing of the models. Pillow draws the
text with the DejaVu fonts vendored in static/fonts, loaded by path: Pillow's built-in
font has no Cyrillic, and a font found on the server might lack the Kazakh letters
(әғқңөұүһі). An image is drawn on request and kept like any public page by
core.pagecache, which drops it at the next edit.
"""

import dataclasses
import functools
import io
import warnings

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
PHOTO_WIDTH = 420
MARGIN = 64
FONTS = settings.BASE_DIR / "static" / "fonts"
PLACEHOLDER = settings.BASE_DIR / "static" / "img" / "placeholder.png"
# The site's colours (static/css/site.css): white on its near-black header ink, with the
# accent as a bar, so that the text keeps a contrast of about 17:1.
INK = (29, 29, 27)
PAPER = (251, 250, 247)
MUTED = (206, 202, 192)
ACCENT = (138, 28, 28)
ELLIPSIS = "…"


@dataclasses.dataclass(frozen=True)
class ShareImage:
    content: bytes
    content_type: str

    def response(self):
        response = HttpResponse(self.content, content_type=self.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


@functools.cache
def _font(size, *, bold=False):
    return ImageFont.truetype(
        str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size
    )


def render(*, title, details=(), portrait=False, photo=None):
    """The image: `title` large, each of `details` below it, the site's name small in the
    bottom corner. With `portrait`, `photo` (a stored file, or None for the placeholder
    portrait) fills the right side, and the image is a JPEG; otherwise a PNG, sharper for
    text alone."""
    image = Image.new("RGB", (WIDTH, HEIGHT), INK)
    text_right = WIDTH - MARGIN
    if portrait:
        image.paste(_portrait(photo), (WIDTH - PHOTO_WIDTH, 0))
        text_right = WIDTH - PHOTO_WIDTH - MARGIN
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    width = text_right - MARGIN

    y = MARGIN
    for size, max_lines in ((64, 3), (52, 3), (44, 4)):
        font = _font(size, bold=True)
        lines, complete = _wrap(draw, title, font, width, max_lines)
        if complete:
            break
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=PAPER)
        y += round(size * 1.2)
    y += 28
    detail_font = _font(36)
    for detail in details:
        for line in _wrap(draw, detail, detail_font, width, 3)[0]:
            if y > HEIGHT - 140:
                break
            draw.text((MARGIN, y), line, font=detail_font, fill=PAPER)
            y += 46
        y += 10

    corner_font = _font(26)
    corner = _wrap(draw, _("Political prisoners"), corner_font, width, 1)[0][0]
    draw.text((MARGIN, HEIGHT - MARGIN), corner, font=corner_font, fill=MUTED, anchor="ls")

    buffer = io.BytesIO()
    if portrait:
        image.save(buffer, format="JPEG", quality=85)
        return ShareImage(buffer.getvalue(), "image/jpeg")
    image.save(buffer, format="PNG", compress_level=6)
    return ShareImage(buffer.getvalue(), "image/png")


def _portrait(photo):
    """The photo cropped to the right-hand panel, or the placeholder when there is none or
    it cannot be read (a file lost from storage must not take the image down)."""
    size = (PHOTO_WIDTH, HEIGHT)
    if photo:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with photo.open("rb") as file, Image.open(file) as source:
                    # A JPEG is decoded at the smallest scale that still covers the panel:
                    # a 24-megapixel upload then takes milliseconds, not a quarter second.
                    source.draft("RGB", (PHOTO_WIDTH * 2, HEIGHT * 2))
                    return ImageOps.fit(source.convert("RGB"), size, Image.Resampling.BILINEAR)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
            pass
    with Image.open(PLACEHOLDER) as placeholder:
        return ImageOps.fit(placeholder.convert("RGB"), size, Image.Resampling.BILINEAR)


def _wrap(draw, text, font, width, max_lines):
    """(lines, complete): `text` in lines no wider than `width`, at most `max_lines`, the
    last one cut with an ellipsis when the text does not fit; complete when nothing was
    cut. A word too long for a line is broken between letters."""
    fits = lambda line: draw.textlength(line, font=font) <= width  # noqa: E731
    lines = []
    for word in " ".join(str(text).split()).split(" "):
        line = f"{lines[-1]} {word}" if lines else word
        if lines and fits(line):
            lines[-1] = line
            continue
        while not fits(word) and len(word) > 1 and len(lines) <= max_lines:
            low, high = 1, len(word) - 1  # the longest start that fits, by bisection
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if fits(word[:middle]) else (low, middle - 1)
            lines.append(word[:low])
            word = word[low:]
        lines.append(word)
        if len(lines) > max_lines:
            break
    if len(lines) <= max_lines:
        return lines, True
    last = lines[max_lines - 1]
    while last and not fits(last + ELLIPSIS):
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip(" ,.;:—-") + ELLIPSIS], False
