"""Nothing unpublished reaches the public: a crawl of every public page, and every public
URL of every unpublished object, with drafts of each kind seeded beside the demo data."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from campaigns.models import Campaign, LetterAction, Petition, Signature
from campaigns.services.signing import confirm_token
from declarations.models import Declaration
from declarations.services import pledge_token
from prisoners.models import Prisoner
from supporters.models import Supporter
from tests.factories import (
    CaseFactory,
    DeclarationFactory,
    ParliamentarianFactory,
    PrisonerFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

MARK = "UNPUBLISHED"


@pytest.fixture
def drafts(demo_data):
    case = CaseFactory(title=f"{MARK} case", slug="unpublished-case")
    prisoner = PrisonerFactory(
        given_name=MARK,
        family_name="Prisoner",
        slug="unpublished-prisoner",
        case=case,
        publication=Prisoner.Publication.DRAFT,
        letters_accepted=True,
        region=f"{MARK} region",
    )
    campaign = Campaign.objects.create(
        title=f"{MARK} campaign", slug="unpublished-campaign", summary=MARK, status="draft"
    )
    campaign.featured_prisoners.add(prisoner, Prisoner.objects.published().first())
    petition = Petition.objects.create(
        campaign=campaign,
        title=f"{MARK} petition",
        slug="unpublished-petition",
        target=MARK,
        text=MARK,
    )
    action = LetterAction.objects.create(
        campaign=campaign,
        title=f"{MARK} letter",
        slug="unpublished-letter",
        subject=MARK,
        suggested_letter=MARK,
    )
    supporter = Supporter.objects.create(email="s@example.org", email_key="s@example.org", name="S")
    signature = Signature.objects.create(petition=petition, supporter=supporter)
    member = ParliamentarianFactory(surname=f"{MARK}MEMBER")
    objects = {
        "prisoner": prisoner,
        "case": case,
        "campaign": campaign,
        "petition": petition,
        "action": action,
        "signature": signature,
        "member": member,
    }
    for status in ("draft", "withdrawn"):
        declaration = DeclarationFactory(title=f"{MARK} {status} declaration", status=status)
        declaration.prisoners.add(prisoner)
        SignatoryFactory(
            declaration=declaration,
            parliamentarian=member,
            status="signed",
            delegation_at_signing=member.delegation,
        )
        objects[status] = declaration
    objects["invitation"] = SignatoryFactory(declaration=objects["withdrawn"])
    return objects


def crawl(client, starts, limit=2000):
    seen, queue, pages = set(), list(starts), {}
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        pages[url] = response
        if response.status_code == 302:
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = response
        for href in re.findall(r'href="([^"#]+)', html):
            href = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(href)
            if parts.netloc or parts.path.startswith(("/static/", "/media/", "/admin/")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_no_public_page_shows_anything_unpublished(client, drafts, settings):
    settings.EXPORT_IP_LIMITS = [(100, 60)]  # the crawl exports in every language
    pages = crawl(client, ["/", "/ru/", "/prisoners/export.csv", "/prisoners/export.json"])
    assert len(pages) > 150  # the demo's prisoners, cases, declarations and members
    leaks = [url for url, response in pages.items() if MARK.encode() in response.content]
    assert leaks == []


def test_every_public_url_of_an_unpublished_object_is_not_found(client, drafts):
    urls = [
        reverse("prisoners:detail", args=[drafts["prisoner"].slug]),
        reverse("prisoners:case", args=[drafts["case"].slug]),
        reverse("campaigns:detail", args=[drafts["campaign"].slug]),
        reverse("campaigns:petition", args=[drafts["petition"].slug]),
        reverse("campaigns:thanks", args=[drafts["petition"].slug]),
        reverse("campaigns:letter", args=[drafts["action"].slug]),
        reverse("campaigns:message", args=[drafts["prisoner"].slug]),
        reverse("campaigns:confirm", args=[confirm_token(drafts["signature"])]),
        reverse("declarations:detail", args=[drafts["draft"].pk]),
        reverse("declarations:detail", args=[drafts["withdrawn"].pk]),
        reverse("declarations:parliamentarian", args=[drafts["member"].pk]),
        reverse("declarations:pledge", args=[pledge_token(drafts["invitation"])]),
    ]
    for url in urls + [f"/ru{url}" for url in urls]:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert MARK.encode() not in response.content
        # Read-only pages answer a POST with 405, as for published objects; forms with 404.
        response = client.post(url)
        assert response.status_code in (404, 405), (url, response.status_code)
        assert MARK.encode() not in response.content
    assert drafts["signature"].status == Signature.Status.PENDING  # the POST confirmed nothing
    assert Declaration.objects.get(pk=drafts["invitation"].declaration_id).status == "withdrawn"


def test_photos_are_served_only_while_the_profile_is_published(admin_client, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from django.test import Client
    from PIL import Image

    client = Client()  # the public, beside a signed-in member of staff
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    prisoner = PrisonerFactory(publication=Prisoner.Publication.DRAFT)
    prisoner.photo.save("a1b2c3.png", ContentFile(buffer.getvalue()))
    url = prisoner.photo.url
    assert url == "/media/prisoners/a1b2c3.png"
    assert client.get(url).status_code == 404
    staff_view = admin_client.get(url)  # staff preview drafts in the admin
    assert staff_view.status_code == 200 and "no-store" in staff_view["Cache-Control"]
    prisoner.publish()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == buffer.getvalue()
    assert "public" in response["Cache-Control"]
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(url)
    assert response["X-Accel-Redirect"] == "/protected-media/prisoners/a1b2c3.png"
    assert client.get("/media/prisoners/..%2Fsecret.png").status_code == 404
    prisoner.unpublish()
    assert client.get(url).status_code == 404
