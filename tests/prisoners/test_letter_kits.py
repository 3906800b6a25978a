"""Letter-evening kits: a card for each chosen published profile, with the name in both
scripts, the charges, the sentence, and the address only for those who accept letters."""

import datetime
import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR
from prisoners.models import Prisoner, TimelineEvent
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    PrisonerFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

KIT_URL = "admin:prisoners_prisoner_letter_kit"


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def case():
    case = CaseFactory(title="Protest case")
    article = ArticleFactory(
        number="174", title="Inciting social discord", title_ru="Возбуждение розни"
    )
    PrisonerFactory(
        case=case,
        given_name="Marat",
        family_name="Zhylanbaev",
        given_name_cyrillic="Марат",
        family_name_cyrillic="Жыланбаев",
        letters_accepted=True,
        letters_address="Institution AP-162/3\nStepnogorsk, 021500",
        date_of_birth=datetime.date(1963, 3, 14),
        charges=[article],
    )
    PrisonerFactory(
        case=case,
        given_name="Aigul",
        family_name="Utepova",
        given_name_cyrillic="Айгуль",
        family_name_cyrillic="Утепова",
        letters_accepted=False,
        letters_address="Secret colony 7, Karaganda",
        sentence_years=7,
        sentence_months=6,
    )
    PrisonerFactory(
        case=case, given_name="Draft", family_name="Person", publication=Prisoner.Publication.DRAFT
    )
    PrisonerFactory(given_name="Other", family_name="Case")
    return case


def post_kit(client, **data):
    return client.post(reverse(KIT_URL), {"language": "en", **data})


def test_a_kit_by_case_has_a_card_for_each_published_profile_of_the_case(case, role_client):
    client = role_client(EDITOR)
    response = post_kit(client, case=case.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    assert pages == 1  # two cards a page
    for name in ("Marat Zhylanbaev", "Марат Жыланбаев", "Aigul Utepova", "Айгуль Утепова"):
        assert name in text
    assert "Draft Person" not in text and "Other Case" not in text
    assert "Art. 174 — Inciting social discord" in text
    assert "5 years" in text and "7 years 6 months" in text
    assert "days in detention" in text
    assert "14 March" in text
    # The address only where letters are accepted; the other card says not to write.
    assert "Institution AP-162/3" in text and "Stepnogorsk, 021500" in text
    assert "Secret colony 7" not in text
    assert "No address for letters at the moment" in text
    assert "Prison censors read every letter" in text


def test_only_those_who_accept_letters_and_in_russian(case, role_client):
    client = role_client(EDITOR)
    response = post_kit(client, case=case.pk, letters_only="on", language="ru")
    text, _ = pdf_text(response.content)
    assert "Марат Жыланбаев" in text and "Marat Zhylanbaev" in text
    assert "Утепова" not in text
    assert "Возбуждение розни" in text
    assert "14 марта" in text


def test_the_list_links_to_the_kit_and_its_action_opens_it_for_the_selection(case, role_client):
    client = role_client(EDITOR)
    changelist = reverse("admin:prisoners_prisoner_changelist")
    page = client.get(changelist)
    assert reverse(KIT_URL) in page.content.decode()
    assert "Letter-evening kit (PDF)" in page.content.decode()

    utepova, other = (
        Prisoner.objects.get(family_name="Utepova"),
        Prisoner.objects.get(family_name="Case"),
    )
    form = client.post(
        changelist, {"action": "letter_kit", "_selected_action": [utepova.pk, other.pk]}
    )
    assert form.status_code == 200
    html = form.content.decode()
    assert "Aigul Utepova" in html and "Other Case" in html and "Marat" not in html

    response = post_kit(client, prisoners=[utepova.pk, other.pk])
    text, _ = pdf_text(response.content)
    assert "Aigul Utepova" in text and "Other Case" in text
    assert "Marat" not in text


def test_no_matching_profile_is_a_message_not_an_empty_pdf(case, role_client):
    client = role_client(EDITOR)
    empty = CaseFactory(title="Nobody here")
    response = post_kit(client, case=empty.pk)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "No published profile matches" in response.content.decode()

    draft = Prisoner.objects.get(family_name="Person")
    response = post_kit(client, prisoners=[draft.pk])
    assert "No published profile matches" in response.content.decode()

    response = post_kit(client)
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a case" in response.content.decode()

    response = post_kit(client, case="999999", language="xx")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_staff_without_the_prisoners_view_permission_get_403(case, role_client):
    client = role_client(DATA_PROTECTION_OFFICER)
    assert client.get(reverse(KIT_URL)).status_code == 403
    assert post_kit(client, case=case.pk).status_code == 403


def test_campaigners_who_may_view_prisoners_may_print_a_kit(case, role_client):
    client = role_client(CAMPAIGNER)
    assert client.get(reverse(KIT_URL)).status_code == 200
    assert post_kit(client, case=case.pk)["Content-Type"] == "application/pdf"


def test_the_kit_takes_a_fixed_number_of_queries(role_client, django_assert_max_num_queries):
    client = role_client(EDITOR)
    few, many = CaseFactory(), CaseFactory()
    articles = [ArticleFactory() for _ in range(3)]

    def profile(case, n):
        prisoner = PrisonerFactory(case=case, charges=articles, status=Prisoner.Status.RELEASED)
        source = SourceFactory(prisoner=prisoner)
        TimelineEventFactory(
            prisoner=prisoner,
            source=source,
            kind=TimelineEvent.Kind.RELEASED,
            date=datetime.date(2024, 1, 1 + n % 28),
        )

    profile(few, 0)
    for n in range(20):
        profile(many, n)

    with CaptureQueriesContext(connection) as baseline:
        assert post_kit(client, case=few.pk)["Content-Type"] == "application/pdf"
    with django_assert_max_num_queries(len(baseline)):
        response = post_kit(client, case=many.pk)
    assert pdf_text(response.content)[1] == 10
