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
    declaration = declaration_import(text=WEB_PAGE, assembly=assembly, below_threshold=True)
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
    declaration_import(
        text=text, assembly=assembly, choices={uncertain.index: schwabe.pk}, below_threshold=True
    )
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
    response = admin_client.post(
        url,
        {"assembly": assembly.pk, "text": WEB_PAGE, "confirm": "1", "below_threshold": "on"},
    )
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
    declaration_import(text=text, assembly=assembly, below_threshold=True)
    groups = dict(assembly.groups.values_list("code", "is_non_attached"))
    assert groups == {"SOC": False, "UEL": False, "IND": True, "NR": False}
    pace = demo.assembly_pace()
    assert pace.non_attached_code == "NR"
    assert pace.groups.get(code="NR").is_non_attached


# Close spellings of known members, and texts short of the threshold


def test_a_close_spelling_is_proposed_and_left_to_staff(admin_client, demo_data):
    assembly = demo.assembly_pace()
    text = WEB_PAGE.replace("Mr Frank SCHWABE", "Mr Frank SCHWABBE")
    schwabe = Parliamentarian.objects.get(surname="SCHWABE")
    plan = declaration_preview(text=text, assembly=assembly)
    [row] = plan.uncertain
    assert row.close == schwabe
    note = "Matched “Frank SCHWABBE” to Frank SCHWABE by a close spelling: check."
    assert note in plan.warnings
    with pytest.raises(ValidationError, match="Confirm who SCHWABBE Frank is: SCHWABE Frank"):
        declaration_import(text=text, assembly=assembly, below_threshold=True)
    assert not Declaration.objects.filter(declaration_number=999).exists()

    url = reverse("admin:declarations_declaration_import_text")
    html = admin_client.post(url, {"assembly": assembly.pk, "text": text}).content.decode()
    assert note in html
    assert f'<option value="{schwabe.pk}" selected>' in html
    admin_client.post(
        url,
        {
            "assembly": assembly.pk,
            "text": text,
            "confirm": "1",
            "below_threshold": "on",
            f"match_{row.index}": schwabe.pk,
        },
    )
    assert schwabe.signatories.count() == 3
    assert not Parliamentarian.objects.filter(surname="SCHWABBE").exists()


BELOW = (
    "Only 5 signatures, 5 national delegations, 3 political groups, where PACE needs "
    "20 signatures, 4 national delegations, 2 political groups: this declaration would be "
    "published below the threshold."
)


def test_a_text_below_the_threshold_is_published_only_once_confirmed(admin_client, demo_data):
    assembly = demo.assembly_pace()
    url = reverse("admin:declarations_declaration_import_text")
    preview = admin_client.post(url, {"assembly": assembly.pk, "text": WEB_PAGE}).content.decode()
    assert BELOW in preview
    assert 'name="below_threshold"' in preview and 'value="collecting"' in preview

    refused = admin_client.post(url, {"assembly": assembly.pk, "text": WEB_PAGE, "confirm": "1"})
    assert refused.status_code == 200
    assert "Confirm that it is to be published below the threshold" in refused.content.decode()
    assert not Declaration.objects.filter(declaration_number=999).exists()

    confirmed = admin_client.post(
        url, {"assembly": assembly.pk, "text": WEB_PAGE, "confirm": "1", "below_threshold": "on"}
    )
    assert confirmed.status_code == 302
    assert Declaration.objects.get(declaration_number=999).status == "published"


def test_a_text_below_the_threshold_may_be_saved_as_collecting(admin_client, demo_data):
    assembly = demo.assembly_pace()
    response = admin_client.post(
        reverse("admin:declarations_declaration_import_text"),
        {"assembly": assembly.pk, "text": WEB_PAGE, "confirm": "1", "status": "collecting"},
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(declaration_number=999)
    assert declaration.status == "collecting"
    assert declaration.published_on is None
    assert declaration.signatories.signed().count() == 5


def test_a_text_at_the_threshold_needs_no_confirmation(admin_client, demo_data):
    text = (DEMO / "pace-818-doc-16229.txt").read_text().replace("No. 818", "No. 819")
    plan = declaration_preview(text=text, assembly=demo.assembly_pace())
    assert plan.threshold.met and plan.below_threshold == ""
    response = admin_client.post(
        reverse("admin:declarations_declaration_import_text"),
        {"assembly": demo.assembly_pace().pk, "text": text, "confirm": "1"},
    )
    assert response.status_code == 302
    assert Declaration.objects.get(declaration_number=819).status == "published"


def test_non_attached_members_add_no_group_to_the_threshold(demo_data):
    text = WEB_PAGE.replace("Netherlands, SOC", "Netherlands, NR").replace(
        "Germany, SOC", "Germany, NR"
    )
    text = text.replace("Republic of Moldova, UEL", "Republic of Moldova, NR")
    plan = declaration_preview(text=text, assembly=demo.assembly_pace())
    assert plan.threshold.groups == 1  # EC; NR is PACE's code for members of no group


def test_import_command_refuses_a_text_below_the_threshold(tmp_path, demo_data):
    page = tmp_path / "page.txt"
    page.write_text(WEB_PAGE)
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_declaration", str(page))
    assert not Declaration.objects.filter(declaration_number=999).exists()
    call_command("import_declaration", str(page), status="collecting")
    assert Declaration.objects.get(declaration_number=999).status == "collecting"
    call_command("import_declaration", str(page), below_threshold=True)
    assert Declaration.objects.get(declaration_number=999).status == "published"


def test_the_declaration_list_links_to_the_import(admin_client, demo_data):
    html = admin_client.get(reverse("admin:declarations_declaration_changelist")).content.decode()
    assert f'href="{reverse("admin:declarations_declaration_import_text")}"' in html
    assert "Import a published declaration" in html
    assert "Export" in html  # the export button is still there


def test_close_spellings_of_prisoners_are_offered_unticked(admin_client):
    from tests.factories import DeclarationFactory, PrisonerFactory

    exact = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    close = PrisonerFactory(given_name="Duman", family_name="Mukhametkarim")
    declaration = DeclarationFactory(body="Free Duman Mukhamedkarim and Marat Zhylanbaev.")
    url = reverse("admin:declarations_declaration_prisoners", args=[declaration.pk])
    html = admin_client.get(url).content.decode()
    assert f'value="{exact.pk}" checked>' in html
    assert f'value="{close.pk}">' in html
    assert "the text spells it “Duman Mukhamedkarim”: a close spelling, check" in html
    assert html.index("Zhylanbayev") < html.index("Mukhametkarim")


def test_the_import_command_links_only_exact_spellings(tmp_path, demo_data):
    page = tmp_path / "page.txt"
    page.write_text(WEB_PAGE.replace("Marat Zhylanbaev", "Marat Zhylanbaevv"))
    call_command("import_declaration", str(page), below_threshold=True, link_prisoners=True)
    linked = Declaration.objects.get(declaration_number=999).prisoners
    assert list(linked.values_list("slug", flat=True)) == ["askar-sembay"]
