"""Staff imports: previews, per-row errors, and nothing half-imported."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from prisoners.models import Prisoner, TimelineEvent
from prisoners.services import prisoners_import

pytestmark = pytest.mark.django_db

HEADER = (
    "slug,given_name,family_name,alternative_names,status,case,charges,sentence_years,"
    "sentence_months,detained_on,summary,sources,events,publication,letters_accepted,"
    "torture_reported,health_at_risk,hunger_strike\n"
)
GOOD = (
    "anna-test,Anna,Test,Anna Testova,convicted,Test case,405 (participation in an extremist "
    'organisation),5,6,2023-05-01,An activist.,"https://news.example.org/1 | News | 2023-05-02\n'
    ' | The report | ","2023-05-01 | detained | Detained at home | https://news.example.org/1\n'
    '2023-11 | convicted | Sentenced | The report",published,0,0,0,0\n'
)
BAD = (
    "bob-test,Bob,Test,,jailed,Test case,abc,5,6,2023-13-45,A journalist.,,"
    '"2023-05-01 | detained | x | nowhere",published,0,0,0,0\n'
)


def write(tmp_path, text):
    path = tmp_path / "prisoners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_profile_with_related_rows(tmp_path):
    result = prisoners_import(path=write(tmp_path, HEADER + GOOD))
    assert not result.has_errors() and not result.has_validation_errors()
    anna = Prisoner.objects.get(slug="anna-test")
    assert (anna.sentence_years, anna.sentence_months) == (5, 6)
    assert list(anna.alternative_names.values_list("name", flat=True)) == ["Anna Testova"]
    assert anna.sources.count() == 2
    events = list(anna.events.all())
    assert [e.kind for e in events] == ["detained", "convicted"]
    assert events[1].date_precision == TimelineEvent.Precision.MONTH
    assert events[1].source.title == "The report"


def test_reimport_updates_by_slug_without_duplicates(tmp_path):
    prisoners_import(path=write(tmp_path, HEADER + GOOD))
    changed = GOOD.replace(",5,6,", ",6,0,").replace("Detained at home", "Detained at work")
    result = prisoners_import(path=write(tmp_path, HEADER + changed))
    assert result.totals["update"] == 1 and result.totals["new"] == 0
    anna = Prisoner.objects.get(slug="anna-test")
    assert anna.sentence_years == 6
    assert anna.events.get(kind="detained").description == "Detained at work"
    assert Prisoner.objects.count() == 1 and TimelineEvent.objects.count() == 2


def test_a_bad_row_is_reported_per_column_and_nothing_is_imported(tmp_path):
    result = prisoners_import(path=write(tmp_path, HEADER + GOOD + BAD))
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert set(invalid.error_dict) >= {"status", "charges", "detained_on"}
    assert "abc" in " ".join(invalid.error_dict["charges"])
    assert Prisoner.objects.count() == 0


def test_event_pointing_to_unknown_source_is_an_error(tmp_path):
    row = GOOD.replace("| Sentenced | The report", "| Sentenced | Some other paper")
    result = prisoners_import(path=write(tmp_path, HEADER + row))
    [invalid] = result.invalid_rows
    assert "Some other paper" in " ".join(invalid.error_dict["events"])
    assert Prisoner.objects.count() == 0


def test_load_demo_with_a_broken_file_names_the_rows(tmp_path):
    path = write(tmp_path, HEADER + GOOD + BAD)
    with pytest.raises(CommandError) as error:
        call_command("load_demo", prisoners=str(path))
    assert "Row 2, column 'status'" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert Prisoner.objects.count() == 0


def test_load_demo_with_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_demo", prisoners=str(tmp_path / "nope.csv"))


def test_admin_import_previews_then_confirms(admin_client, tmp_path):
    url = reverse("admin:prisoners_prisoner_import")
    upload = io.BytesIO((HEADER + GOOD).encode())
    upload.name = "prisoners.csv"
    response = admin_client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "anna-test" in content and "New" in content
    assert Prisoner.objects.count() == 0  # a preview only

    form = response.context["confirm_form"]
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_process_import"), {**form.initial}
    )
    assert response.status_code == 302
    assert Prisoner.objects.filter(slug="anna-test").exists()


def test_admin_import_preview_lists_bad_rows_and_offers_no_confirm(admin_client):
    upload = io.BytesIO((HEADER + GOOD + BAD).encode())
    upload.name = "prisoners.csv"
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in content
    assert "Value &#x27;jailed&#x27; is not a valid choice." in content
    assert "&#x27;abc&#x27; is not an article" in content
    assert response.context.get("confirm_form") is None
    assert Prisoner.objects.count() == 0


def test_admin_export_escapes_formulae(admin_client, tmp_path):
    prisoners_import(path=write(tmp_path, HEADER + GOOD))
    Prisoner.objects.update(summary='=HYPERLINK("http://evil")')
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_export"),
        {
            "format": "0",
            "resource": "0",
            "prisonerresource_summary_en": "on",
            "prisonerresource_slug": "on",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "HYPERLINK" in body
    assert '"=HYPERLINK' not in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_a_file_with_the_wrong_columns_is_explained(admin_client, tmp_path):
    upload = io.BytesIO(b"name,age\nAnna,30\n")
    upload.name = "people.csv"
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    html = response.content.decode()
    assert "This file is not a prisoner list" in html
    assert "Traceback" not in html and "site-packages" not in html
    with pytest.raises(CommandError, match="not a prisoner list"):
        call_command("load_demo", prisoners=str(write(tmp_path, "")))


def test_repeated_slugs_in_one_file_are_refused(tmp_path):
    result = prisoners_import(path=write(tmp_path, HEADER + GOOD + GOOD))
    assert result.has_errors()
    assert "anna-test" in str(result.base_errors[0].error)
    assert Prisoner.objects.count() == 0


def test_a_file_that_is_not_utf8_is_explained(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes((HEADER + GOOD).encode("cp1251", errors="replace") + b"\xff\xfe")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_demo", prisoners=str(path))


def test_a_case_title_differing_only_in_case_reuses_the_case(tmp_path):
    prisoners_import(path=write(tmp_path, HEADER + GOOD))
    other = GOOD.replace("anna-test", "anna-two").replace("Test case", "TEST CASE")
    result = prisoners_import(path=write(tmp_path, HEADER + other))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Prisoner.objects.get(slug="anna-two").case.title == "Test case"


def test_xlsx_export_imports_again_unchanged(admin_client, demo_data, tmp_path):
    from django.contrib import admin
    from import_export.formats.base_formats import XLSX

    formats = [
        f.__name__ for f in admin.site._registry[Prisoner].get_export_formats() if f().can_export()
    ]
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_export"),
        {
            "format": str(formats.index("XLSX")),
            "resource": "0",
            **{
                f"prisonerresource_{name}": "on"
                for name in __import__(
                    "prisoners.resources", fromlist=["x"]
                ).PrisonerResource.Meta.fields
            },
        },
    )
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    assert XLSX().can_import()
    result = prisoners_import(path=path)
    assert not result.has_errors() and not result.has_validation_errors(), (
        result.base_errors,
        [r.error_dict for r in result.invalid_rows],
    )
    assert result.totals["skip"] == 48


def test_a_column_named_twice_is_refused(tmp_path):
    from prisoners.services import prisoners_import

    demo = (
        Path(__file__).resolve().parents[2] / "prisoners" / "demo_data" / "kazakhstan-2025-02.csv"
    )
    header, first_row = demo.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "twice.csv"
    path.write_text(f"{header},summary\n{first_row},Another summary\n", encoding="utf-8")
    result = prisoners_import(path=path)
    assert result.has_errors()
    assert "more than once: summary" in str(result.base_errors[0].error)
    assert not Prisoner.objects.exists()
