"""Letter-evening kits: a printable A4 PDF with a card for each prisoner, two cards a page
with a cut line between them, for an evening where supporters write to prisoners.

Each card has the photo (or the placeholder), the name in both scripts, the charges in
plain words, the sentence and the days in detention, the birthday when it is known, the
address for letters when the person accepts letters, and what to write and what prison
censors stop, all in the kit's language. Only published profiles are printed.
"""

import io
import warnings
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph

from core.names import written_names
from core.pdf import BOLD, REGULAR, register_fonts

from .models import Prisoner

PLACEHOLDER = settings.BASE_DIR / "static" / "img" / "placeholder.png"
INK = Color(29 / 255, 29 / 255, 27 / 255)
MUTED = Color(0.36, 0.36, 0.34)
ACCENT = Color(138 / 255, 28 / 255, 28 / 255)
TINT = Color(0.955, 0.945, 0.925)

PAGE_WIDTH, PAGE_HEIGHT = A4
CARD_HEIGHT = PAGE_HEIGHT / 2
PADDING = 11 * mm
PHOTO_WIDTH, PHOTO_HEIGHT = 30 * mm, 37.5 * mm
GUIDE_WIDTH = 68 * mm
GAP = 7 * mm


class NothingToPrint(ValueError):
    """No published profile matches what staff asked for."""


def kit_prisoners(*, case=None, letters_only=False, prisoners=None):
    """The published profiles a kit is for: those given, or those of a case, and of them
    only those who accept letters when asked; in the list's order."""
    queryset = Prisoner.objects.published()
    if prisoners is not None:
        queryset = queryset.filter(pk__in=[prisoner.pk for prisoner in prisoners])
    if case is not None:
        queryset = queryset.filter(case=case)
    if letters_only:
        queryset = queryset.filter(letters_accepted=True)
    return queryset.select_related("case").prefetch_related("charges", "events")


def letter_kit_build(*, language, case=None, letters_only=False, prisoners=None, today=None):
    """The kit's PDF as bytes, in `language`; NothingToPrint when no profile matches."""
    chosen = list(kit_prisoners(case=case, letters_only=letters_only, prisoners=prisoners))
    if not chosen:
        raise NothingToPrint(
            _("No published profile matches: nothing to print. Choose another case or selection.")
        )
    with translation.override(language):
        return letter_kit_pdf(prisoners=chosen, language=language, today=today)


def letter_kit_pdf(*, prisoners, language, today=None):
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Letter-evening kit"))
    canvas.setAuthor(_("Political prisoners"))
    styles = _styles()
    guidance = _guidance(styles)
    for index, prisoner in enumerate(prisoners):
        position = index % 2
        if index and not position:
            canvas.showPage()
        bottom = CARD_HEIGHT if position == 0 else 0
        _card(canvas, prisoner, bottom, language, styles, guidance, today)
        if position == 0:
            _cut_line(canvas)
    canvas.save()
    return buffer.getvalue()


def _styles():
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "name": ParagraphStyle("name", parent=base, fontName=BOLD, fontSize=16, leading=19),
        "also": ParagraphStyle(
            "also", parent=base, fontSize=10.5, leading=14, textColor=MUTED, spaceBefore=1 * mm
        ),
        "status": ParagraphStyle(
            "status", parent=base, fontName=BOLD, textColor=ACCENT, spaceBefore=2 * mm
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=BOLD, fontSize=8, leading=11, spaceBefore=2.2 * mm
        ),
        "text": base,
        "charge": ParagraphStyle("charge", parent=base, leftIndent=3 * mm, firstLineIndent=-3 * mm),
        "address": ParagraphStyle("address", parent=base, fontSize=9.5, leading=12.5),
        "guide_title": ParagraphStyle(
            "guide_title", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceAfter=1.5 * mm
        ),
        "guide": ParagraphStyle(
            "guide",
            parent=base,
            fontSize=7.8,
            leading=10,
            leftIndent=3 * mm,
            firstLineIndent=-3 * mm,
            spaceAfter=1.3 * mm,
        ),
    }


def _guidance(styles):
    """What to write and what the censors stop, the same on every card."""
    points = [
        _(
            "Write in Russian or Kazakh, clearly, by hand or printed. A letter in another "
            "language may wait for a translator, or never be handed over."
        ),
        _(
            "Keep it personal and warm: who you are, where you live, your day, books, music, "
            "the seasons. A few lines are enough."
        ),
        _(
            "Prison censors read every letter. Do not write about the case, the trial, "
            "politics or the authorities: such letters are often not delivered."
        ),
        _("Do not put money, stamps or envelopes in the letter unless the prison allows them."),
        _("Postcards and photos of places, nature and everyday life are welcome."),
        _(
            "For a reply, give a return address: your own, or the organisers'. You may sign "
            "with your first name only."
        ),
        _("Number your letters, so that a missing one can be noticed. Do not expect an answer."),
    ]
    return [
        Paragraph(escape(_("How to write")), styles["guide_title"]),
        *(Paragraph("• " + escape(point), styles["guide"]) for point in points),
    ]


def _card(canvas, prisoner, bottom, language, styles, guidance, today):
    top = bottom + CARD_HEIGHT
    left = PADDING
    content_height = CARD_HEIGHT - 2 * PADDING

    # What to write, on a tinted panel on the right.
    guide_left = PAGE_WIDTH - PADDING - GUIDE_WIDTH
    canvas.setFillColor(TINT)
    canvas.roundRect(
        guide_left, bottom + PADDING, GUIDE_WIDTH, content_height, 2 * mm, stroke=0, fill=1
    )
    _frame(
        canvas,
        guide_left + 4 * mm,
        bottom + PADDING + 4 * mm,
        GUIDE_WIDTH - 8 * mm,
        content_height - 8 * mm,
        [*guidance],
    )

    # The photo, top left, with the name beside it.
    canvas.setFillColor(ACCENT)
    canvas.rect(5 * mm, bottom + PADDING, 1.6 * mm, content_height, stroke=0, fill=1)
    photo_bottom = top - PADDING - PHOTO_HEIGHT
    canvas.drawImage(
        _photo(prisoner), left, photo_bottom, PHOTO_WIDTH, PHOTO_HEIGHT, preserveAspectRatio=True
    )
    main_width = guide_left - GAP - left
    name_left = left + PHOTO_WIDTH + 5 * mm
    shown, also = written_names(prisoner.full_name, prisoner.cyrillic_name, language)
    header = [Paragraph(escape(str(shown)), styles["name"])]
    if also:
        header.append(Paragraph(escape(str(also)), styles["also"]))
    header.append(Paragraph(escape(str(prisoner.get_status_display())), styles["status"]))
    days = prisoner.days_in_detention(today)
    if days is not None:
        header.append(Paragraph(escape(_days_text(prisoner, days)), styles["text"]))
    _frame(canvas, name_left, photo_bottom, guide_left - GAP - name_left, PHOTO_HEIGHT, header)

    facts = _facts(prisoner, styles)
    _frame(
        canvas,
        left,
        bottom + PADDING,
        main_width,
        photo_bottom - 2 * mm - bottom - PADDING,
        facts,
    )


def _facts(prisoner, styles):
    facts = []
    if prisoner.summary:
        facts.append(Paragraph(escape(_("About")), styles["label"]))
        facts.append(Paragraph(escape(prisoner.summary), styles["text"]))
    charges = list(prisoner.charges.all())
    if charges:
        facts.append(Paragraph(escape(_("Charges")), styles["label"]))
        for article in charges:
            line = _("Art. %(number)s — %(title)s") % {
                "number": article.number,
                "title": article.title,
            }
            facts.append(Paragraph("– " + escape(line), styles["charge"]))
    if prisoner.sentence_years is not None:
        sentence = " ".join(
            render_to_string("prisoners/_sentence.html", {"prisoner": prisoner}).split()
        )
        facts.append(Paragraph(escape(_("Sentence")), styles["label"]))
        facts.append(Paragraph(escape(sentence), styles["text"]))
    if prisoner.date_of_birth:
        facts.append(Paragraph(escape(_("Birthday")), styles["label"]))
        facts.append(
            Paragraph(
                escape(date_format(prisoner.date_of_birth, "MONTH_DAY_FORMAT")), styles["text"]
            )
        )
    facts.append(Paragraph(escape(_("Write to")), styles["label"]))
    if prisoner.letters_accepted and prisoner.letters_address.strip():
        address = "<br/>".join(
            escape(line.strip()) for line in prisoner.letters_address.strip().splitlines()
        )
        facts.append(Paragraph(address, styles["address"]))
    else:
        facts.append(
            Paragraph(
                escape(
                    _(
                        "No address for letters at the moment: please do not post a letter. "
                        "Sign a petition or send a message of solidarity instead."
                    )
                ),
                styles["text"],
            )
        )
    return facts


def _days_text(prisoner, days):
    if prisoner.detention_days_are_a_minimum:
        text = ngettext(
            "At least %(counter)s day in detention", "At least %(counter)s days in detention", days
        )
    else:
        text = ngettext("%(counter)s day in detention", "%(counter)s days in detention", days)
    return text % {"counter": number_format(days, force_grouping=True)}


def _frame(canvas, x, y, width, height, flowables):
    """Lay `flowables` out in the box, shrunk to fit when they would overflow it."""
    frame = Frame(x, y, width, height, 0, 0, 0, 0, showBoundary=0)
    frame.addFromList([KeepInFrame(width, height, flowables, mode="shrink")], canvas)


def _cut_line(canvas):
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.6)
    canvas.setDash(4, 3)
    canvas.line(9 * mm, CARD_HEIGHT, PAGE_WIDTH - 5 * mm, CARD_HEIGHT)
    canvas.setFont(REGULAR, 11)
    canvas.setFillColor(MUTED)
    canvas.drawString(3 * mm, CARD_HEIGHT - 3.6, "✂")
    canvas.restoreState()


def _photo(prisoner):
    """The photo cropped to the card's frame, or the placeholder when there is none or it
    cannot be read: a file lost from storage must not stop the kit."""
    size = (int(PHOTO_WIDTH / mm * 12), int(PHOTO_HEIGHT / mm * 12))  # about 300 dpi
    if prisoner.photo:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with prisoner.photo.open("rb") as file, Image.open(file) as source:
                    source.draft("RGB", (size[0] * 2, size[1] * 2))
                    return _as_reader(ImageOps.fit(source.convert("RGB"), size))
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
            pass
    with Image.open(PLACEHOLDER) as placeholder:
        return _as_reader(ImageOps.fit(placeholder.convert("RGB"), size))


def _as_reader(image):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    return ImageReader(buffer)
