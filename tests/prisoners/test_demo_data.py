"""The demo data against the report "Tough year for human rights" (13 February 2025)."""

import pytest
from django.core.management import call_command

from prisoners.models import Case, Prisoner

pytestmark = pytest.mark.django_db

CASE_COUNTS = {
    "January 2022 protests": 15,
    "Prosecuted for fighting corruption": 4,
    "Hostages in the Barlyk Mendygazyev case": 3,
    '"Group of Seven" case ("Tractor" case)': 6,
    "Alga Kazakhstan party": 4,
    "Ties with Mukhtar Ablyazov": 2,
    "Other political prisoners": 6,
    "Protest against the nuclear power plant": 5,
    "Other pre-trial detainees": 3,
}


def charges(prisoner):
    return sorted(prisoner.charges.values_list("number", flat=True))


def test_counts_per_status_and_case(demo_data):
    assert Prisoner.objects.published().count() == 48
    assert Prisoner.objects.filter(status=Prisoner.Status.CONVICTED).count() == 40
    assert Prisoner.objects.filter(status=Prisoner.Status.PRETRIAL).count() == 8
    assert {case.title: case.prisoners.count() for case in Case.objects.all()} == CASE_COUNTS


@pytest.mark.parametrize(
    ("slug", "years", "months", "articles"),
    [
        ("duman-mukhametkarim", 7, 0, ["258", "405"]),
        ("daniyar-adilbekov", 4, 6, ["274", "419"]),
        ("bekizhan-mendygaziyev", 5, 1, ["216", "218", "245", "262"]),
        ("zhaksylyk-abdullayev", 5, 0, ["272"]),
        ("rinat-aliyev", 6, 6, ["256"]),
        ("kazybek-kudaibergenov", 17, 0, ["272", "380"]),
        ("marat-zhylanbayev", 7, 0, ["258", "405"]),
        ("asanali-suyubaev", 10, 0, ["297"]),
        ("natalia-dauletyarova", 7, 0, ["216", "245", "262", "419"]),
    ],
)
def test_sample_sentences_and_articles(demo_data, slug, years, months, articles):
    prisoner = Prisoner.objects.get(slug=slug)
    assert (prisoner.sentence_years, prisoner.sentence_months) == (years, months)
    assert charges(prisoner) == articles


def test_pretrial_people_have_no_sentence_and_their_charge(demo_data):
    ensebek = Prisoner.objects.get(slug="temirlan-ensebek")
    assert ensebek.status == Prisoner.Status.PRETRIAL
    assert ensebek.sentence_years is None
    assert charges(ensebek) == ["174"]
    assert str(ensebek.detained_on) == "2025-01-17"


def test_dates_flags_and_sources_carry_over(demo_data):
    danebayev = Prisoner.objects.get(slug="timur-danebayev")
    assert str(danebayev.detained_on) == "2022-12-24"
    assert str(danebayev.convicted_on) == "2023-06-15"
    assert danebayev.torture_reported
    assert danebayev.sources.filter(url="https://rus.azattyq.org/a/32433109.html").exists()

    ashirbekov = Prisoner.objects.get(slug="karasay-ashirbekov")
    assert str(ashirbekov.sentence_start_on) == "2022-05-18"
    assert str(ashirbekov.convicted_on) == "2023-02-10"

    mukhametkarim = Prisoner.objects.get(slug="duman-mukhametkarim")
    assert mukhametkarim.hunger_strike and mukhametkarim.health_at_risk
    assert str(mukhametkarim.detained_on) == "2023-06-22"


def test_every_event_has_a_source_of_its_own_prisoner(demo_data):
    for prisoner in Prisoner.objects.prefetch_related("events__source"):
        for event in prisoner.events.all():
            assert event.source.prisoner_id == prisoner.pk


def test_one_article_one_title(demo_data):
    from prisoners.models import Article

    assert Article.objects.get(number="405").prisoners.count() == 7
    assert Article.objects.count() == Article.objects.values("number").distinct().count()


def test_loading_twice_changes_nothing(demo_data, capsys):
    before = {
        p.slug: (p.updated_at, p.events.count(), p.sources.count(), p.alternative_names.count())
        for p in Prisoner.objects.all()
    }
    capsys.readouterr()
    call_command("load_demo")
    assert "0 new, 0 updated, 48 unchanged" in capsys.readouterr().out
    after = {
        p.slug: (p.updated_at, p.events.count(), p.sources.count(), p.alternative_names.count())
        for p in Prisoner.objects.all()
    }
    assert after == before


def test_make_run_keeps_staff_edits(demo_data, capsys):
    Prisoner.objects.filter(slug="duman-mukhametkarim").update(letters_accepted=True)
    capsys.readouterr()
    call_command("load_demo", if_empty=True)
    assert "48 already in the database; left as they are" in capsys.readouterr().out
    assert Prisoner.objects.get(slug="duman-mukhametkarim").letters_accepted
