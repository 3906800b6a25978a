"""Importing published declarations: the seeds, the traps, matching and idempotence."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from declarations import demo
from declarations.models import Declaration, Parliamentarian, Signatory
from declarations.pace.importing import declaration_import, declaration_preview
from prisoners.models import Prisoner

pytestmark = pytest.mark.django_db

DEMO = demo.DEMO_DIR
WEB_PAGE = """Stand with the political prisoners of Kazakhstan

Doc. 99999 | Written declaration No. 999 | 12 March 2026

Signatories: Mr Frank SCHWABE, Germany, SOC ; Ms Anna De VRIES, Netherlands, SOC ; \
Mr Paul GAVAN, Ireland ; Ms Adela RĂILEANU, Republic of Moldova, UEL ; \
Sir John SMITH, United Kingdom, EC

We call for the release of Marat Zhylanbaev and Askar Sembai, and of all political prisoners.
"""


def test_demo_declarations_figures(demo_data):
    assert Declaration.objects.count() == 3
    assert Signatory.objects.signed().count() == 63
    assert Parliamentarian.objects.count() == 55
    schennach = Parliamentarian.objects.get(surname="SCHENNACH")
    assert schennach.signatories.count() == 3
    counts = {d.declaration_number: d.signatories.count() for d in Declaration.objects.all()}
    assert counts == {804: 21, 818: 20, 675: 22}


def test_demo_traps_are_read_right(demo_data):
    assert Parliamentarian.objects.filter(surname="ÇELENK ÖZEN", given_names="Sevilay").exists()
    assert Parliamentarian.objects.filter(surname="IKIĆ BANIČEK").exists()
    de_sutter = Parliamentarian.objects.get(surname="De SUTTER")
    assert de_sutter.given_names == "Petra" and de_sutter.delegation.name == "Belgium"
    moldova = Signatory.objects.filter(delegation_at_signing__name="Republic of Moldova")
    assert moldova.count() == 2
    gavan_804 = Signatory.objects.get(
        parliamentarian__surname="GAVAN", declaration__declaration_number=804
    )
    assert gavan_804.group_at_signing is None
    gavan_675 = Signatory.objects.get(
        parliamentarian__surname="GAVAN", declaration__declaration_number=675
    )
    assert gavan_675.group_at_signing.code == "UEL"


def test_demo_declarations_link_the_prisoners_they_name(demo_data):
    no_804 = Declaration.objects.get(declaration_number=804)
    linked = set(no_804.prisoners.values_list("slug", flat=True))
    assert linked == {
        "daniyar-adilbekov",
        "duman-mukhametkarim",
        "marat-zhylanbayev",
        "askar-sembay",
        "asylbek-zhamuratov",
        "aidar-syzdykov",
        "asanali-suyubaev",
        "timur-danebayev",
        "akylzhan-kiysymbayev",
        "kazybek-kudaibergenov",
        "bekizhan-mendygaziyev",
    }
    assert not Prisoner.objects.filter(slug="fazylzhan-syzdykov", declarations=no_804).exists()
    assert Declaration.objects.get(declaration_number=675).prisoners.count() == 0


def test_importing_the_same_declaration_twice_changes_nothing(demo_data):
    before = (
        Declaration.objects.count(),
        Signatory.objects.count(),
        Parliamentarian.objects.count(),
    )
    call_command("import_declaration", *[str(p) for p in sorted(DEMO.glob("*.txt"))])
    call_command("load_demo")
    after = (
        Declaration.objects.count(),
        Signatory.objects.count(),
        Parliamentarian.objects.count(),
    )
    assert after == before


def test_web_layout_matches_people_from_the_document_layout(demo_data):
    assembly = demo.assembly_pace()
    plan = declaration_preview(text=WEB_PAGE, assembly=assembly)
    status = {row.parsed.surname: row.status for row in plan.signatories}
    assert status == {
        "SCHWABE": "existing",
        "De VRIES": "new",
        "GAVAN": "existing",
        "RĂILEANU": "existing",
        "SMITH": "new",
    }
    declaration = declaration_import(text=WEB_PAGE, assembly=assembly)
    assert Parliamentarian.objects.count() == 57
    assert Parliamentarian.objects.get(surname="SCHWABE").honorific == "Mr"
    assert declaration.signatories.count() == 5


def test_an_uncertain_match_is_left_to_staff(demo_data):
    assembly = demo.assembly_pace()
    text = WEB_PAGE.replace("Mr Frank SCHWABE", "Mr Franz SCHWABE")
    plan = declaration_preview(text=text, assembly=assembly)
    [uncertain] = plan.uncertain
    assert uncertain.parsed.given_names == "Franz"
    assert [c.surname for c in uncertain.candidates] == ["SCHWABE"]
    with pytest.raises(ValidationError, match="Decide who SCHWABE Franz is"):
        declaration_import(text=text, assembly=assembly)
    assert not Declaration.objects.filter(declaration_number=999).exists()
    schwabe = Parliamentarian.objects.get(surname="SCHWABE")
    declaration_import(text=text, assembly=assembly, choices={uncertain.index: schwabe.pk})
    assert schwabe.signatories.count() == 3


def test_a_malformed_paste_saves_nothing(demo_data):
    assembly = demo.assembly_pace()
    text = (
        (DEMO / "pace-818-doc-16229.txt")
        .read_text()
        .replace("GLASER Vinzenz, Germany, UEL", "glaser vinzenz germany")
        .replace("No. 818", "No. 819")
    )
    plan = declaration_preview(text=text, assembly=assembly)
    assert plan.errors and not plan.can_import
    with pytest.raises(ValidationError):
        declaration_import(text=text, assembly=assembly)
    assert not Declaration.objects.filter(declaration_number=819).exists()


def test_import_command_reports_bad_files(tmp_path, demo_data):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello world")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="3 of 3 file"):
        call_command("import_declaration", str(junk), str(binary), str(tmp_path / "none.txt"))
    with pytest.raises(CommandError, match="No assembly called OSCE"):
        call_command("import_declaration", str(junk), assembly="OSCE")


def test_admin_import_preview_then_confirm(admin_client, demo_data):
    url = reverse("admin:declarations_declaration_import_text")
    assembly = demo.assembly_pace()
    response = admin_client.post(url, {"assembly": assembly.pk, "text": WEB_PAGE, "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No. 999" in html and "De VRIES" in html and "Republic of Moldova" in html
    assert "New person" in html and "Known:" in html
    assert not Declaration.objects.filter(declaration_number=999).exists()
    response = admin_client.post(url, {"assembly": assembly.pk, "text": WEB_PAGE, "confirm": "1"})
    assert response.status_code == 302
    declaration = Declaration.objects.get(declaration_number=999)
    assert response["Location"].endswith(f"/{declaration.pk}/prisoners/")
    page = admin_client.get(response["Location"]).content.decode()
    assert "Marat Zhylanbayev" in page and "Askar Sembay" in page


def test_admin_import_shows_errors_and_offers_no_confirm(admin_client, demo_data):
    url = reverse("admin:declarations_declaration_import_text")
    response = admin_client.post(
        url, {"assembly": demo.assembly_pace().pk, "text": "Just some words\nnothing else"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No signatories were found" in html
    assert 'name="confirm"' not in html
    empty = admin_client.post(url, {"assembly": demo.assembly_pace().pk, "text": ""})
    assert "Paste the text or upload a file." in empty.content.decode()


def test_a_paste_the_form_refuses_is_kept_for_correction(admin_client):
    from django.urls import reverse

    from tests.factories import AssemblyFactory

    assembly = AssemblyFactory()
    text = "Written declaration No. 1\x00 with a stray NUL"
    response = admin_client.post(
        reverse("admin:declarations_declaration_import_text"),
        {"assembly": assembly.pk, "text": text},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert "with a stray NUL" in response.content.decode()


def test_which_code_stands_for_non_attached_members_is_the_assemblys_rule():
    """No code is special to the importer: the assembly says which one means "no group"."""
    from tests.factories import AssemblyFactory

    assembly = AssemblyFactory(short_name="NA-TEST", name="Test assembly", non_attached_code="IND")
    text = WEB_PAGE.replace("Ireland ;", "Ireland, IND ;").replace(
        "United Kingdom, EC", "Malta, NR"
    )
    declaration_import(text=text, assembly=assembly)
    groups = dict(assembly.groups.values_list("code", "is_non_attached"))
    assert groups == {"SOC": False, "UEL": False, "IND": True, "NR": False}
    pace = demo.assembly_pace()
    assert pace.non_attached_code == "NR"
    assert pace.groups.get(code="NR").is_non_attached
