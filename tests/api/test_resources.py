"""What each resource says: codes with labels in the asked language, ISO dates, absolute
links, paged lists and the public list's filters."""

import pytest

from prisoners.models import Prisoner
from tests.api.conftest import api
from tests.factories import PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "status", "country", "prefix"),
    [
        ("en", "Imprisoned after conviction", "Kazakhstan", ""),
        ("ru", "В заключении по приговору", "Казахстан", "/ru"),
        # django-countries has no Kazakh names yet: the kk profile page shows this one too.
        ("kk", "Үкім бойынша түрмеде", "Kazakhstan", "/kk"),
    ],
)
def test_labels_and_page_links_come_in_the_asked_language(
    client, world, lang, status, country, prefix
):
    response = client.get(f"/api/v1/prisoners/{world['published'].slug}/", {"lang": lang})
    assert response["Content-Language"] == lang
    profile = response.json()
    assert profile["status"] == {"code": "convicted", "label": status}
    assert profile["citizenship"]["code"] == "KZ"
    assert profile["citizenship"]["label"] == country
    assert profile["html_url"] == f"http://testserver{prefix}/prisoners/aigul-utepova/"
    # A link to another resource keeps the language asked for.
    assert profile["case"]["url"].endswith(f"/api/v1/cases/january-case/?lang={lang}")


def test_the_language_is_a_parameter_and_nothing_else(client, world):
    path = f"/api/v1/prisoners/{world['published'].slug}/"
    # The page cache keeps one answer a URL, so the header does not choose the language.
    in_header = client.get(path, HTTP_ACCEPT_LANGUAGE="ru")
    assert in_header.json()["status"]["label"] == "Imprisoned after conviction"
    wrong = client.get(path, {"lang": "de"})
    assert wrong.status_code == 400
    assert "lang" in wrong.json()


def test_a_profile_says_what_its_page_says(client, world):
    profile = api(client, f"/api/v1/prisoners/{world['published'].slug}/")
    assert profile["url"] == "http://testserver/api/v1/prisoners/aigul-utepova/"
    assert profile["name"] == "Aigul Utepova"
    assert profile["name_cyrillic"] == ""  # none given
    assert profile["alternative_names"] == ["Айгуль Утепова"]
    assert profile["charges"] == [
        {
            "number": "405",
            "title": "Participation in an extremist organisation",
            "url": "http://testserver/api/v1/articles/405/",
        }
    ]
    assert profile["sentence"] == {"years": 5, "months": 0, "note": ""}
    assert profile["detained_on"] == "2022-01-14"
    assert profile["date_of_birth"] == "1985-03-02"
    assert profile["concerns"]["torture_reported"] is True
    [event] = profile["timeline"]
    assert event["date"] == "2022-01-14"
    assert event["kind"] == {"code": "detained", "label": "Detained"}
    assert event["source"]["url"].startswith("https://news.example.org/")
    assert profile["days_in_detention"] > 1000
    pretrial = api(client, f"/api/v1/prisoners/{world['no_letters'].slug}/")
    assert pretrial["sentence"] is None


def test_the_list_takes_the_public_lists_filters(client, world):
    PrisonerFactory(slug="released-one", status=Prisoner.Status.RELEASED, sentence_years=12)
    PrisonerFactory(slug="in-astana", region="Astana", gender=Prisoner.Gender.MALE)

    def slugs(**params):
        return [p["slug"] for p in api(client, "/api/v1/prisoners/", **params)["results"]]

    assert slugs(status="released") == ["released-one"]
    assert sorted(slugs(case="january-case")) == ["aigul-utepova", "marat-zhylanbaev"]
    assert sorted(slugs(article="405")) == ["aigul-utepova", "marat-zhylanbaev"]
    assert slugs(region="Astana") == ["in-astana"]
    assert slugs(gender="female") == ["aigul-utepova"]
    assert slugs(sentence_min=10) == ["released-one"]
    assert slugs(q="Zhylanbayev") == ["marat-zhylanbaev"]  # another spelling
    assert slugs(q="Утепова") == ["aigul-utepova"]  # an alternative spelling, in Cyrillic
    wrong = client.get("/api/v1/prisoners/", {"status": "free"})
    assert wrong.status_code == 400 and "status" in wrong.json()


def test_lists_come_in_pages_of_50_up_to_200(client, world):
    PrisonerFactory.create_batch(249)
    first = api(client, "/api/v1/prisoners/")
    assert first["count"] == 251
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/prisoners/?page=2"
    assert len(api(client, "/api/v1/prisoners/", page_size=1000)["results"]) == 200
    last = api(client, "/api/v1/prisoners/", page=6, lang="ru")
    assert len(last["results"]) == 1
    assert last["previous"] == "http://testserver/api/v1/prisoners/?lang=ru&page=5"
    assert client.get("/api/v1/prisoners/", {"page": 7}).status_code == 404


def test_cases_and_articles(client, world):
    [case] = api(client, "/api/v1/cases/")["results"]
    assert case == {
        "url": "http://testserver/api/v1/cases/january-case/",
        "html_url": "http://testserver/cases/january-case/",
        "slug": "january-case",
        "title": "The January case",
        "summary": "Protests.",
        "prisoner_count": 2,
        "prisoners_url": "http://testserver/api/v1/prisoners/?case=january-case",
    }
    article = api(client, "/api/v1/articles/405/", lang="kk")
    assert article["html_url"] == "http://testserver/kk/prisoners/?article=405"
    assert article["prisoners_url"] == "http://testserver/api/v1/prisoners/?article=405&lang=kk"


def test_a_declaration_with_its_signatories(client, world):
    declaration = world["declaration"]
    listed = api(client, "/api/v1/declarations/", lang="ru")["results"][0]
    assert listed["status"] == {"code": "collecting", "label": "Сбор подписей"}
    assert listed["threshold"]["min_signatures"] == 20
    assert listed["threshold"]["met"] is False
    detail = api(client, f"/api/v1/declarations/{declaration.pk}/")
    assert detail["text"] == declaration.body
    assert detail["text_language"] == declaration.body_language == "en"
    [signatory] = detail["signatories"]
    member = world["member"]
    assert signatory == {
        "name": "Anna KOWALSKA",
        "html_url": f"http://testserver/parliamentarians/{member.pk}/",
        "delegation": {"name": member.delegation.name, "country": None},
        "group": {"code": member.group.code, "name": member.group.name},
    }


def test_campaigns_and_petitions_with_their_counts(client, world):
    [campaign] = api(client, "/api/v1/campaigns/", lang="kk")["results"]
    assert campaign["status"] == {"code": "live", "label": "Белсенді"}
    assert campaign["is_live"] is True
    [petition] = campaign["petitions"]
    assert petition["count"] == 1 and petition["goal"] == 100
    assert petition["count_url"] == "http://testserver/api/v1/petitions/release-aigul/count.json"
    detail = api(client, "/api/v1/petitions/release-aigul/")
    assert detail["campaign"]["slug"] == "free-aigul"
    assert detail["is_open"] is True
    assert detail["text"] == world["petition"].text
    count = api(client, "/api/v1/petitions/release-aigul/count.json")
    assert count["slug"] == "release-aigul" and count["goal"] == 100
    assert count["updated_at"].endswith("+00:00")


def test_a_profile_gives_the_name_in_cyrillic_when_staff_have(client, world):
    prisoner = world["published"]
    prisoner.given_name_cyrillic, prisoner.family_name_cyrillic = "Айгуль", "Утепова"
    prisoner.save()
    profile = api(client, f"/api/v1/prisoners/{prisoner.slug}/", lang="kk")
    assert profile["name"] == "Aigul Utepova"
    assert profile["name_cyrillic"] == "Айгуль Утепова"
    assert profile["family_name_cyrillic"] == "Утепова"
