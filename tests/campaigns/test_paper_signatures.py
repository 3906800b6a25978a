"""Paper signatures: staff add counts collected on paper or at events to a petition; the
public count shows online and paper signatures together and says which is which."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import PaperSignatureBatch, Petition
from tests.budgets import page_queries
from tests.factories import PaperSignatureBatchFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def sign(petition, n):
    return services.signature_create(
        petition=petition,
        name=f"Signer {n}",
        email=f"paper-signer{n}-{petition.pk}@example.org",
        country="KZ",
        ip=f"192.0.2.{n}",
    ).confirm()


def words(response):
    return " ".join(response.content.decode().split())


def petition_form(petition, *batches, initial=0):
    """The petition's change form as posted, with these rows of paper batches."""
    data = {
        "campaign": petition.campaign_id,
        "title_en": petition.title,
        "slug": petition.slug,
        "target_en": petition.target,
        "text_en": petition.text,
        "goal": petition.goal,
        "closes_on": "",
        "paper_batches-TOTAL_FORMS": len(batches),
        "paper_batches-INITIAL_FORMS": initial,
        "paper_batches-MIN_NUM_FORMS": 0,
        "paper_batches-MAX_NUM_FORMS": 1000,
    }
    for index, batch in enumerate(batches):
        data.update({f"paper_batches-{index}-{name}": value for name, value in batch.items()})
        data[f"paper_batches-{index}-petition"] = petition.pk
    return data


def change_url(petition):
    return reverse("admin:campaigns_petition_change", args=[petition.pk])


@pytest.fixture
def reader():
    return Client()


def test_staff_add_a_batch_and_the_public_sees_both_counts(admin_client, admin_user, reader):
    petition = PetitionFactory(goal=100)
    for n in range(3):
        sign(petition, n)
    response = admin_client.post(
        change_url(petition),
        petition_form(
            petition,
            {"count": 40, "collected_on": "2026-11-20", "place": "Rally", "note": "Sheets 1-4"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = PaperSignatureBatch.objects.get()
    assert batch.entered_by == admin_user and batch.count == 40

    page = words(reader.get(petition.get_absolute_url()))
    assert "43 signatures" in page
    assert "3 online, 40 on paper" in page
    assert '<progress id="goal-progress" max="100" value="43">' in page

    embed = words(reader.get(reverse("campaigns:embed", args=[petition.slug])))
    assert "43 signatures" in embed and "3 online, 40 on paper" in embed

    count = reader.get(reverse("api:petition-count", args=[petition.slug])).json()
    assert (count["count"], count["online"], count["paper"]) == (43, 3, 40)
    detail = reader.get(reverse("api:petition-detail", args=[petition.slug])).json()
    assert (detail["count"], detail["online"], detail["paper"]) == (43, 3, 40)

    listed = words(admin_client.get(reverse("admin:campaigns_petition_changelist")))
    assert '<td class="field-total">43</td>' in listed
    assert '<td class="field-paper">40</td>' in listed


def test_a_petition_without_paper_signatures_shows_no_split(reader):
    petition = PetitionFactory()
    sign(petition, 1)
    page = words(reader.get(petition.get_absolute_url()))
    assert "1 signature" in page and "on paper" not in page


@pytest.mark.parametrize(
    ("count", "collected_on", "error"),
    [
        (0, "2026-11-20", "A batch holds at least one signature."),
        (-5, "2026-11-20", "A batch holds at least one signature."),
        (1_000_001, "2026-11-20", "A batch holds at most 1,000,000 signatures."),
        ("many", "2026-11-20", "Enter a whole number."),
        (5, "2999-01-01", "Signatures cannot have been collected in the future."),
    ],
)
def test_a_bad_batch_is_refused_with_a_clear_message(admin_client, count, collected_on, error):
    petition = PetitionFactory()
    response = admin_client.post(
        change_url(petition),
        petition_form(petition, {"count": count, "collected_on": collected_on}),
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not PaperSignatureBatch.objects.exists()


def test_the_database_refuses_a_count_out_of_range():
    petition = PetitionFactory()
    with pytest.raises(IntegrityError):
        PaperSignatureBatch.objects.create(petition=petition, count=0)


def test_every_change_to_a_batch_is_in_the_audit_trail(admin_client, admin_user):
    petition = PetitionFactory()
    admin_client.post(
        change_url(petition), petition_form(petition, {"count": 12, "collected_on": "2026-11-01"})
    )
    batch = PaperSignatureBatch.objects.get()
    edited = {"id": batch.pk, "count": 15, "collected_on": "2026-11-01"}
    admin_client.post(change_url(petition), petition_form(petition, edited, initial=1))
    admin_client.post(
        change_url(petition), petition_form(petition, {**edited, "DELETE": "on"}, initial=1)
    )
    assert not PaperSignatureBatch.objects.exists()
    trail = LogEntry.objects.get_for_model(PaperSignatureBatch).order_by("timestamp", "pk")
    assert [entry.action for entry in trail] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert all(entry.actor == admin_user for entry in trail)
    assert trail[1].changes_dict["count"] == ["12", "15"]
    assert Petition.objects.with_count().get().count == 0


def test_the_cached_pages_show_a_new_batch(reader, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    urls = [
        petition.get_absolute_url(),
        reverse("campaigns:embed", args=[petition.slug]),
        reverse("api:petition-count", args=[petition.slug]),
    ]
    for url in urls:
        assert "0" in words(reader.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        batch = PaperSignatureBatchFactory(petition=petition, count=25)
    assert "25 signatures" in words(reader.get(urls[0]))
    assert "25 signatures" in words(reader.get(urls[1]))
    assert reader.get(urls[2]).json()["paper"] == 25
    cache.delete(f"pages:recent:{petition.count_tag}")  # PAGE_TAG_INTERVAL has passed
    with django_capture_on_commit_callbacks(execute=True):
        batch.delete()
    assert "0 signatures" in words(reader.get(urls[0]))


def test_milestones_count_paper_signatures(settings):
    settings.CAMPAIGN_STAFF_EMAILS = ["staff@example.org"]
    petition = PetitionFactory(goal=10)
    sign(petition, 1)
    PaperSignatureBatchFactory(petition=petition, count=9)
    services.staff_daily_digest(now=timezone.now())
    petition.refresh_from_db()
    assert petition.milestone_reported == 100


def test_the_petition_page_and_card_keep_their_budgets_however_many_batches(client):
    few, many = PetitionFactory(), PetitionFactory()
    for petition, n in ((few, 1), (many, 12)):
        for i in range(n):
            sign(petition, i)
            PaperSignatureBatchFactory(
                petition=petition, collected_on=datetime.date(2026, 1, 1 + i)
            )
    for url in (
        lambda p: p.get_absolute_url(),
        lambda p: reverse("campaigns:embed", args=[p.slug]),
        lambda p: reverse("api:petition-count", args=[p.slug]),
    ):
        counts = [page_queries(client, url(p)) for p in (few, many)]
        assert counts[0] == counts[1], counts
    assert page_queries(client, reverse("campaigns:embed", args=[many.slug])) <= 1
    assert page_queries(client, reverse("api:petition-count", args=[many.slug])) <= 1
    assert page_queries(client, many.get_absolute_url()) <= 4


def test_the_petition_admin_keeps_its_budget_however_many_batches(admin_client, admin_user):
    def petitions(n):
        made = PetitionFactory.create_batch(n)
        for petition in made:
            PaperSignatureBatchFactory.create_batch(n, petition=petition, entered_by=admin_user)
        return made

    changelist = reverse("admin:campaigns_petition_changelist")
    few = petitions(2)
    before = page_queries(admin_client, changelist)
    many = petitions(12)
    assert page_queries(admin_client, changelist) == before
    counts = [page_queries(admin_client, change_url(p[0])) for p in (few, many)]
    assert counts[0] == counts[1], counts


def test_campaigners_enter_paper_signatures(role_client):
    client = role_client("Campaigner")
    petition = PetitionFactory()
    response = client.post(
        change_url(petition), petition_form(petition, {"count": 7, "collected_on": "2026-11-20"})
    )
    assert response.status_code == 302
    assert PaperSignatureBatch.objects.get().count == 7
