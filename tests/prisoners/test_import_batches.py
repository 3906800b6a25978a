"""Large imports: new profiles and their related rows are written in batches, yet a bad
row is still reported by number and column, and a file with one leaves nothing behind."""

import io

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prisoners.cells import BATCH
from prisoners.models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent
from prisoners.services import prisoners_import

pytestmark = pytest.mark.django_db

HEADER = (
    "slug,given_name,family_name,alternative_names,status,case,charges,sentence_years,"
    "sentence_months,detained_on,convicted_on,citizenship,summary,sources,events,publication\n"
)


def row(n, **overrides):
    values = {
        "slug": f"person-{n}",
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "alternative_names": f"Given{n} Familyev",
        "status": "convicted",
        "case": "Test case",
        "charges": "405 (participation in an extremist organisation); 174 (inciting discord)",
        "sentence_years": "5",
        "sentence_months": "6",
        "detained_on": "2023-05-01",
        "convicted_on": "2023-11-20",
        "citizenship": "KZ",
        "summary": "An activist.",
        "sources": f'"https://news.example.org/{n} | News | 2023-05-02\n | The report | "',
        "events": (
            f'"2023-05-01 | detained | Detained at home | https://news.example.org/{n}\n'
            '2023-11 | convicted | Sentenced | The report"'
        ),
        "publication": "published",
    }
    values.update(overrides)
    return ",".join(values[column] for column in HEADER.strip().split(",")) + "\n"


def write(tmp_path, rows):
    path = tmp_path / "prisoners.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def import_counting(tmp_path, rows):
    with CaptureQueriesContext(connection) as queries:
        result = prisoners_import(path=write(tmp_path, rows))
    return result, len(queries)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(tmp_path):
    """One query a row would show as 10 times the queries for 10 times the rows."""
    small, small_queries = import_counting(tmp_path, [row(n) for n in range(20)])
    assert small.totals["new"] == 20
    Prisoner.objects.all().delete()
    Source.objects.all().delete()
    large, large_queries = import_counting(tmp_path, [row(n) for n in range(200)])
    assert large.totals["new"] == 200 and not large.has_validation_errors()
    # One query more a row would add 180. SQLite splits a bulk INSERT by its parameter
    # limit (about 33 profiles a statement), which adds a few.
    assert large_queries - small_queries < 20, (small_queries, large_queries)
    assert large_queries < 40


def test_a_batched_import_writes_every_related_row(tmp_path):
    count = BATCH + 20  # across a batch boundary
    result = prisoners_import(path=write(tmp_path, [row(n) for n in range(count)]))
    assert result.totals["new"] == count and not result.has_errors()
    assert Prisoner.objects.count() == count
    assert Case.objects.count() == 1 and Article.objects.count() == 2
    assert Prisoner.charges.through.objects.count() == 2 * count
    assert Source.objects.count() == 2 * count
    assert TimelineEvent.objects.count() == 2 * count
    assert AlternativeName.objects.count() == count
    last = Prisoner.objects.for_profile().get(slug=f"person-{count - 1}")
    assert last.name_key  # the search key is set in bulk too
    assert [a.number for a in last.charges.all()] == ["174", "405"]
    assert [e.source.title for e in last.events.all()] == ["News", "The report"]
    assert [n.name for n in last.alternative_names.all()] == [f"Given{count - 1} Familyev"]


def test_a_bad_row_after_a_written_batch_is_named_and_nothing_is_kept(tmp_path):
    rows = [row(n) for n in range(BATCH + 30)]
    rows[BATCH + 10] = row(BATCH + 10, sentence_months="14", citizenship="XX")
    result = prisoners_import(path=write(tmp_path, rows))
    [invalid] = result.invalid_rows
    assert invalid.number == BATCH + 11
    assert "Months of a sentence go from 0 to 11" in " ".join(invalid.error_dict["__all__"])
    assert "'XX' is not a country code" in " ".join(invalid.error_dict["citizenship"])
    assert Prisoner.objects.count() == 0 and Source.objects.count() == 0
    assert Case.objects.count() == 0 and Article.objects.count() == 0


def test_the_check_constraints_are_reported_per_row(tmp_path):
    rows = [row(1), row(2, detained_on="2024-01-01", convicted_on="2023-01-01")]
    result = prisoners_import(path=write(tmp_path, rows))
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "conviction date is before the detention date" in str(invalid.error_dict)
    assert Prisoner.objects.count() == 0


def test_an_event_named_twice_in_a_cell_is_kept_once(tmp_path):
    twice = (
        '"2023-05-01 | detained | Detained at home | The report\n'
        '2023-05-01 | detained | Detained at dawn | The report"'
    )
    result = prisoners_import(path=write(tmp_path, [row(1, events=twice)]))
    assert not result.has_errors() and not result.has_validation_errors()
    [event] = TimelineEvent.objects.all()
    assert event.description == "Detained at dawn"  # the last one, as on an update


def test_each_imported_profile_has_its_entry_in_the_audit_trail(tmp_path, admin_user):
    with set_actor(admin_user):
        prisoners_import(path=write(tmp_path, [row(1), row(2)]))
    person = Prisoner.objects.get(slug="person-1")
    [entry] = LogEntry.objects.get_for_object(person)
    assert entry.action == LogEntry.Action.CREATE and entry.actor == admin_user
    assert entry.changes["charges"]["objects"] == [
        "405 (participation in an extremist organisation)",
        "174 (inciting discord)",
    ]
    assert len(entry.changes["sources"]["objects"]) == 2
    assert LogEntry.objects.get_for_model(Prisoner).count() == 2


def test_a_new_article_named_on_two_rows_is_created_once(tmp_path):
    rows = [row(n, charges="999 (a new article)") for n in range(3)]
    result = prisoners_import(path=write(tmp_path, rows))
    assert not result.has_validation_errors()
    assert Article.objects.filter(number="999").count() == 1
    assert Prisoner.objects.filter(charges__number="999").count() == 3


def test_a_preview_then_a_confirm_in_the_admin_writes_the_cases_once(admin_client, tmp_path):
    """The preview creates the case in a transaction it rolls back: the confirmed import
    must not reuse what the preview read or created."""
    upload = io.BytesIO((HEADER + row(1) + row(2, case="Another case")).encode())
    upload.name = "prisoners.csv"
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert Case.objects.count() == 0
    assert "Another case" in response.content.decode()  # the preview shows each row's values
    form = response.context["confirm_form"]
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_process_import"), {**form.initial}
    )
    assert response.status_code == 302
    assert sorted(Case.objects.values_list("title", flat=True)) == ["Another case", "Test case"]
    assert Prisoner.objects.get(slug="person-2").case.title == "Another case"


def test_an_update_in_a_large_file_is_saved_with_its_related_rows(tmp_path):
    prisoners_import(path=write(tmp_path, [row(n) for n in range(30)]))
    rows = [row(n) for n in range(30)]
    rows[7] = row(
        7, sentence_years="9", charges="174 (inciting discord)", sources='""', events='""'
    )
    result = prisoners_import(path=write(tmp_path, [*rows, row(30)]))
    assert (result.totals["update"], result.totals["skip"], result.totals["new"]) == (1, 29, 1)
    seventh = Prisoner.objects.get(slug="person-7")
    assert seventh.sentence_years == 9
    assert [a.number for a in seventh.charges.all()] == ["174"]
    assert not seventh.sources.exists() and not seventh.events.exists()
