"""Public pages may be kept by browsers and proxies for a minute, answer conditional GETs
with 304 and come compressed; nothing personal or staff-only is ever made public."""

import pytest
from django.urls import reverse

from tests.factories import PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    prisoner = PrisonerFactory()
    petition = PetitionFactory()
    return [
        "/prisoners/",
        prisoner.get_absolute_url(),
        petition.get_absolute_url(),
        "/ru/prisoners/",
    ]


def test_public_pages_are_cacheable_with_an_etag_and_a_304(client, pages):
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "public, max-age=60", path
        assert not response.cookies, path
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path


def test_public_pages_come_compressed(client, pages):
    response = client.get(pages[0], HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_what_someone_did_and_staff_pages_are_never_public(client, admin_client, pages):
    petition_page = pages[2]
    signed = client.post(
        petition_page, {"name": "A B", "email": "a@example.org", "country": "FR"}, follow=True
    )
    assert signed.redirect_chain and signed.status_code == 200
    # A device that keeps the thanks page would show what its owner signed.
    assert "no-store" in signed["Cache-Control"]
    staff = admin_client.get(reverse("admin:index"))
    assert "public" not in staff.get("Cache-Control", "")
    # A signed-in member of staff reading a public page gets it uncached by proxies.
    read_by_staff = admin_client.get(pages[0])
    assert "public" not in read_by_staff.get("Cache-Control", "")


def test_a_personal_link_is_never_public(client):
    response = client.get(reverse("campaigns:confirm", args=["not-a-real-token"]))
    assert "public" not in response.get("Cache-Control", "")
