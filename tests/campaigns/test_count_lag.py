"""The petition's count says when it was counted and how far behind a copy may be."""

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
