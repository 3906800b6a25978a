"""Campaigns, petitions and letter actions in each language, with the text that exists
marked with its own lang where a translation is missing."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CampaignFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def get(client, url_name, slug, language):
    with translation.override(language):
        response = client.get(reverse(url_name, kwargs={"slug": slug}))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_translated_campaign_and_petition_show_in_the_page_language(client):
    campaign = CampaignFactory(
        title_en="Free the journalists", title_ru="Свободу журналистам", summary_ru="Кратко."
    )
    petition = PetitionFactory(
        campaign=campaign,
        title_en="Release them",
        title_ru="Освободите их",
        target_ru="Президенту",
        text_ru="Мы призываем.",
    )
    html = get(client, "campaigns:detail", campaign.slug, "ru")
    assert "<h1>Свободу журналистам</h1>" in html
    assert "Освободите их</a>" in html
    html = get(client, "campaigns:petition", petition.slug, "ru")
    assert "<title>Освободите их" in html
    assert "<h1>Освободите их</h1>" in html
    assert "<p>Мы призываем.</p>" in html
    assert "Not yet translated" not in html and "Пока не переведено" not in html


def test_an_untranslated_petition_shows_the_english_marked_and_noted(client):
    petition = PetitionFactory(title_en="Release them", text_en="We call for their release.")
    html = get(client, "campaigns:petition", petition.slug, "ru")
    assert '<h1><span lang="en">Release them</span></h1>' in html
    assert '<div lang="en"><p>We call for their release.</p></div>' in html
    assert "Пока не переведено на русский язык." in html


def test_the_admin_has_the_campaign_and_petition_texts_side_by_side(admin_client):
    petition = PetitionFactory()
    html = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[petition.campaign.pk])
    ).content.decode()
    assert "field-title_en field-title_ru field-title_kk" in html
    assert 'name="petitions-0-text_kk"' in html
    assert 'name="letter_actions-__prefix__-suggested_letter_ru"' in html
