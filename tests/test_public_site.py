"""The public site as a reader meets it: forms that say what is wrong and where, titles
that say what a list shows, a header that says where one is, and the prisoner list's
filters folded away until they are used."""

import re
from html import unescape

import pytest
from django.urls import reverse

from campaigns.models import LetterAction, Official
from declarations import services as declaration_services
from supporters.models import Supporter
from tests.budgets import page_queries
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DeclarationFactory,
    PetitionFactory,
    PrisonerFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/prisoners/"


def html_of(response):
    return response.content.decode()


def title(response):
    return unescape(re.search(r"<title>(.*?)</title>", html_of(response), re.S).group(1)).strip()


def error_summary(response):
    """(heading, [(link target, text)]) of the box at the top of the page, or None."""
    html = html_of(response)
    box = re.search(r'<div class="error-summary[^"]*"([^>]*)>(.*?)</div>', html, re.S)
    if not box:
        return None
    attributes, inside = box.groups()
    assert 'role="alert"' in attributes and 'tabindex="-1"' in attributes
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", inside).group(1)
    links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', inside)
    return heading, [(target, unescape(text)) for target, text in links]


def letter_action():
    action = LetterAction.objects.create(
        campaign=PetitionFactory().campaign,
        slug="write",
        title="Write to them",
        subject="Free them",
        suggested_letter="Dear Sir, please release them.",
    )
    action.recipients.set([Official.objects.create(name="Minister", position="Minister")])
    return action


# Forms ---------------------------------------------------------------------------------


def test_an_empty_petition_form_lists_each_problem_at_the_top_linked_to_its_field(client):
    petition = PetitionFactory()
    response = client.post(petition.get_absolute_url(), {})
    assert response.status_code == 400
    assert title(response) == f"Error: {petition.title}"
    heading, links = error_summary(response)
    assert heading == "There is a problem"
    assert links == [
        ("id_name", "Enter your name"),
        ("id_email", "Enter your email address"),
        ("id_country", "Select your country"),
    ]
    html = html_of(response)
    assert "This field is required" not in html
    # Each link leads to a field that exists, which names its own error for screen readers.
    for target, _text in links:
        assert re.search(rf'<(input|select)[^>]*aria-describedby="[^"]*{target}_error', html)
        assert f'id="{target}_error"' in html


def test_a_badly_typed_address_says_how_to_write_one(client):
    response = client.post(
        PetitionFactory().get_absolute_url(),
        {"name": "Aigul", "email": "aigul-at-example.org", "country": "KZ"},
    )
    _heading, links = error_summary(response)
    assert links == [
        ("id_email", "Enter an email address in the correct format, like name@example.com")
    ]
    assert 'value="aigul-at-example.org"' in html_of(response)


def test_a_page_without_errors_has_no_summary_and_no_error_in_its_title(client):
    petition = PetitionFactory()
    response = client.get(petition.get_absolute_url())
    assert error_summary(response) is None
    assert title(response) == petition.title


def test_the_letter_message_and_privacy_forms_have_the_summary_too(client):
    action = letter_action()
    prisoner = PrisonerFactory(letters_accepted=True)
    letter = client.post(action.get_absolute_url(), {"body": ""})
    assert title(letter).startswith("Error: ")
    assert error_summary(letter)[1] == [
        ("id_name", "Enter your name"),
        ("id_email", "Enter your email address"),
        ("id_country", "Select your country"),
        ("id_body", "Write your letter"),
    ]
    message = client.post(reverse("campaigns:message", args=[prisoner.slug]), {})
    assert error_summary(message)[1] == [
        ("id_name", "Enter the name to sign your message with"),
        ("id_text", "Write your message"),
    ]
    privacy = client.post(reverse("campaigns:privacy"), {"email": "nobody"})
    assert privacy.status_code == 400 and title(privacy).startswith("Error: ")
    assert error_summary(privacy)[1] == [
        ("id_email", "Enter an email address in the correct format, like name@example.com")
    ]


def test_a_form_wide_error_is_in_the_summary_without_a_link(client, settings):
    settings.MESSAGE_IP_LIMITS = [(0, 60)]
    prisoner = PrisonerFactory(letters_accepted=True)
    url = reverse("campaigns:message", args=[prisoner.slug])
    response = client.post(url, {"name": "Asel", "text": "Stay strong."})
    assert response.status_code == 429
    assert title(response).startswith("Error: ")
    summary = re.search(r'<div class="error-summary.*?</div>', html_of(response), re.S).group(0)
    assert re.search(r"<li>[^<]+</li>", summary) and "<a href" not in summary


@pytest.mark.parametrize(
    ("language", "first"),
    [("en", "Select your country"), ("ru", "Выберите вашу страну"), ("kk", "Еліңізді таңдаңыз")],
)
def test_the_country_list_starts_with_a_prompt_and_is_sorted_in_the_pages_language(
    client, language, first
):
    from django.utils import translation

    prefix = "" if language == "en" else f"/{language}"
    html = html_of(client.get(prefix + PetitionFactory().get_absolute_url()))
    select = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert "---------" not in select
    with translation.override(language):
        expected_first = translation.gettext("Select your country")
    assert options[0] == ("", expected_first)
    if expected_first != "Select your country":  # translated once the catalogue is merged
        assert options[0][1] == first
    assert options[1][0] == "KZ"  # the most common country first
    names = [name for _code, name in options[2:]]
    assert len(names) > 200
    from core.forms import name_sort_key

    assert names == sorted(names, key=name_sort_key)
    if language == "ru":
        # In alphabetical order, not the English one: Австралия before Афганистан.
        assert names.index("Австралия") < names.index("Афганистан") < names.index("Япония")


def test_checkboxes_keep_their_label_and_show_their_errors(client):
    html = html_of(client.get(PetitionFactory().get_absolute_url()))
    assert re.search(
        r'<div class="field field--check">\s*'
        r'<input type="checkbox" name="mailing"[^>]*id="id_mailing">\s*<label for="id_mailing">',
        html,
    )


# The thank-you page ----------------------------------------------------------------------


def test_the_thank_you_page_says_one_thing_whoever_signs(client, settings):
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    Supporter.objects.create(email="known@example.org", name="Known")
    pages = []
    for email in ("known@example.org", "new@example.org"):
        response = client.post(
            petition.get_absolute_url(),
            {"name": "Dana", "email": email, "country": "KZ"},
            follow=True,
        )
        assert response.status_code == 200
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html_of(response)))
    assert pages[0] == pages[1]
    main = re.search(r"<main.*?</main>", pages[0], re.S).group(0)
    assert re.findall(r"<h1>(.*?)</h1>", main) == ["Check your email"]
    assert "What happens next" in main
    assert 'id="share-link"' in main and "signed before" not in main


# Titles ------------------------------------------------------------------------------------


def test_the_prisoner_lists_title_says_what_is_searched_filtered_and_which_page(client):
    article = ArticleFactory(number="174")
    PrisonerFactory.create_batch(30, family_name="Zhylanbaev", charges=[article])
    PrisonerFactory(family_name="Other")
    assert title(client.get(LIST)) == "Political prisoners (page 1 of 2)"
    assert (
        title(client.get(LIST, {"q": "Zhylanbaev", "page": 2}))
        == "Prisoners matching “Zhylanbaev” (page 2 of 2) · Political prisoners"
    )
    assert (
        title(client.get(LIST, {"article": "174", "status": "convicted"}))
        == "Prisoners: imprisoned after conviction, charged under Art. 174 (page 1 of 2)"
        " · Political prisoners"
    )
    assert (
        title(client.get(LIST, {"q": "Other", "sentence_min": "3"}))
        == "Prisoners matching “Other”: sentenced to at least 3 years · Political prisoners"
    )
    assert title(client.get(LIST, {"status": "jailed"})) == "Error: Political prisoners"


def test_titles_in_russian(client):
    PrisonerFactory(family_name="Zhylanbaev")
    response = client.get("/ru" + LIST, {"q": "Zhylanbaev"})
    assert title(response).endswith(" · Политзаключённые")
    assert "Zhylanbaev" in title(response)


def test_the_declaration_lists_title_has_its_page(client):
    DeclarationFactory.create_batch(21)
    assert title(client.get("/declarations/", {"page": 2})) == (
        "Parliamentary declarations (page 2 of 2)"
    )


# The header ----------------------------------------------------------------------------


def header_links(response):
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html_of(response), re.S).group(1)
    return {
        label: (attributes.strip())
        for attributes, label in re.findall(r"<a href=\"[^\"]*\"([^>]*)>([^<]+)</a>", nav)
    }


@pytest.mark.parametrize("prefix", ["", "/ru", "/kk"])
def test_the_header_marks_the_section_of_a_detail_page_visibly(client, prefix):
    prisoner = PrisonerFactory()
    petition = PetitionFactory()
    action = letter_action()
    signatory = SignatoryFactory()
    declaration_services.signature_record(signature=signatory)
    pages = {
        LIST: 0,
        prisoner.get_absolute_url(): 0,
        petition.get_absolute_url(): 2,
        action.get_absolute_url(): 2,
        signatory.declaration.get_absolute_url(): 3,
        signatory.parliamentarian.get_absolute_url(): 3,
        "/campaigns/": 2,
    }
    for url, section in pages.items():
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        links = list(header_links(response).values())
        marked = [n for n, attributes in enumerate(links) if "current-section" in attributes]
        assert marked == [section], (url, links)
        expected = "page" if url in (LIST, "/campaigns/") else "true"
        assert f'aria-current="{expected}"' in links[section], (url, links)


# The prisoner list's filters -------------------------------------------------------------


def filters_disclosure(response):
    return re.search(
        r"<details class=\"filter-more\"([^>]*)>(.*?)</details>", html_of(response), re.S
    )


def test_the_filters_are_folded_away_until_one_is_used(client):
    PrisonerFactory(family_name="Zhylanbaev")
    plain = client.get(LIST)
    disclosure = filters_disclosure(plain)
    assert "open" not in disclosure.group(1)
    # The search box stays outside, and the results come before any filter's menu.
    assert 'name="q"' not in disclosure.group(2) and 'name="q"' in html_of(plain)
    assert 'name="status"' in disclosure.group(2)
    assert 'class="active-filters"' not in html_of(plain)

    searched = client.get(LIST, {"q": "Zhylanbaev"})
    assert "open" not in filters_disclosure(searched).group(1)

    filtered = client.get(LIST, {"q": "Zhylanbaev", "status": "convicted", "sentence_max": "10"})
    assert " open" in filters_disclosure(filtered).group(1)
    line = re.search(r'<p class="active-filters">(.*?)</p>', html_of(filtered), re.S).group(1)
    assert "imprisoned after conviction, sentenced to at most 10 years" in unescape(line)
    assert '<a href="/prisoners/?q=Zhylanbaev">Clear filters</a>' in line

    refused = client.get(LIST, {"status": "jailed"})
    assert refused.status_code == 400
    assert " open" in filters_disclosure(refused).group(1)
    assert error_summary(refused)[1] == [
        ("id_status", "Select a valid choice. jailed is not one of the available choices.")
    ]


def test_the_filtered_list_runs_the_same_queries_for_few_or_many_people(client):
    case = CaseFactory()
    article = ArticleFactory(number="174")
    url = f"{LIST}?q=Zhyl&status=convicted&article=174&case={case.slug}"
    PrisonerFactory.create_batch(3, family_name="Zhylanbaev", case=case, charges=[article])
    few = page_queries(client, url)
    PrisonerFactory.create_batch(30, family_name="Zhylanbaev", case=case, charges=[article])
    many = page_queries(client, url)
    assert many == few, (few, many)
    assert many <= 12, many
