"""The petition's delivery PDF: the text, the total, the names of those who agreed to be
listed by country, and nothing else of the signers; only for staff who may see personal
data, recorded in the audit trail, in a fixed number of queries."""

import io

import pypdf
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import delivery
from campaigns.models import PaperSignatureBatch, Signature
from core.roles import CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR
from tests.factories import PetitionFactory, SignatureFactory, SupporterFactory

pytestmark = pytest.mark.django_db


def sign(petition, name, country="FR", **kwargs):
    return SignatureFactory(
        petition=petition,
        supporter=SupporterFactory(name=name, country=country),
        **kwargs,
    )


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def download(client, petition, language="en"):
    return client.post(
        reverse("admin:campaigns_petition_delivery_pdf", args=[petition.pk]),
        {"language": language},
    )


@pytest.fixture
def petition():
    petition = PetitionFactory(
        title="Free the journalists",
        title_ru="Свободу журналистам",
        text="We ask you to release them.\n\nThey did nothing but write.",
        text_ru="Просим вас освободить их.",
        target="The President of Kazakhstan",
    )
    sign(petition, "Amélie Dupont", "FR")
    sign(petition, "Bernard Martin", "FR")
    sign(petition, "Claudia Weber", "DE")
    sign(petition, "Дина Ахметова", "KZ")
    sign(petition, "Nobody From Nowhere", "")
    sign(petition, "Hidden Signer", "FR", show_name=False)
    sign(petition, "Another Hidden", "DE", show_name=False)
    sign(petition, "Pending Signer", "FR", status=Signature.Status.PENDING, confirmed_at=None)
    sign(petition, "Held Signer", "FR", held=True)
    sign(petition, "Fake Signer", "FR", status=Signature.Status.INVALIDATED)
    petition.recount()
    return petition


def test_the_pdf_names_only_counted_signers_who_agreed_and_nothing_else_of_them(petition):
    content = delivery.petition_delivery_pdf(petition=petition, language="en", user=None)
    text, _ = pdf_text(content)

    assert "Free the journalists" in text
    assert "Addressed to: The President of Kazakhstan" in text
    assert "They did nothing but write." in text
    today = timezone.localdate()
    assert f"7 signatures as of {today.day} {today:%B %Y}" in text
    assert "5 signers agreed to be named" in text
    assert "2 signers did not ask to be named" in text
    # First names only, as the signers agreed when they ticked the box.
    for name in ("Amélie", "Bernard", "Claudia", "Дина"):
        assert name in text
    for family_name in ("Dupont", "Martin", "Weber", "Ахметова"):
        assert family_name not in text
    for name in ("Hidden", "Another", "Pending", "Held", "Fake"):
        assert name not in text
    assert "@" not in text and "example.org" not in text
    assert "comment" not in text
    # By country, in the order of their names, and each country once with its count.
    assert (
        text.index("France (2)")
        < text.index("Amélie")
        < text.index("Bernard")
        < text.index("Germany (1)")
        < text.index("Claudia")
        < text.index("Kazakhstan (1)")
        < text.index("Дина")
        < text.index("Country not given (1)")
        < text.index("Nobody")
    )


def test_the_pdf_in_russian_has_the_russian_text_and_country_names(petition):
    content = delivery.petition_delivery_pdf(petition=petition, language="ru", user=None)
    text, _ = pdf_text(content)
    assert "Свободу журналистам" in text and "Просим вас освободить их." in text
    assert "Free the journalists" not in text
    # Германия, Казахстан, Франция: the Russian alphabet's order.
    assert text.index("Германия (1)") < text.index("Казахстан (1)") < text.index("Франция (2)")
    assert "Hidden Signer" not in text


def test_the_pdf_in_kazakh_names_the_countries_in_russian_rather_than_english(petition):
    text, _ = pdf_text(delivery.petition_delivery_pdf(petition=petition, language="kk", user=None))
    assert "Франция (2)" in text and "France" not in text


def test_signatures_on_paper_count_in_the_total_and_are_said_apart(petition):
    PaperSignatureBatch.objects.create(petition=petition, count=1200, place="Almaty stall")
    text, _ = pdf_text(delivery.petition_delivery_pdf(petition=petition, language="en", user=None))
    assert "1,207 signatures as of" in text
    assert "7 online, 1,200 on paper" in text
    assert "Almaty" not in text


def test_a_petition_nobody_signed_gives_a_pdf_with_a_total_of_nought():
    petition = PetitionFactory(title="Nobody yet")
    text, pages = pdf_text(
        delivery.petition_delivery_pdf(petition=petition, language="en", user=None)
    )
    assert "0 signatures as of" in text and pages == 1


def test_names_flow_over_columns_and_pages_and_come_back_in_chunks(monkeypatch):
    monkeypatch.setattr(delivery, "CHUNK", 25)
    petition = PetitionFactory()
    countries = ["FR", "DE", "KZ", "PL", "IT", "ES", "SE", "NO"]
    for n in range(400):
        sign(petition, f"Person{n:03d} Family", countries[n % len(countries)])
    petition.recount()
    text, pages = pdf_text(
        delivery.petition_delivery_pdf(petition=petition, language="en", user=None)
    )
    assert pages >= 3
    assert "400 signatures as of" in text
    assert all(f"Person{n:03d}" in text for n in range(400))
    assert "Family" not in text
    assert "France (continued)" in text or "Germany (continued)" in text


def test_staff_who_may_see_personal_data_download_it_and_it_is_in_the_audit_trail(
    petition, role_client
):
    client = role_client(DATA_PROTECTION_OFFICER)
    page = client.get(reverse("admin:campaigns_petition_change", args=[petition.pk]))
    form_url = reverse("admin:campaigns_petition_delivery_pdf", args=[petition.pk])
    assert form_url in page.content.decode()
    form = client.get(form_url)
    assert form.status_code == 200 and "Language of the document" in form.content.decode()

    response = download(client, petition, "ru")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "Свободу журналистам" in pdf_text(response.content)[0]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor.username == "data-protection-officer"
    assert entry.additional_data["export"].startswith(f"Delivery PDF of petition #{petition.pk}")
    assert entry.additional_data["rows"] == 5


@pytest.mark.parametrize("role", [CAMPAIGNER, EDITOR])
def test_staff_without_the_personal_data_permission_get_no_button_and_403(
    petition, role_client, role
):
    client = role_client(role)
    page = client.get(reverse("admin:campaigns_petition_change", args=[petition.pk]))
    form_url = reverse("admin:campaigns_petition_delivery_pdf", args=[petition.pk])
    assert form_url not in page.content.decode()
    assert client.get(form_url).status_code == 403
    response = download(client, petition)
    assert response.status_code == 403 and b"Bernard Martin" not in response.content
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_an_unknown_language_is_a_message_on_the_form_not_an_error(petition, role_client):
    client = role_client(DATA_PROTECTION_OFFICER)
    response = download(client, petition, "xx")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    missing = reverse("admin:campaigns_petition_delivery_pdf", args=[petition.pk + 1000])
    assert client.post(missing, {"language": "en"}).status_code == 404


def test_the_download_takes_a_fixed_number_of_queries(role_client, django_assert_max_num_queries):
    client = role_client(DATA_PROTECTION_OFFICER)
    small, large = PetitionFactory(), PetitionFactory()
    countries = ["FR", "DE", "KZ", "PL", "IT", "ES", "SE", "NO", "GB", "US", "RU", "UA"]
    for n in range(10):
        sign(small, f"Small {n}", countries[n % len(countries)])
    for n in range(300):
        sign(large, f"Large {n}", countries[n % len(countries)], show_name=n % 7 != 0)
    small.recount()
    large.recount()

    with CaptureQueriesContext(connection) as few:
        assert download(client, small).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = download(client, large)
    assert response.status_code == 200
    assert "300 signatures as of" in pdf_text(response.content)[0]
