import pytest
from django.urls import reverse

from declarations import services
from declarations.models import Declaration, Parliamentarian
from tests.budgets import page_queries
from tests.factories import DeclarationFactory, ParliamentarianFactory, SignatoryFactory

pytestmark = pytest.mark.django_db


def test_declaration_list_and_page(client, demo_data):
    response = client.get(reverse("declarations:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stand up for human rights in Kazakhstan" in html
    assert "21 signatures" in html

    declaration = Declaration.objects.get(declaration_number=804)
    html = " ".join(client.get(declaration.get_absolute_url()).content.decode().split())
    assert "Written declaration No. 804" in html and "Doc. 16113" in html
    assert "21 signatories" in html
    assert "<dt>Austria</dt>" in html
    assert '<abbr title="Socialists, Democrats and Greens Group">SOC</abbr>' in html
    assert 'href="/prisoners/duman-mukhametkarim/"' in html
    assert 'href="/campaigns/free-the-journalists/"' in html  # the campaign it is linked to


def test_profile_lists_the_declarations_concerning_the_prisoner(client, demo_data):
    html = client.get("/prisoners/marat-zhylanbayev/").content.decode()
    assert "Parliamentary declarations" in html
    assert "Kazakhstan: systematic violations of human rights" in html


def test_collecting_declaration_shows_threshold_progress(client):
    declaration = DeclarationFactory()
    SignatoryFactory(declaration=declaration)
    services.signature_record(signature=SignatoryFactory(declaration=declaration))
    html = " ".join(client.get(declaration.get_absolute_url()).content.decode().split())
    assert "1 of 20 signatures" in html
    assert (
        "Needs 19 more signatures, 3 more national delegations and 1 more political group" in html
    )


def test_drafts_are_not_public(client):
    draft = DeclarationFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get(reverse("declarations:list")).content.decode()


def test_parliamentarian_page_never_shows_contact_details(client):
    member = ParliamentarianFactory(
        email="private@parliament.example.org", office_contact="Room 12, +33 1 23 45 67 89"
    )
    signature = SignatoryFactory(parliamentarian=member)
    services.signature_record(signature=signature)
    html = client.get(member.get_absolute_url()).content.decode()
    assert signature.declaration.title in html
    assert "private@" not in html and "+33" not in html


def test_members_who_only_were_invited_have_no_public_page(client):
    member = ParliamentarianFactory()
    SignatoryFactory(parliamentarian=member)
    assert client.get(member.get_absolute_url()).status_code == 404
    assert client.get("/parliamentarians/999999/").status_code == 404


def test_page_query_budgets(client, demo_data):
    declaration = Declaration.objects.get(declaration_number=675)
    member = Parliamentarian.objects.get(surname="SCHENNACH")
    assert page_queries(client, declaration.get_absolute_url()) <= 5
    assert page_queries(client, reverse("declarations:list")) <= 3
    assert page_queries(client, member.get_absolute_url()) <= 3
    assert page_queries(client, "/prisoners/marat-zhylanbayev/") <= 8


def test_declaration_page_budget_does_not_grow_with_signatures(
    client, django_assert_max_num_queries
):
    small, large = DeclarationFactory(), DeclarationFactory()
    for declaration, count in ((small, 2), (large, 60)):
        for _ in range(count):
            services.signature_record(signature=SignatoryFactory(declaration=declaration))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for declaration in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(declaration.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_admin_list_shows_threshold_and_champions(
    admin_client, demo_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:declarations_declaration_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "22 / 20 signatures" in html and "<strong>Met</strong>" in html
    response = admin_client.get(reverse("admin:declarations_parliamentarian_changelist"))
    first = response.context["cl"].result_list[0]
    assert (first.surname, first.signed_count) == ("SCHENNACH", 3)
    signed_twice = admin_client.get(
        reverse("admin:declarations_parliamentarian_changelist"), {"signed": "2"}
    )
    assert signed_twice.context["cl"].result_count == 7


def test_admin_declaration_page_shows_threshold_and_word_count(admin_client, demo_data):
    declaration = Declaration.objects.get(declaration_number=804)
    html = admin_client.get(
        reverse("admin:declarations_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert "21 / 20 signatures" in html
    assert "over the limit of 200" in html


def test_admin_pace_export(admin_client, demo_data):
    declaration = Declaration.objects.get(declaration_number=818)
    response = admin_client.post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "export_pace", "_selected_action": [declaration.pk]},
    )
    text = response.content.decode()
    assert "CASTEL Laura, Spain, UEL" in text
    assert "RĂILEANU Adela, Republic of Moldova, UEL" in text
    assert "Total = 20" in text and "EPP/CD: Group of the European People's Party" in text


def test_admin_refuses_illegal_moves_with_a_message(admin_client, demo_data):
    declaration = Declaration.objects.get(declaration_number=818)
    response = admin_client.post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "withdraw", "_selected_action": [declaration.pk]},
        follow=True,
    )
    assert "cannot be withdrawn" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == "published"


def test_admin_invite_action(admin_client, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    declaration = DeclarationFactory()
    members = ParliamentarianFactory.create_batch(2)
    url = reverse("admin:declarations_parliamentarian_changelist")
    ids = [m.pk for m in members]
    page = admin_client.post(url, {"action": "invite", "_selected_action": ids})
    assert "Send the invitations" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url, {"action": "invite", "_selected_action": ids, "declaration": declaration.pk}
        )
    assert declaration.signatories.count() == 2
    from django.core import mail

    assert len(mail.outbox) == 2


def test_admin_cannot_mark_signed_without_the_checks(admin_client):
    signature = SignatoryFactory()
    url = reverse("admin:declarations_signatory_change", args=[signature.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields
    admin_client.post(
        reverse("admin:declarations_signatory_changelist"),
        {"action": "record_signed", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert signature.status == "signed"
    assert signature.delegation_at_signing == signature.parliamentarian.delegation


def test_saving_a_declaration_suggests_the_prisoners_it_names(admin_client, demo_data):
    from declarations.models import Assembly

    response = admin_client.post(
        reverse("admin:declarations_declaration_add"),
        {
            "assembly": Assembly.objects.get().pk,
            "title_en": "Free Temirlan",
            "body_language": "en",
            "body": "We call for the release of Temirlan Yensebek.",
            "status": "draft",
            "signatories-TOTAL_FORMS": 0,
            "signatories-INITIAL_FORMS": 0,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "names 1 published prisoner(s) not yet linked" in html
    declaration = Declaration.objects.get(title="Free Temirlan")
    page = admin_client.get(
        reverse("admin:declarations_declaration_prisoners", args=[declaration.pk])
    )
    assert [p.slug for p in page.context["suggestions"]] == ["temirlan-ensebek"]
    admin_client.post(
        reverse("admin:declarations_declaration_prisoners", args=[declaration.pk]),
        {"prisoner": [page.context["suggestions"][0].pk]},
    )
    assert list(declaration.prisoners.values_list("slug", flat=True)) == ["temirlan-ensebek"]


@pytest.mark.parametrize("model", ["declaration", "signatory"])
def test_signatories_export_as_csv(admin_client, demo_data, model):
    from django.apps import apps
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[apps.get_model("declarations", model)]
    formats = [f.__name__ for f in model_admin.get_export_formats() if f().can_export()]
    response = admin_client.post(
        reverse(f"admin:declarations_{model}_export"),
        {
            "format": str(formats.index("CSV")),
            "resource": "0",
            **{
                f"signatoryresource_{name}": "on"
                for name in ("declaration", "surname", "given_names", "delegation", "group")
            },
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "804,SCHENNACH,Stefan,Austria,SOC" in body
    assert body.count("\n") == 64  # header and 63 signatures
