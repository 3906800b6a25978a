"""The embeddable petition: a card with the count, the goal and a link to sign, that partner
sites show in a frame. It is the only page that may be framed, from the page cache and on
revalidation too; every other page keeps refusing."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns import services
from campaigns.models import Campaign
from tests.core.test_hardening import inline_code
from tests.factories import CampaignFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    """An anonymous visitor, apart from the `client` that admin_client signs in."""
    return Client()


def embed_url(petition, language="en"):
    with translation.override(language):
        return reverse("campaigns:embed", kwargs={"slug": petition.slug})


def words(response):
    return " ".join(response.content.decode().split())


def sign(petition, n, **extra):
    return services.signature_create(
        petition=petition,
        name=f"Zhanargul Signer{n}",
        email=f"signer{n}@example.org",
        country="KZ",
        ip=f"192.0.2.{n}",
        **extra,
    ).confirm()


@pytest.mark.parametrize(
    ("language", "count_words", "goal_words", "sign_words"),
    [
        ("en", "3 signatures", "Goal: 100", "Sign the petition"),
        ("ru", "3 подписи", "Цель: 100", "Подписать петицию"),
        ("kk", "3 қолтаңба", "Мақсат: 100", "Петицияға қол қою"),
    ],
)
def test_the_card_shows_the_count_the_goal_and_a_link_in_each_language(
    reader, language, count_words, goal_words, sign_words, django_assert_max_num_queries
):
    petition = PetitionFactory(title="Free Aigul Utepova", goal=100)
    for n in range(3):
        sign(petition, n)
    with django_assert_max_num_queries(1):
        response = reader.get(embed_url(petition, language))
    assert response.status_code == 200
    page = words(response)
    assert f'<html lang="{language}">' in page
    assert "<title>Free Aigul Utepova</title>" in page
    assert count_words in page and goal_words in page
    assert '<progress id="goal-progress" max="100" value="3">' in page
    with translation.override(language):
        petition_url = petition.get_absolute_url()
    # Signing happens on the petition's own page, in a tab of its own.
    link = re.search(r'<a class="embed-action" href="([^"]+)" ([^>]+)>', page)
    assert link[1] == petition_url + "?utm_source=embed"
    assert link[2] == 'target="_blank" rel="noopener"'
    assert sign_words in page
    assert "<form" not in page and "<script" not in page
    assert not inline_code(page)
    assert response["Content-Language"] == language
    assert "public" in response["Cache-Control"]


def test_a_closed_petition_says_so_and_links_to_its_page(reader):
    petition = PetitionFactory(campaign=CampaignFactory(status=Campaign.Status.CLOSED))
    page = words(reader.get(embed_url(petition)))
    assert "This petition is closed and no longer takes signatures." in page
    assert "Sign the petition" not in page
    assert f'href="{petition.get_absolute_url()}" target="_blank" rel="noopener"' in page


def test_only_petitions_of_public_campaigns_are_embedded(reader):
    draft = PetitionFactory(campaign=CampaignFactory(status=Campaign.Status.DRAFT))
    assert reader.get(embed_url(draft)).status_code == 404
    assert reader.get(embed_url(draft, "ru")).status_code == 404
    assert reader.get("/embed/petitions/no-such-petition/").status_code == 404


def test_the_card_shows_no_signer_and_nothing_they_wrote(reader):
    petition = PetitionFactory()
    sign(petition, 1, show_name=True, comment="Greetings from Almaty")
    page = reader.get(embed_url(petition)).content.decode()
    assert "1 signature" in page  # the signature is counted...
    for personal in ("Zhanargul", "Signer1", "signer1@", "Almaty", "KZ", "Kazakhstan"):
        assert personal not in page  # ...and nothing about who signed is shown


def test_the_count_is_fresh_although_the_card_is_cached(reader, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    url = embed_url(petition)
    assert "0 signatures" in words(reader.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        sign(petition, 1)
    assert "1 signature" in words(reader.get(url))


def frameable(response):
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy  # still strict
    return "X-Frame-Options" not in response and "frame-ancestors *" in policy


def refuses_frames(response):
    return (
        response.get("X-Frame-Options") == "DENY"
        and "frame-ancestors 'none'" in response["Content-Security-Policy"]
    )


def test_only_the_card_may_be_framed_also_when_served_from_the_page_cache(
    reader, admin_client, django_assert_num_queries
):
    petition = PetitionFactory()
    prisoner = PrisonerFactory()
    for language in ("en", "ru", "kk"):
        url = embed_url(petition, language)
        assert frameable(reader.get(url)), url
        with django_assert_num_queries(0):  # the copy kept by the page cache
            assert frameable(reader.get(url)), url
    for url in (petition.get_absolute_url(), "/prisoners/", prisoner.get_absolute_url()):
        assert refuses_frames(reader.get(url)), url
        with django_assert_num_queries(0):
            assert refuses_frames(reader.get(url)), url
    for url in (reverse("admin:index"), reverse("admin:campaigns_petition_changelist")):
        assert refuses_frames(admin_client.get(url)), url
    # Staff see the card framed too, rendered for them.
    assert frameable(admin_client.get(embed_url(petition)))


def test_a_revalidated_card_keeps_its_framing(reader):
    """Browsers put the policy of a 304 in place of the one they stored with the page: a
    304 carrying frame-ancestors 'none' would blank every partner's frame after a minute."""
    petition = PetitionFactory()
    url = embed_url(petition)
    first = reader.get(url)
    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert "'none'" not in again.get("Content-Security-Policy", "")
    assert "X-Frame-Options" not in again
    # Other pages' 304s keep refusing: the browser keeps the policy their 200 came with.
    other = reader.get(petition.get_absolute_url())
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]
    again = reader.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=other["ETag"])
    assert again.status_code == 304
    assert "Content-Security-Policy" not in again


def test_an_error_page_under_embed_keeps_the_strict_policy(reader):
    response = reader.get("/embed/petitions/no-such-petition/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_sites_that_may_frame_the_card_are_configurable(reader, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example.org", "https://ally.example"]
    policy = reader.get(embed_url(PetitionFactory()))["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example.org https://ally.example;" in policy + ";"


def test_staff_who_run_campaigns_get_the_code_to_embed(client, role_client, settings):
    settings.SITE_URL = "https://prisoners.example.org"
    petition = PetitionFactory(title='Free "Aigul" & co', slug="free-aigul")
    url = reverse("admin:campaigns_petition_change", args=[petition.pk])
    page = role_client("Campaigner").get(url).content.decode()
    for path in ("/embed/petitions/free-aigul/", "/ru/embed/petitions/free-aigul/"):
        assert (
            "&lt;iframe src=&quot;https://prisoners.example.org" + path + "&quot; "
            "title=&quot;Free &amp;quot;Aigul&amp;quot; &amp;amp; co&quot; "
            "width=&quot;100%&quot; height=&quot;260&quot; loading=&quot;lazy&quot;"
        ) in page
    assert "<iframe" not in page  # shown to copy, never put in the staff page
    client.logout()
    assert role_client("Editor", username="editor").get(url).status_code == 403


def test_a_new_petition_gets_its_code_once_saved(admin_client):
    page = admin_client.get(reverse("admin:campaigns_petition_add")).content.decode()
    assert "Save the petition to get the code" in page
