"""Share images: every profile, case, campaign and petition has a 1200 by 630 picture, in
the language of its page, drawn again when what it shows changes; every public page names
it, and the site, its language and the card type, for social networks."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from campaigns.models import Campaign
from campaigns.services import signing
from prisoners.models import Prisoner
from tests.factories import CampaignFactory, CaseFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db
RED = (220, 20, 20)


@pytest.fixture
def reader():
    return Client()


def picture(response):
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert response["Content-Type"] == Image.MIME[image.format]
    return image


def red_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), RED).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


@pytest.fixture
def things(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = CaseFactory(title="Zhanaozen case", slug="zhanaozen")
    with_photo = PrisonerFactory(
        slug="with-photo",
        case=case,
        given_name="Marat",
        family_name="Zhylanbayev",
        given_name_cyrillic="Марат",
        family_name_cyrillic="Жыланбаев",
    )
    with_photo.photo.save("photo.jpg", red_photo())
    without_photo = PrisonerFactory(slug="without-photo", case=case)
    petition = PetitionFactory(slug="free-them", goal=50_000)
    campaign = petition.campaign
    campaign.featured_prisoners.add(with_photo)
    return {
        "/prisoners/with-photo/": with_photo,
        "/prisoners/without-photo/": without_photo,
        "/cases/zhanaozen/": case,
        f"/campaigns/{campaign.slug}/": campaign,
        "/petitions/free-them/": petition,
        "/prisoners/": None,
    }


PAGES = [
    "/prisoners/with-photo/",
    "/prisoners/without-photo/",
    "/cases/zhanaozen/",
    "campaign",
    "/petitions/free-them/",
    "/prisoners/",
]


def page_url(things, page):
    if page == "campaign":
        return next(url for url in things if url.startswith("/campaigns/"))
    return page


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["", "/ru", "/kk"])
def test_every_share_image_is_1200_by_630_and_public(reader, things, page, language):
    url = language + page_url(things, page) + "share.png"
    response = reader.get(url)
    image = picture(response)
    assert image.size == (1200, 630)
    assert image.mode == "RGB"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def test_a_profile_shows_its_photo_and_otherwise_the_placeholder(reader, things):
    with_photo = picture(reader.get("/prisoners/with-photo/share.png"))
    without_photo = picture(reader.get("/prisoners/without-photo/share.png"))
    assert with_photo.format == without_photo.format == "JPEG"
    red, green, blue = with_photo.getpixel((1000, 315))
    assert red > 180 and green < 60 and blue < 60
    red, green, blue = without_photo.getpixel((1000, 315))
    assert abs(red - green) < 40  # the grey placeholder, not a colour
    # Text alone is a PNG, sharper than a JPEG.
    assert picture(reader.get("/petitions/free-them/share.png")).format == "PNG"


def test_a_photo_lost_from_storage_leaves_the_placeholder(reader, things):
    prisoner = things["/prisoners/with-photo/"]
    prisoner.photo.storage.delete(prisoner.photo.name)
    image = picture(reader.get("/prisoners/with-photo/share.png"))
    red, green, _blue = image.getpixel((1000, 315))
    assert abs(red - green) < 40


def test_nothing_unpublished_has_an_image(reader, things):
    prisoner = things["/prisoners/without-photo/"]
    draft_case = CaseFactory(slug="draft-case")
    PrisonerFactory(case=draft_case, publication=Prisoner.Publication.DRAFT, slug="draft")
    draft = CampaignFactory(status=Campaign.Status.DRAFT, slug="draft-campaign")
    PetitionFactory(campaign=draft, slug="draft-petition")
    prisoner.unpublish()
    for url in (
        "/prisoners/without-photo/share.png",
        "/prisoners/draft/share.png",
        "/cases/draft-case/share.png",
        "/campaigns/draft-campaign/share.png",
        "/petitions/draft-petition/share.png",
        "/ru/prisoners/draft/share.png",
    ):
        assert reader.get(url).status_code == 404, url


def test_an_image_is_in_the_language_of_its_page(reader, things):
    for page in ("/prisoners/with-photo/", "/petitions/free-them/", "/cases/zhanaozen/"):
        english = picture(reader.get(f"{page}share.png")).convert("RGB")
        russian = picture(reader.get(f"/ru{page}share.png")).convert("RGB")
        # The text, on the left: the name in Cyrillic, the status, the count in Russian.
        left = (0, 0, 700, 630)
        assert english.crop(left).tobytes() != russian.crop(left).tobytes(), page


def test_the_days_in_detention_are_drawn(reader, things):
    """Another detention date draws other words, with nothing else changed."""
    prisoner = things["/prisoners/without-photo/"]
    before = reader.get("/prisoners/without-photo/share.png").content
    Prisoner.objects.filter(pk=prisoner.pk).update(detained_on=prisoner.detained_on.replace(2020))
    cache.clear()
    assert reader.get("/prisoners/without-photo/share.png").content != before


def test_an_edit_draws_the_profile_image_again(reader, things, django_assert_num_queries):
    prisoner = things["/prisoners/without-photo/"]
    url = "/prisoners/without-photo/share.png"
    first = reader.get(url).content
    with django_assert_num_queries(0):  # kept by the page cache
        assert reader.get(url).content == first
    prisoner.status = Prisoner.Status.PRETRIAL
    prisoner.save()
    assert reader.get(url).content != first


def test_a_petition_image_shows_the_new_count(
    reader, things, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_ADDRESS_LIMITS = [(10**6, 60)]
    settings.PAGE_TAG_INTERVAL = 0
    petition = things["/petitions/free-them/"]
    campaign_url = f"{petition.campaign.get_absolute_url()}share.png"
    url = "/petitions/free-them/share.png"
    before, campaign_before = reader.get(url).content, reader.get(campaign_url).content
    assert reader.get(url).content == before  # kept
    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_create(
            petition=petition, name="S", email="s@example.org", country="FR", ip=""
        ).confirm()
    # Only the count moved, no public content: the tag drops the kept image.
    assert reader.get(url).content != before
    assert reader.get(campaign_url).content != campaign_before


def meta(html):
    """{property or name: [content, ...]} of the page's <meta> tags."""
    found = {}
    for tag in re.findall(r"<meta [^>]*>", html):
        key = re.search(r'(?:property|name)="([^"]+)"', tag)
        content = re.search(r'content="([^"]*)"', tag)
        if key and content:
            found.setdefault(key.group(1), []).append(content.group(1))
    return found


@pytest.mark.parametrize("page", [*PAGES, "/campaigns/", "/cases/"])
@pytest.mark.parametrize(
    ("language", "locale", "alternates"),
    [("", "en_GB", {"ru_RU", "kk_KZ"}), ("/ru", "ru_RU", {"en_GB", "kk_KZ"})],
)
def test_every_page_names_its_share_image(reader, things, page, language, locale, alternates):
    url = language + page_url(things, page)
    tags = meta(reader.get(url).text)
    assert tags["og:site_name"] == ["Политзаключённые" if language else "Political prisoners"]
    assert tags["og:locale"] == [locale]
    assert set(tags["og:locale:alternate"]) == alternates
    assert tags["twitter:card"] == ["summary_large_image"]
    [image] = tags["og:image"]
    # A list page shows the site's image, which is the list of prisoners' one.
    own = f"{language}/prisoners/" if page in ("/campaigns/", "/cases/") else url
    assert image == f"http://testserver{own}share.png"
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    assert tags["og:image:alt"][0]


def test_a_russian_page_describes_itself_in_russian(reader, things):
    for url in ("/ru/prisoners/", "/ru/cases/", "/ru/campaigns/"):
        [description] = meta(reader.get(url).text)["description"]
        assert re.search("[а-я]", description) and not re.search("[a-z]", description), url
