"""The texts of profiles and cases that staff write in each language (django-modeltranslation
adds summary_en, summary_ru, summary_kk and so on). Names are not here: they are written in
two scripts (core.names), not translated."""

from modeltranslation.translator import TranslationOptions, register

from .models import Article, Case, Prisoner, TimelineEvent


@register(Prisoner)
class PrisonerTranslationOptions(TranslationOptions):
    fields = ("summary", "story")
    required_languages = ("en",)


@register(TimelineEvent)
class TimelineEventTranslationOptions(TranslationOptions):
    fields = ("description",)
    required_languages = ("en",)


@register(Case)
class CaseTranslationOptions(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("en",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)
