"""The API is cached as the public pages are: public for PUBLIC_PAGE_MAX_AGE seconds, with
an ETag and 304 answers to conditional GETs, and no cookie; a petition's count.json for a
few seconds. It is read-only: anything but GET, HEAD or OPTIONS is answered 405."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Signature
from supporters.models import Supporter
from tests.api.conftest import api
from tests.api.test_privacy import public_paths

pytestmark = pytest.mark.django_db

OTHER_PATHS = ["/api/v1/schema/", "/api/v1/schema/?format=json", "/api/v1/docs/"]


def test_every_answer_is_public_with_an_etag_and_a_304(client, world):
    for path in public_paths(world) + OTHER_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        max_age = 5 if path.endswith("count.json") else 60
        assert response["Cache-Control"] == f"public, max-age={max_age}", path
        assert response.has_header("ETag"), path
        assert not response.cookies, path
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path
    assert not client.cookies


def test_an_answer_is_kept_by_the_page_cache_until_content_changes(client, world):
    path = f"/api/v1/prisoners/{world['published'].slug}/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert len(queries) == 0
    world["published"].summary = "Moved to another colony."
    world["published"].save()
    assert api(client, path)["summary"] == "Moved to another colony."


def test_a_count_follows_each_confirmation(client, world, django_capture_on_commit_callbacks):
    path = f"/api/v1/petitions/{world['petition'].slug}/count.json"
    first = client.get(path)
    assert first.json()["count"] == 1
    assert first["ETag"].startswith('W/"')
    # The same count read again is the same answer, though read at another moment.
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    supporter = Supporter.objects.create(email="n@example.org", email_key="n@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        Signature.objects.create(petition=world["petition"], supporter=supporter).confirm()
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["count"] == 2
    assert set(second.json()) == {"slug", "count", "online", "paper", "goal", "updated_at"}
    assert api(client, f"/api/v1/petitions/{world['petition'].slug}/")["count"] == 2


def test_a_staff_session_is_never_shared(admin_client, world):
    """The API answers staff as anyone, but SessionMiddleware renews their cookie on the
    answer: no proxy may keep it."""
    for path in ["/api/v1/prisoners/", f"/api/v1/petitions/{world['petition'].slug}/count.json"]:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path


def test_only_reads_are_allowed(client, world):
    for path in public_paths(world):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(path, {}, content_type="application/json")
            assert response.status_code == 405, (method, path)
        assert client.head(path).status_code == 200, path
