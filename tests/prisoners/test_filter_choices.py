"""The list's case and article menus come from the cache, and offer only what published
profiles use."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prisoners.models import Prisoner
from tests.factories import ArticleFactory, CaseFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


def test_the_menus_are_read_once_and_then_from_the_cache(client):
    published = ArticleFactory(number="405", title="extremism")
    hidden = ArticleFactory(number="999", title="draft only")
    case = CaseFactory(title="Open case")
    PrisonerFactory(case=case, charges=[published])
    PrisonerFactory(
        case=CaseFactory(title="Hidden case"),
        charges=[hidden],
        publication=Prisoner.Publication.DRAFT,
    )
    cache.clear()
    first = client.get("/prisoners/?status=convicted").content.decode()
    assert "Open case" in first and "405 (extremism)" in first
    assert "Hidden case" not in first and "draft only" not in first
    # Another URL, so the page itself is not served from the cache.
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"/prisoners/?status=pretrial&case={case.slug}&article=405")
    assert second.status_code == 200
    menus = [q["sql"] for q in queries if "EXISTS" in q["sql"].upper()]
    assert menus == []


def test_an_unknown_or_unpublished_choice_is_refused_beside_the_field(client):
    hidden = CaseFactory(title="Hidden case")
    PrisonerFactory(case=hidden, publication=Prisoner.Publication.DRAFT)
    response = client.get(f"/prisoners/?case={hidden.slug}")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
