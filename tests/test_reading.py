"""What a reader sees: counts written as their language writes numbers, article numbers with
their titles on the list, a timeline labelled by kind, how to help on every profile, and a
footer that says who runs the site, with a privacy notice that says what it keeps."""

import re
import urllib.parse

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from prisoners.models import TimelineEvent
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    PetitionFactory,
    PrisonerFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
# How each language writes 1234 and 5000.
NUMBERS = {"en": ("1,234", "5,000"), "ru": (f"1{NBSP}234", f"5{NBSP}000")}
NUMBERS["kk"] = NUMBERS["ru"]


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def text(response):
    """The page's words, tags dropped and spaces (not the non-breaking ones) collapsed."""
    html = response.content.decode()
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\r\n]+", " ", html)


@pytest.fixture
def petition():
    petition = PetitionFactory(goal=5000, campaign__slug="free-them")
    petition.counter_shards.create(shard=0, count=1234)
    cache.clear()
    return petition


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_counts_and_goals_are_written_with_thousands_separators(client, petition, language):
    count, goal = NUMBERS[language]
    pages = [
        url("campaigns:petition", language, slug=petition.slug),
        url("campaigns:embed", language, slug=petition.slug),
        url("campaigns:detail", language, slug=petition.campaign.slug),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        words = text(response)
        assert count in words, page
        assert goal in words, page
    # Numbers inside attributes stay numbers a browser can read.
    html = client.get(pages[0]).content.decode()
    assert 'max="5000" value="1234"' in html


def test_english_petition_reads_1234_signatures_of_a_goal_of_5000(client, petition):
    words = text(client.get(petition.get_absolute_url()))
    assert "1,234 signatures" in words
    assert "Goal: 5,000" in words


def test_list_cards_show_each_article_with_its_title(client):
    article = ArticleFactory(
        number="174",
        title_en="Inciting social, national or religious discord",
        title_ru="Возбуждение социальной, национальной или религиозной розни",
        title_kk="",
    )
    PrisonerFactory(charges=[article])
    en = text(client.get(url("prisoners:list")))
    assert "Art. 174 — Inciting social, national or religious discord" in en
    ru = client.get(url("prisoners:list", "ru")).content.decode()
    assert "Возбуждение социальной, национальной или религиозной розни" in ru
    # No Kazakh title yet: the Russian one, marked as Russian for screen readers.
    kk = client.get(url("prisoners:list", "kk")).content.decode()
    assert '<span lang="ru">Возбуждение социальной, национальной или религиозной розни</span>' in kk


def test_the_list_reads_the_articles_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    articles = [ArticleFactory(number=str(n), title=f"Article {n}") for n in (174, 256, 272)]
    case = CaseFactory()
    PrisonerFactory.create_batch(24, case=case, charges=articles)
    cache.clear()
    with django_assert_max_num_queries(9):
        response = client.get(url("prisoners:list"))
    assert text(response).count("Art. 256 — Article 256") == 24


def test_timeline_entries_carry_their_kind_but_never_other(client):
    prisoner = PrisonerFactory()
    TimelineEventFactory(
        prisoner=prisoner, kind=TimelineEvent.Kind.DETAINED, description="Taken from his home"
    )
    TimelineEventFactory(
        prisoner=prisoner, kind=TimelineEvent.Kind.OTHER, description="His family was warned"
    )
    words = text(client.get(prisoner.get_absolute_url()))
    # The timeline alone: the factory's made-up summary may say "Other" on its own.
    timeline = words.split("Timeline", 1)[1].split("How to help", 1)[0]
    assert "Detained : Taken from his home" in timeline
    assert "His family was warned" in timeline
    assert "Other" not in timeline


def test_every_profile_offers_sharing_with_its_address_and_name(client):
    prisoner = PrisonerFactory(given_name="Aigerim", family_name="Nurlanova", slug="aigerim")
    html = client.get(prisoner.get_absolute_url()).content.decode()
    address = urllib.parse.quote("http://testserver/prisoners/aigerim/", safe="")
    name = urllib.parse.quote("Aigerim Nurlanova", safe="")
    help_box = html.split('id="help-heading"')[1].split("</section>")[0]
    for link in (
        f"mailto:?subject={name}&amp;body={address}",
        f"https://t.me/share/url?url={address}&amp;text={name}",
        f"https://wa.me/?text={name}%20{address}",
        f"https://www.facebook.com/sharer/sharer.php?u={address}",
        f"https://x.com/intent/post?url={address}&amp;text={name}",
    ):
        assert f'href="{link}"' in help_box, link
    # Without letters accepted, no address and no invitation to write.
    assert "<address>" not in help_box
    assert "message of solidarity" not in help_box


def test_a_profile_that_accepts_letters_gives_the_address_and_how_to_write(client):
    prisoner = PrisonerFactory(
        given_name="Aigerim",
        letters_accepted=True,
        letters_address="Colony UG-157/11\nMangystau region",
    )
    response = client.get(prisoner.get_absolute_url())
    words = text(response)
    assert "Write to Aigerim" in words
    assert "Colony UG-157/11 Mangystau region" in words
    assert "Prison staff read every letter" in words
    assert reverse("campaigns:message", args=[prisoner.slug]) in response.content.decode()


def test_a_profile_leads_to_its_live_campaign_and_its_actions(client):
    prisoner = PrisonerFactory()
    petition = PetitionFactory(campaign__title="Free the journalists")
    petition.campaign.featured_prisoners.add(prisoner)
    cache.clear()
    response = client.get(prisoner.get_absolute_url())
    help_box = response.content.decode().split('id="help-heading"')[1].split("</section>")[0]
    assert f'href="{petition.campaign.get_absolute_url()}"' in help_box
    assert "Free the journalists" in help_box
    assert f'href="{petition.get_absolute_url()}"' in help_box


ORGANISATION = {
    "ORGANISATION_NAME": "Kazakhstan Prisoners Watch",
    "ORGANISATION_EMAIL": "privacy@watch.example.org",
    "ORGANISATION_ADDRESS": "PO Box 12\n1000 Example City",
}


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_page_has_a_footer_with_the_organisation_and_the_privacy_notice(
    client, settings, language
):
    for name, value in ORGANISATION.items():
        setattr(settings, name, value)
    response = client.get(url("prisoners:list", language))
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert "Kazakhstan Prisoners Watch" in footer
    assert 'href="mailto:privacy@watch.example.org"' in footer
    assert "PO Box 12<br>1000 Example City" in footer
    assert f'href="{url("campaigns:privacy", language)}"' in footer


def test_the_privacy_notice_says_who_keeps_what_why_for_how_long_and_how_to_object(
    client, settings
):
    for name, value in ORGANISATION.items():
        setattr(settings, name, value)
    response = client.get(url("campaigns:privacy"))
    assert response.status_code == 200
    words = text(response)
    main = words.split("Privacy notice", 1)[1]
    for fact in (
        "Kazakhstan Prisoners Watch runs this site",  # the controller
        "privacy@watch.example.org",
        "your name, email address and country, the comment",  # what signing collects
        "Never your IP address",
        "legitimate interest",
        "consent",
        "Only the members of our staff who have been given access",
        "first name and country appear among the recent signers",
        "A signature you never confirm is deleted after 30 days",
        "No cookies",
        "Withdraw a signature",
        "link to unsubscribe",
        "complain to the data-protection authority",
    ):
        assert fact in main, fact
    # The way to use those rights is on the same page.
    assert 'id="your-data"' in response.content.decode()
    assert 'name="email"' in response.content.decode()


@pytest.mark.parametrize(
    "language, heading, rights",
    [
        ("ru", "Политика конфиденциальности", "Ваши права"),
        ("kk", "Құпиялылық саясаты", "Сіздің құқықтарыңыз"),
    ],
)
def test_the_privacy_notice_is_translated(client, language, heading, rights):
    html = client.get(url("campaigns:privacy", language)).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f">{rights}</h2>" in html
    assert "Your rights" not in html
