"""The texts of campaigns and their actions that staff write in each language
(django-modeltranslation adds title_en, title_ru, title_kk and so on). What supporters
write (letters, solidarity messages) is theirs and stays as written."""

from modeltranslation.translator import TranslationOptions, register

from .models import Campaign, CampaignUpdate, LetterAction, Petition


@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "story")
    required_languages = ("en",)


@register(Petition)
class PetitionTranslationOptions(TranslationOptions):
    fields = ("title", "target", "text")
    required_languages = ("en",)


@register(LetterAction)
class LetterActionTranslationOptions(TranslationOptions):
    fields = ("title", "subject", "suggested_letter")
    required_languages = ("en",)


@register(CampaignUpdate)
class CampaignUpdateTranslationOptions(TranslationOptions):
    fields = ("subject", "body")
    required_languages = ("en",)
