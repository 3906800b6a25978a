"""Anonymous public pages are answered from the server's cache until public content
changes; staff, personal pages and drafts never are, and a cache that is down only makes
pages slower."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from campaigns.services import signing
from core import pagecache
from tests.factories import ArticleFactory, CaseFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client()


def test_a_second_reading_is_served_without_the_database(reader, django_assert_num_queries):
    prisoner = PrisonerFactory(given_name="Aigul")
    first = reader.get("/prisoners/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = reader.get("/prisoners/")
    assert again.content == first.content
    for header in ("Cache-Control", "Content-Language", "X-Frame-Options", "ETag"):
        assert again[header] == first[header], header
    assert "Content-Security-Policy" in again
    assert not again.cookies
    # The cached page still answers conditional GETs and comes compressed.
    assert reader.get("/prisoners/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    gzipped = reader.get("/prisoners/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    profile = reader.get(prisoner.get_absolute_url())
    assert "Aigul" in profile.text
    with django_assert_num_queries(0):
        assert reader.get(prisoner.get_absolute_url()).content == profile.content


def test_each_url_host_and_language_is_its_own_page(reader):
    PrisonerFactory()
    english = reader.get("/prisoners/")
    russian = reader.get("/ru/prisoners/")
    filtered = reader.get("/prisoners/?status=released")
    assert english["Content-Language"] == "en"
    assert russian["Content-Language"] == "ru"
    assert english.content != russian.content != filtered.content
    assert reader.get("/ru/prisoners/").content == russian.content


def test_an_edit_shows_on_the_next_reading(reader, django_capture_on_commit_callbacks):
    prisoner = PrisonerFactory(given_name="Aigul", family_name="Utepova")
    url = prisoner.get_absolute_url()
    assert "Utepova" in reader.get(url).text
    assert "Utepova" in reader.get("/prisoners/").text

    prisoner.family_name = "Utepova-Renamed"
    prisoner.save()
    assert "Utepova-Renamed" in reader.get(url).text
    assert "Utepova-Renamed" in reader.get("/prisoners/").text

    # A charge added (a many-to-many change) shows too.
    article = ArticleFactory(number="174")
    assert "174" not in reader.get(url).text
    prisoner.charges.add(article)
    assert "174" in reader.get(url).text


def test_unpublishing_takes_a_profile_down_at_once(reader):
    prisoner = PrisonerFactory()
    url = prisoner.get_absolute_url()
    assert reader.get(url).status_code == 200
    prisoner.publication = prisoner.Publication.DRAFT
    prisoner.save()
    assert reader.get(url).status_code == 404
    assert prisoner.family_name not in reader.get("/prisoners/").text


def test_an_edit_through_the_admin_shows_on_the_next_reading(reader, admin_client):
    case = CaseFactory(title="The Zhanaozen case")
    PrisonerFactory(case=case)
    assert "The Zhanaozen case" in reader.get(reverse("prisoners:cases")).text
    response = admin_client.post(
        reverse("admin:prisoners_case_change", args=[case.pk]),
        {"title_en": "The Zhanaozen strike case", "slug": case.slug, "summary_en": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    assert "The Zhanaozen strike case" in reader.get(reverse("prisoners:cases")).text


def test_what_supporters_send_does_not_empty_the_cache(reader):
    petition = PetitionFactory()
    reader.get(petition.get_absolute_url())
    before = cache.get(pagecache.GENERATION_KEY, 0)
    signer = Client()
    signed = signer.post(
        petition.get_absolute_url(),
        {"name": "A B", "email": "a@example.org", "country": "FR"},
    )
    assert signed.status_code == 302
    assert cache.get(pagecache.GENERATION_KEY, 0) == before


def stored(response):
    return cache.get(pagecache.PageCacheMiddleware._key(response.wsgi_request)) is not None


def test_staff_and_personal_pages_are_never_served_from_the_cache(reader, admin_client):
    PrisonerFactory()
    assert stored(reader.get("/prisoners/"))
    # A member of staff, signed in, gets the page rendered for them, not the stored one.
    staff_page = admin_client.get("/prisoners/")
    assert "public" not in staff_page.get("Cache-Control", "")
    assert staff_page.wsgi_request.user.is_authenticated
    # Pages that say what someone did, or carry a personal link, are never stored.
    assert not stored(admin_client.get("/ru/prisoners/"))
    petition = PetitionFactory()
    signed = reader.post(
        petition.get_absolute_url(),
        {"name": "A B", "email": "a@example.org", "country": "FR"},
        follow=True,
    )
    assert signed.redirect_chain and not stored(signed)
    assert not stored(reader.get(reverse("campaigns:confirm", args=["not-a-real-token"])))


def test_a_cache_that_is_down_only_makes_pages_slower(reader, settings):
    PrisonerFactory(given_name="Aigul")
    # A real Redis client, pointed at a port where nothing answers.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    try:
        assert "Aigul" in reader.get("/prisoners/").text
        assert "Aigul" in reader.get("/prisoners/").text
    finally:
        from core import ratelimit

        ratelimit.reset()


@pytest.mark.parametrize(
    ("status", "cache_control", "cookie", "kept"),
    [
        (200, "public, max-age=60", False, True),
        (200, "", False, False),
        (200, "max-age=0, no-cache, no-store, must-revalidate, private", False, False),
        (200, "public, max-age=60", True, False),
        (404, "public, max-age=60", False, False),
    ],
)
def test_only_public_pages_that_set_no_cookie_are_kept(status, cache_control, cookie, kept):
    response = HttpResponse("page", status=status)
    if cache_control:
        response["Cache-Control"] = cache_control
    if cookie:
        response.set_cookie("sessionid", "x")
    assert pagecache.PageCacheMiddleware._may_store(response) is kept


@pytest.mark.django_db(transaction=True)
def test_a_petition_page_shows_a_new_signature_on_the_next_reading(reader, settings):
    """Counted at commit (a transactional test: on_commit callbacks run), and not more
    than once in PAGE_TAG_INTERVAL seconds."""
    settings.SIGNING_ADDRESS_LIMITS = [(10**6, 60)]
    petition = PetitionFactory()
    url = petition.get_absolute_url()
    signatures = iter(range(10))

    def sign_and_confirm(petition):
        n = next(signatures)
        signing.signature_create(
            petition=petition, name=f"S {n}", email=f"s{n}@example.org", country="FR", ip=""
        ).confirm()

    assert "0 signatures" in reader.get(url).text
    assert stored(reader.get(url))
    sign_and_confirm(petition=petition)  # confirmed and counted
    assert "1 signature" in reader.get(url).text
    # Within the interval, the next signature waits for it (or for the page to expire).
    sign_and_confirm(petition=petition)
    assert "1 signature" in reader.get(url).text
    settings.PAGE_TAG_INTERVAL = 0
    cache.delete(f"pages:recent:{petition.count_tag}")
    sign_and_confirm(petition=petition)
    assert "3 signatures" in reader.get(url).text
