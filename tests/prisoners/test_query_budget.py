"""Each public page runs a fixed number of queries, however many rows stand behind it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.budgets import page_queries
from tests.factories import (
    AlternativeNameFactory,
    ArticleFactory,
    CaseFactory,
    PrisonerFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def make_prisoners(count, case, per_person=1):
    """`per_person` sets how many charges, spellings, sources and events each one has."""
    articles = [ArticleFactory(number=str(n)) for n in (174, 256, 272, 405)][:per_person]
    prisoners = PrisonerFactory.create_batch(count, case=case, charges=articles)
    for prisoner in prisoners:
        AlternativeNameFactory.create_batch(per_person, prisoner=prisoner)
        sources = SourceFactory.create_batch(per_person, prisoner=prisoner)
        TimelineEventFactory.create_batch(per_person * 2, prisoner=prisoner, source=sources[0])
    return prisoners


def count_queries(client, url):
    cache.clear()  # the cost of a fresh render, not of the server's page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def few_and_many():
    few_case, many_case = CaseFactory(slug="few"), CaseFactory(slug="many")
    few = make_prisoners(3, few_case, per_person=1)
    many = make_prisoners(55, many_case, per_person=4)
    return few, many


def test_list_page_budget(client, few_and_many):
    few = count_queries(client, "/prisoners/?case=few")
    many = count_queries(client, "/prisoners/?case=many")
    assert few == many
    assert page_queries(client, "/prisoners/?case=many&article=405&q=a") <= 9


def test_profile_page_budget(client, few_and_many):
    few, many = few_and_many
    assert count_queries(client, few[0].get_absolute_url()) == count_queries(
        client, many[0].get_absolute_url()
    )
    assert page_queries(client, many[0].get_absolute_url()) <= 8


def test_case_page_budget(client, few_and_many):
    assert count_queries(client, "/cases/few/") == count_queries(client, "/cases/many/")
    assert page_queries(client, "/cases/many/") <= 4


def test_case_list_and_export_budget(client, few_and_many):
    assert page_queries(client, "/cases/") <= 2
    assert page_queries(client, "/prisoners/export.csv") <= 5
