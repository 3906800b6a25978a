"""The petition page: when its count was taken, and the country a signer gives."""

import pytest
from django.utils import translation

from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"), [("en", "may be up to 61 seconds behind"), ("ru", "отставать до 61 с")]
)
def test_the_petition_page_shows_when_the_count_was_taken(client, settings, language, words):
    settings.PUBLIC_PAGE_MAX_AGE, settings.PAGE_TAG_INTERVAL = 60, 1
    petition = PetitionFactory()
    with translation.override(language):
        url = petition.get_absolute_url()
    page = client.get(url).content.decode()
    assert words in page
    assert '<time datetime="20' in page


@pytest.mark.parametrize("country", ["XX", "kz", "Kazakhstan"])
def test_a_country_that_is_not_a_code_is_refused_beside_the_field(client, country):
    petition = PetitionFactory()
    response = client.post(
        petition.get_absolute_url(),
        {"name": "Aigul", "email": "aigul@example.org", "country": country},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not petition.signatures.exists()
