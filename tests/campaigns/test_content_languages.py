"""Campaigns, petitions and letter actions in each language, with the text that exists
marked with its own lang where a translation is missing."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CampaignFactory,
    PetitionFactory,
    PrisonerFactory,
    TimelineEventFactory,
)

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


# Emails -----------------------------------------------------------------------------------


def html_part(message):
    return next(body for body, kind in message.alternatives if kind == "text/html")


def signed_in(language, petition, n=1):
    from django.core import mail

    from campaigns import services
    from outbox import tasks as outbox_tasks

    mail.outbox.clear()
    services.signature_create(
        petition=petition,
        name="Dana",
        email=f"dana{n}@example.org",
        country="KZ",
        ip=f"192.0.2.{n}",
        language=language,
    )
    outbox_tasks.send_due_emails()
    [message] = mail.outbox
    return message


def test_a_confirmation_email_marks_a_title_in_another_language():
    petition = PetitionFactory(title_en="Release them", title_ru=None, title_kk=None)
    message = signed_in("kk", petition)
    assert '<span lang="en">Release them</span>' in html_part(message)
    assert "Release them" in message.body and "<span" not in message.body
    assert "Release them" in message.subject and "<span" not in message.subject


def test_a_confirmation_email_in_the_titles_language_is_unmarked_and_falls_back_in_order():
    petition = PetitionFactory(title_en="Release them", title_ru="Освободите их", title_kk=None)
    russian = html_part(signed_in("ru", petition, 1))
    assert "Освободите их" in russian and "<span lang" not in russian
    # Kazakh falls back to Russian before English.
    assert '<span lang="ru">Освободите их</span>' in html_part(signed_in("kk", petition, 2))


def test_a_hearing_reminder_gives_each_follower_the_description_in_their_language():
    import datetime

    from django.core import mail
    from django.utils import timezone

    from campaigns import services
    from outbox import tasks as outbox_tasks

    prisoner = PrisonerFactory()
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(prisoner)
    for n, language in enumerate(("en", "kk"), start=1):
        services.signature_create(
            petition=petition,
            name=f"Follower {n}",
            email=f"f{n}@example.org",
            country="FR",
            mailing=True,
            ip=f"192.0.2.{n}",
            language=language,
        ).supporter.confirm_address()
    TimelineEventFactory(
        prisoner=prisoner,
        kind="hearing",
        date=timezone.localdate() + datetime.timedelta(days=2),
        description_en="Appeal hearing",
        description_ru="Апелляция",
    )
    mail.outbox.clear()
    services.action_reminders_send()
    outbox_tasks.send_due_emails()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Appeal hearing" in html_part(by_address["f1@example.org"])
    assert "<span lang" not in html_part(by_address["f1@example.org"])
    assert '<span lang="ru">Апелляция</span>' in html_part(by_address["f2@example.org"])
    assert "Апелляция" in by_address["f2@example.org"].body


def test_an_untranslated_suggested_letter_carries_its_language_on_the_box(client):
    from campaigns.models import LetterAction

    campaign = CampaignFactory()
    action = LetterAction.objects.create(
        campaign=campaign,
        title="Write to the Prosecutor",
        slug="write-to-the-prosecutor",
        subject="Release them",
        suggested_letter_en="Dear Prosecutor, release them.",
    )
    html = get(client, "campaigns:letter", action.slug, "ru")
    box = html.split("</textarea>")[0].rsplit("<textarea", 1)[1]
    assert 'lang="en"' in box and "Dear Prosecutor, release them." in box
    assert "Пока не переведено на русский язык." in html

    action.suggested_letter_ru = "Уважаемый прокурор, освободите их."
    action.save()
    html = get(client, "campaigns:letter", action.slug, "ru")
    box = html.split("</textarea>")[0].rsplit("<textarea", 1)[1]
    assert 'lang="en"' not in box and "Уважаемый прокурор" in box
    assert "Пока не переведено" not in html
