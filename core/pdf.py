"""What the app's PDFs share (the delivery PDF, the letter-evening kit): fonts with the
Russian and Kazakh letters, vendored in static/fonts as the share images use them."""

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = settings.BASE_DIR / "static" / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts():
    """DejaVu Sans under its own names, once a process."""
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
