"""Content that staff write in each language (django-modeltranslation's summary_en,
summary_ru, ...), shown in the page's language or, failing that, in the one that exists,
marked with its own lang so that a screen reader switches voice.

    {% load translated %}
    <h1>{% translated case "title" %}</h1>
    {% translated prisoner "story" linebreaks=True %}
    {% untranslated_note prisoner.events.all "description" %}

The per-language attributes are read directly, in modeltranslation's fallback order
(MODELTRANSLATION_FALLBACK_LANGUAGES), rather than through its transparent fallback, which
does not tell which language a value came from.
"""

from django import template
from django.template.defaultfilters import linebreaks_filter, truncatewords
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

register = template.Library()

# One sentence a language, rather than "into %(language)s": a language's name changes its
# form inside a sentence in Russian and Kazakh.
NOT_YET_TRANSLATED = {
    "en": _("Not yet translated into English."),
    "ru": _("Not yet translated into Russian."),
    "kk": _("Not yet translated into Kazakh."),
}


def resolve(obj, field, language=None):
    """(value, language it is in) for the page's language, or the first fallback that has
    a text; ("", the page's language) when none has."""
    language = language or get_language()
    if not hasattr(obj, build_localized_fieldname(field, language)):
        return getattr(obj, field), language  # not a translated field
    for candidate in resolution_order(language):
        value = getattr(obj, build_localized_fieldname(field, candidate), None)
        if value:
            return value, candidate
    return "", language


def note(language):
    return format_html(
        '<p class="untranslated"><small>{}</small></p>', NOT_YET_TRANSLATED.get(language, "")
    )


@register.simple_tag
def translated(obj, field, linebreaks=False, truncate=None):
    """The text of obj.field in the page's language. Inline text from another language is
    wrapped in <span lang>; a block (linebreaks=True) in <div lang>, after a note in small
    print that says it is not yet translated."""
    page_language = get_language()
    value, language = resolve(obj, field, page_language)
    text = str(value)
    if truncate:
        text = truncatewords(text, truncate)
    if linebreaks:
        html = linebreaks_filter(text, autoescape=True)
        if language == page_language:
            return html
        return format_html('{}<div lang="{}">{}</div>', note(page_language), language, html)
    if language == page_language:
        return escape(text)
    return format_html('<span lang="{}">{}</span>', language, text)


@register.simple_tag
def untranslated_note(objects, field):
    """The small-print note, once, when any of objects shows field from another language
    (a timeline's events: one note for the list, not one an event)."""
    page_language = get_language()
    for obj in objects:
        if resolve(obj, field, page_language)[1] != page_language:
            return note(page_language)
    return mark_safe("")


@register.filter
def lang_of(obj, field):
    """The language obj.field is shown in on this page, for a lang attribute on an element
    that cannot hold a <span>: <meta>, or an element with its own attributes."""
    return resolve(obj, field)[1]
