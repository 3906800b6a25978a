"""A declaration's title in each language (django-modeltranslation adds title_en, title_ru,
title_kk). Its body is quoted as tabled, in its own language (Declaration.body_language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Declaration


@register(Declaration)
class DeclarationTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)
