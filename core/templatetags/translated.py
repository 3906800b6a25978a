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
from django.conf import settings
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


def texts_of(obj, field):
    """Every language's text of obj.field, for an email's stored context: it is rendered
    later, in each recipient's language, by `in_language`."""
    texts = {}
    for language in resolution_order(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        value = getattr(obj, build_localized_fieldname(field, language), None)
        if value:
            texts[language] = str(value)
    return texts or {settings.MODELTRANSLATION_DEFAULT_LANGUAGE: str(getattr(obj, field))}


def _pick(texts):
    """(text, its language) from `texts_of` for the language being rendered; a plain
    string (an email queued before its texts had languages) is taken as it is."""
    if not isinstance(texts, dict):
        return str(texts), get_language()
    for language in resolution_order(get_language()):
        if texts.get(language):
            return texts[language], language
    return next(iter(texts.items()), ("", get_language()))


@register.simple_tag
def in_language(texts):
    """An email's text (`texts_of`) in the email's language, or its fallback wrapped in
    <span lang> so that a screen reader switches voice."""
    text, language = _pick(texts)
    if language == get_language():
        return escape(text)
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def in_language_text(texts):
    """The same text for a plain-text part or a subject, where nothing can be marked."""
    return _pick(texts)[0]
