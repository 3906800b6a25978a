import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from prisoners.models import Prisoner
from tests.factories import (
    AlternativeNameFactory,
    ArticleFactory,
    CaseFactory,
    PrisonerFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/prisoners/"


def names(response):
    return sorted(p.full_name for p in response.context["prisoner_list"])


def test_headline_counts_from_the_data(demo_data, client):
    response = client.get(LIST)
    text = " ".join(response.content.decode().split())
    assert "48 political prisoners</strong>: 40 convicted, 8 in pre-trial detention" in text


def test_headline_follows_the_data(client):
    PrisonerFactory.create_batch(2)
    PrisonerFactory(status=Prisoner.Status.PRETRIAL)
    PrisonerFactory(status=Prisoner.Status.RELEASED)
    PrisonerFactory(publication=Prisoner.Publication.DRAFT)
    text = " ".join(client.get(LIST).content.decode().split())
    assert "3 political prisoners</strong>: 2 convicted, 1 in pre-trial detention" in text
    assert "1 released" in text


def test_search_by_any_spelling(demo_data, client):
    for query in (
        "Zhylanbaev",
        "marat zhylanbayev",
        "Sembai",
        "Mendygazyev",
        "Yensebek",
        "Suyubayev",
    ):
        response = client.get(LIST, {"q": query})
        assert response.status_code == 200
        assert len(response.context["prisoner_list"]) == 1, query


def test_filters(demo_data, client):
    assert client.get(LIST, {"status": "pretrial"}).context["paginator"].count == 8
    group = client.get(LIST, {"case": "group-of-seven-case-tractor-case"})
    assert group.context["paginator"].count == 6
    assert client.get(LIST, {"article": "405"}).context["paginator"].count == 7
    long = client.get(LIST, {"sentence_min": "15"})
    assert names(long) == ["Kazybek Kudaibergenov", "Nursultan Isayev", "Yerbol Zhumanov"]
    short = client.get(LIST, {"sentence_max": "3", "status": "convicted"})
    assert names(short) == ["Amangeldy Urazbaev", "Timur Danebayev"]
    women = names(client.get(LIST, {"gender": "female"}))
    assert women == ["Aigerim Tleuzhan", "Bagdagul Andreyeva"]
    taraz = client.get(LIST, {"region": "Taraz"})
    assert taraz.context["paginator"].count >= 1


@pytest.mark.parametrize(
    "params",
    [
        {"status": "jailed"},
        {"case": "no-such-case"},
        {"article": "999"},
        {"sentence_min": "many"},
        {"region": "Atlantis"},
    ],
)
def test_unknown_filter_values_are_explained_not_500(client, params):
    PrisonerFactory()
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert "Some filters were not understood" in response.content.decode()
    assert response.context["filter"].errors


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("999", 3), ("-1", 3), ("2", 2)])
def test_bad_page_numbers_show_a_real_page(client, page, expected):
    PrisonerFactory.create_batch(50)
    response = client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


def test_pagination_keeps_filters(client):
    PrisonerFactory.create_batch(30, status=Prisoner.Status.PRETRIAL)
    response = client.get(LIST, {"status": "pretrial"})
    assert "?status=pretrial&amp;page=2" in response.content.decode()


def test_draft_profiles_are_never_public(client):
    draft = PrisonerFactory(publication=Prisoner.Publication.DRAFT, family_name="Hidden")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Hidden" not in client.get(LIST).content.decode()
    assert "Hidden" not in client.get(reverse("prisoners:export", args=["csv"])).content.decode()
    assert client.get(draft.case.get_absolute_url()).status_code == 404


def test_missing_slug_is_404(client):
    response = client.get("/prisoners/nobody-here/")
    assert response.status_code == 404
    assert "There is no public page at this address" in response.content.decode()


def test_profile_page_shows_the_facts(demo_data, client):
    response = client.get("/prisoners/duman-mukhametkarim/")
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "<h1>Duman Mukhametkarim</h1>" in html
    assert "Article 258 of the Criminal Code" in html and "Article 405" in html
    assert "7 years" in html
    assert "22 June 2023" in html
    assert "Hunger strike" in html
    assert "How to help" in html
    assert 'property="og:title" content="Duman Mukhametkarim"' in html
    share_image = "http://testserver/prisoners/duman-mukhametkarim/share.png"
    assert f'property="og:image" content="{share_image}"' in html
    assert 'href="/cases/ties-with-mukhtar-ablyazov/"' in html


def test_days_in_detention_is_computed(client):
    prisoner = PrisonerFactory(detained_on=timezone.localdate() - datetime.timedelta(days=400))
    html = " ".join(client.get(prisoner.get_absolute_url()).content.decode().split())
    assert "400 days in detention" in html


def test_released_prisoner_counts_days_until_release(client):
    prisoner = PrisonerFactory(
        status=Prisoner.Status.RELEASED, detained_on=datetime.date(2022, 1, 1)
    )
    TimelineEventFactory(prisoner=prisoner, kind="released", date=datetime.date(2022, 1, 31))
    assert prisoner.days_in_detention() == 30
    html = " ".join(client.get(prisoner.get_absolute_url()).content.decode().split())
    assert "30 days in detention" in html


def test_profile_timeline_and_sources(client):
    prisoner = PrisonerFactory()
    source = SourceFactory(prisoner=prisoner, title="Local news", url="https://news.example.org/a")
    TimelineEventFactory(
        prisoner=prisoner,
        source=source,
        kind="trial_opened",
        description="Trial opened behind closed doors",
    )
    html = client.get(prisoner.get_absolute_url()).content.decode()
    assert "Trial opened behind closed doors" in html
    link = '<a href="https://news.example.org/a" rel="noopener noreferrer nofollow">Local news'
    assert link in html


def test_user_text_is_escaped(client):
    prisoner = PrisonerFactory(summary="<script>alert(1)</script>")
    html = client.get(prisoner.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_case_page_lists_its_published_prisoners(client):
    case = CaseFactory(title="Group of Seven")
    PrisonerFactory.create_batch(3, case=case)
    PrisonerFactory(case=case, publication=Prisoner.Publication.DRAFT, family_name="Draftov")
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["prisoners"]) == 3
    assert "3 people held in this case" in response.content.decode()
    assert "Draftov" not in response.content.decode()
    cases = client.get(reverse("prisoners:cases")).content.decode()
    assert "Group of Seven" in cases


def test_export_csv_and_json_of_the_filtered_list(demo_data, client):
    response = client.get(reverse("prisoners:export", args=["csv"]), {"status": "pretrial"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    assert {"name", "status", "charges", "profile"} <= set(rows[0])
    assert {row["status"] for row in rows} == {"pretrial"}  # codes, not labels

    response = client.get(reverse("prisoners:export", args=["json"]))
    data = json.loads(response.content)
    assert len(data) == 48
    duman = next(row for row in data if row["slug"] == "duman-mukhametkarim")
    assert duman["sentence_years"] == 7


def test_export_rejects_unknown_format_and_filters(client):
    assert client.get("/prisoners/export.exe").status_code == 404
    response = client.get(reverse("prisoners:export", args=["csv"]), {"status": "jailed"})
    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_public_export_escapes_formulae(client):
    PrisonerFactory(summary='=HYPERLINK("http://evil")')
    body = client.get(reverse("prisoners:export", args=["csv"])).content.decode()
    assert "HYPERLINK" in body and ",=HYPERLINK" not in body and '"=HYPERLINK' not in body


def test_russian_pages_are_served(client):
    prisoner = PrisonerFactory()
    response = client.get(f"/ru{prisoner.get_absolute_url()}")
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()


def test_public_search_uses_alternative_names(client):
    prisoner = PrisonerFactory(given_name="Asanali", family_name="Suyubaev")
    AlternativeNameFactory(prisoner=prisoner, name="Asanali Suyubayev")
    ArticleFactory(number="297")
    assert names(client.get(LIST, {"q": "suyubayev"})) == ["Asanali Suyubaev"]


def test_case_page_paginates(client):
    case = CaseFactory()
    PrisonerFactory.create_batch(30, case=case)
    response = client.get(case.get_absolute_url(), {"page": "2"})
    assert response.status_code == 200
    assert len(response.context["prisoners"]) == 6
    assert "30 people held in this case" in response.content.decode()
    assert client.get(case.get_absolute_url(), {"page": "x"}).status_code == 200


def test_long_searches_stay_cheap_and_never_fail(client, django_assert_max_num_queries):
    PrisonerFactory.create_batch(3)
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"q": " ".join(["a"] * 70) + "x" * 500})
    assert response.status_code == 200
    assert (
        client.get(reverse("prisoners:export", args=["csv"]), {"q": "a " * 70}).status_code == 200
    )


def test_filter_menus_offer_nothing_from_drafts(client):
    PrisonerFactory(
        case=CaseFactory(title="Public case"),
        charges=[ArticleFactory(number="405", title="extremism")],
    )
    PrisonerFactory(
        publication=Prisoner.Publication.DRAFT,
        case=CaseFactory(title="Secret case"),
        charges=[ArticleFactory(number="999", title="secret article")],
    )
    html = client.get(LIST).content.decode()
    assert "Public case" in html and "405 (extremism)" in html
    assert "Secret case" not in html and "secret article" not in html
    assert client.get(LIST, {"case": "case-secret"}).status_code == 400


def test_sentences_read_naturally(client):
    prisoner = PrisonerFactory(sentence_years=5, sentence_months=1)
    html = " ".join(client.get(prisoner.get_absolute_url()).content.decode().split())
    assert "5 years 1 month" in html and "1 months" not in html


def test_days_counted_from_the_conviction_say_at_least(client):
    prisoner = PrisonerFactory(
        detained_on=None, convicted_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    html = " ".join(client.get(prisoner.get_absolute_url()).content.decode().split())
    assert "At least 10 days in detention" in html


def test_reading_the_site_sets_no_cookie(client, demo_data):
    for url in (
        LIST,
        "/prisoners/duman-mukhametkarim/",
        "/cases/",
        "/declarations/",
        "/ru/prisoners/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, (url, response.cookies)
    html = client.get(LIST).content.decode()
    assert 'href="/ru/prisoners/" lang="ru"' in html


def test_the_export_is_built_once_and_its_builds_are_limited(
    client, settings, django_assert_num_queries
):
    settings.EXPORT_IP_LIMITS = [(3, 60)]
    PrisonerFactory(given_name="Aigul")
    url = reverse("prisoners:export", args=["csv"])
    first = client.get(url)
    assert first.status_code == 200 and "Aigul" in first.content.decode()
    # The same export again is the file already built: no query, and not counted.
    for _ in range(5):
        with django_assert_num_queries(0):
            assert client.get(url).content == first.content
    # Each different filter is a new build; the fourth in a minute is refused, plainly.
    assert client.get(url, {"status": "convicted"}).status_code == 200
    assert client.get(url, {"status": "released"}).status_code == 200
    refused = client.get(url, {"status": "pretrial"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "wait a minute" in refused.content.decode()
    # Another client is not held up by this one.
    other = client.get(url, {"status": "pretrial"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200
