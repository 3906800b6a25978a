"""Query budgets: how many queries a page runs, after checking that it answered."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url, status=200, **params):
    """The number of queries behind one GET, which must answer `status`: a budget test
    that counts the queries of an error page proves nothing. The page is rendered afresh:
    the server's cache of pages and fragments is emptied first."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params) if params else client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return len(queries)
