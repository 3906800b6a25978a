"""The delivery PDF: a petition as it is handed to the officials it addresses.

The petition's text in the language staff chose, the total on the day, and the names of
the signers who agreed to be listed, grouped by country; the others are a number. Nothing
else a signer gave (email, comment, dates, network) is read, let alone printed.

The names are streamed from the database in chunks and drawn straight onto the pages, so
a petition of 50,000 signatures is printed in a fixed number of queries without holding
its rows in memory. Cyrillic and Kazakh letters need the vendored DejaVu fonts.
"""

import io
import re
from xml.sax.saxutils import escape

from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer

from core.audit import record_export
from core.pdf import BOLD, REGULAR, register_fonts

from .models import Signature

INK = Color(29 / 255, 29 / 255, 27 / 255)
MUTED = Color(0.35, 0.35, 0.33)
ACCENT = Color(138 / 255, 28 / 255, 28 / 255)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FOOTER = 10 * mm
COLUMNS = 3
COLUMN_GAP = 6 * mm
INDENT = 3 * mm
NAME_SIZE, NAME_LEADING = 9, 12
HEADING_SIZE, HEADING_LEADING = 10, 17
CHUNK = 2000
ELLIPSIS = "…"


def petition_delivery_pdf(*, petition, language, user, today=None):
    """The delivery PDF of `petition` in `language`, as bytes; the download is written to
    the audit trail as an export of personal data."""
    with translation.override(language):
        content, listed = _build(petition, today or timezone.localdate())
    record_export(
        user=user,
        model=Signature,
        rows=listed,
        what=f"Delivery PDF of petition #{petition.pk} ({language})",
        file_format="PDF",
    )
    return content


def _listed(petition):
    """The signatures whose signer agreed to be named: counted, and with a name."""
    return petition.signatures.countable().filter(
        show_name=True, supporter__isnull=False, supporter__name__gt=""
    )


def _country_name(code):
    if not code:
        return _("Country not given")
    # django-countries has no Kazakh names; Kazakh readers get the Russian ones, as the
    # site's content falls back from Kazakh to Russian.
    language = translation.get_language()
    with translation.override("ru" if language == "kk" else language):
        return str(countries.name(code))


def _build(petition, today):
    register_fonts()
    online, paper = petition.online_count, petition.paper_count
    counted_rows = petition.signatures.countable().count()
    by_country = dict(
        _listed(petition)
        .order_by()
        .values_list("supporter__country")
        .annotate(n=Count("pk"))
        .values_list("supporter__country", "n")
    )
    listed = sum(by_country.values())
    # Countries in the alphabetical order of their names in this language; "no country"
    # last. The database streams the names in that order, by a position given to each code.
    order = sorted(by_country, key=lambda code: (not code, _country_name(code).casefold()))
    position = Case(
        *(When(supporter__country=code, then=Value(i)) for i, code in enumerate(order)),
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    rows = (
        _listed(petition)
        .annotate(position=position)
        .order_by("position", "supporter__name", "pk")
        .values_list("supporter__country", "supporter__name")
        .iterator(chunk_size=CHUNK)
    )
    # The first name only, as the signers agreed ("show my first name and country"): the
    # officials who receive it may be the ones who persecute the people it speaks for.
    rows = ((country, (name.split() or [""])[0]) for country, name in rows)

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    title = petition.title
    canvas.setTitle(title)
    canvas.setAuthor(_("Political prisoners"))
    canvas.setSubject(_("Petition and its signatures"))
    pages = _Pages(canvas, title)

    y = pages.intro(
        _intro(petition, title, online, paper, counted_rows, listed, today),
    )
    if listed:
        _NameColumns(pages, y).draw(rows, by_country)
    pages.finish()
    canvas.save()
    return buffer.getvalue(), listed


def _styles():
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=10.5, leading=15, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=4 * mm
        ),
        "target": ParagraphStyle(
            "target", parent=base, fontSize=11, leading=15, textColor=MUTED, spaceAfter=6 * mm
        ),
        "text": ParagraphStyle("text", parent=base, spaceAfter=3 * mm),
        "total": ParagraphStyle(
            "total",
            parent=base,
            fontName=BOLD,
            fontSize=14,
            leading=19,
            textColor=ACCENT,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=10, leading=14, spaceAfter=1.5 * mm),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=6 * mm,
            spaceAfter=3 * mm,
        ),
    }


def _intro(petition, title, online, paper, counted_rows, listed, today):
    """The flowables before the names: title, addressee, text, total, how many are named."""
    styles = _styles()
    total = online + paper
    story = [Paragraph(escape(title), styles["title"])]
    if petition.target:
        story.append(
            Paragraph(
                escape(_("Addressed to: %(target)s") % {"target": petition.target}),
                styles["target"],
            )
        )
    for block in re.split(r"\n\s*\n", petition.text.strip()):
        if block.strip():
            story.append(Paragraph(escape(block.strip()).replace("\n", "<br/>"), styles["text"]))
    story.append(
        Paragraph(
            escape(
                ngettext(
                    "%(count)s signature as of %(date)s",
                    "%(count)s signatures as of %(date)s",
                    total,
                )
                % {
                    "count": number_format(total, force_grouping=True),
                    "date": date_format(today, "DATE_FORMAT"),
                }
            ),
            styles["total"],
        )
    )
    if paper:
        story.append(
            Paragraph(
                escape(
                    _("%(online)s online, %(paper)s on paper")
                    % {
                        "online": number_format(online, force_grouping=True),
                        "paper": number_format(paper, force_grouping=True),
                    }
                ),
                styles["note"],
            )
        )
    unlisted = max(counted_rows - listed, 0)
    story.append(
        Paragraph(
            escape(
                ngettext(
                    "%(count)s signer agreed to be named; their names follow, by country.",
                    "%(count)s signers agreed to be named; their names follow, by country.",
                    listed,
                )
                % {"count": number_format(listed, force_grouping=True)}
            ),
            styles["note"],
        )
    )
    story.append(
        Paragraph(
            escape(
                ngettext(
                    "%(count)s signer did not ask to be named and is counted without a name.",
                    "%(count)s signers did not ask to be named and are counted without a name.",
                    unlisted,
                )
                % {"count": number_format(unlisted, force_grouping=True)}
            ),
            styles["note"],
        )
    )
    if listed:
        story.append(Paragraph(escape(_("Signatures by country")), styles["heading"]))
    else:
        story.append(Spacer(1, 0))
    return story


class _Pages:
    """The pages of one document, with a footer on each."""

    def __init__(self, canvas, title):
        self.canvas = canvas
        self.title = title
        self.number = 1

    def intro(self, story):
        """Lay out `story` from the top of the first page; the height where it ended."""
        while True:
            frame = Frame(
                MARGIN,
                MARGIN + FOOTER,
                PAGE_WIDTH - 2 * MARGIN,
                PAGE_HEIGHT - 2 * MARGIN - FOOTER,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                showBoundary=0,
            )
            frame.addFromList(story, self.canvas)
            if not story:
                return frame._y
            self.next()

    def next(self):
        self.footer()
        self.canvas.showPage()
        self.number += 1

    def finish(self):
        self.footer()

    def footer(self):
        canvas = self.canvas
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, MARGIN + FOOTER - 3 * mm, PAGE_WIDTH - MARGIN, MARGIN + FOOTER - 3 * mm)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN, _fit(self.title, REGULAR, 8, PAGE_WIDTH * 0.6))
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, MARGIN, _("Page %(number)s") % {"number": self.number}
        )


class _NameColumns:
    """Names flowing down three columns, page after page, under their country's heading;
    a country that goes on in a new column says so at its top."""

    def __init__(self, pages, top):
        self.pages = pages
        self.canvas = pages.canvas
        self.width = (PAGE_WIDTH - 2 * MARGIN - (COLUMNS - 1) * COLUMN_GAP) / COLUMNS
        self.bottom = MARGIN + FOOTER + 2 * mm
        self.page_top = PAGE_HEIGHT - MARGIN
        self.column = 0
        self.top = top
        self.y = top

    def draw(self, rows, by_country):
        current = object()
        for code, name in rows:
            if code != current:
                current = code
                heading = f"{_country_name(code)} ({number_format(by_country.get(code, 0))})"
                if self.y - 2 * HEADING_LEADING - NAME_LEADING < self.bottom:
                    self.next_column()
                elif self.y != self.top:
                    self.y -= 5
                self.heading(heading)
            lines = _wrap(name, REGULAR, NAME_SIZE, self.width, indent=INDENT)
            if self.y - NAME_LEADING * len(lines) < self.bottom:
                self.next_column()
                continued = _("%(country)s (continued)") % {"country": _country_name(code)}
                self.heading(continued, muted=True)
            self.canvas.setFont(REGULAR, NAME_SIZE)
            self.canvas.setFillColor(INK)
            for number, line in enumerate(lines):
                self.y -= NAME_LEADING
                self.canvas.drawString(self.x + (INDENT if number else 0), self.y + 3, line)

    @property
    def x(self):
        return MARGIN + self.column * (self.width + COLUMN_GAP)

    def heading(self, text, muted=False):
        self.canvas.setFont(BOLD, HEADING_SIZE)
        self.canvas.setFillColor(MUTED if muted else ACCENT)
        for number, line in enumerate(_wrap(text, BOLD, HEADING_SIZE, self.width)):
            self.y -= HEADING_LEADING if number == 0 else HEADING_SIZE + 3
            self.canvas.drawString(self.x, self.y + 4, line)

    def next_column(self):
        self.column += 1
        if self.column == COLUMNS:
            self.pages.next()
            self.column = 0
            self.top = self.page_top
        self.y = self.top


def _wrap(text, font, size, width, indent=0):
    """`text` in lines no wider than `width`, the ones after the first indented: a long
    name is printed whole, never cut. A word too long for a line is broken."""

    def fits(line, first):
        return pdfmetrics.stringWidth(line, font, size) <= (width if first else width - indent)

    lines = []
    for word in " ".join(str(text).split()).split(" "):
        line = f"{lines[-1]} {word}" if lines else word
        if lines and fits(line, len(lines) == 1):
            lines[-1] = line
            continue
        while not fits(word, not lines) and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut], not lines):
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def _fit(text, font, size, width):
    """`text` on one line no wider than `width`, cut with an ellipsis when it is not."""
    text = " ".join(str(text).split())
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS
