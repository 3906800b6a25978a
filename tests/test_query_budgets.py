"""Query budgets of the campaigns' pages and the parliamentarians' lists: the same count
with few rows and with many, so that an N+1 shows."""

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import LetterAction, Official
from tests.budgets import page_queries
from tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ParliamentarianFactory,
    PetitionFactory,
    PrisonerFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db


def campaign_with(n, settings):
    """A live campaign with n petitions (each with n confirmed, named signers), n letter
    actions with n officials, and n featured prisoners."""
    settings.SIGNING_ADDRESS_LIMITS = [(10**6, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(10**6, 60)]
    campaign = CampaignFactory()
    campaign.featured_prisoners.set(PrisonerFactory.create_batch(n, letters_accepted=True))
    officials = [Official.objects.create(name=f"O{i}", position="P") for i in range(n)]
    for i in range(n):
        petition = PetitionFactory(campaign=campaign)
        for j in range(n):
            services.signature_create(
                petition=petition,
                name=f"Signer {i} {j}",
                email=f"s{campaign.pk}-{i}-{j}@example.org",
                country="FR",
                show_name=True,
                ip=f"198.51.{i}.{j}",
            ).confirm()
        action = LetterAction.objects.create(
            campaign=campaign,
            slug=f"a{campaign.pk}-{i}",
            title=f"A{i}",
            subject="S",
            suggested_letter="L",
        )
        action.recipients.set(officials)
    return campaign


@pytest.fixture
def few_and_many(settings):
    return campaign_with(2, settings), campaign_with(12, settings)


def test_campaign_pages(client, few_and_many):
    few, many = few_and_many
    assert page_queries(client, reverse("campaigns:list")) <= 3
    counts = [page_queries(client, c.get_absolute_url()) for c in (few, many)]
    assert counts[0] == counts[1] <= 6


def test_petition_letter_and_message_pages(client, few_and_many):
    few, many = few_and_many
    for pages in (
        lambda c: c.petitions.first().get_absolute_url(),
        lambda c: c.letter_actions.first().get_absolute_url(),
        lambda c: reverse("campaigns:message", args=[c.featured_prisoners.first().slug]),
    ):
        counts = [page_queries(client, pages(c)) for c in (few, many)]
        assert counts[0] == counts[1] <= 4, counts


def test_parliamentarian_lists(admin_client):
    from django.test import Client

    client = Client()  # the public, not the signed-in staff member

    def members(n):
        declaration = DeclarationFactory(status="published")
        for member in ParliamentarianFactory.create_batch(n):
            SignatoryFactory(
                declaration=declaration,
                parliamentarian=member,
                status="signed",
                delegation_at_signing=member.delegation,
                group_at_signing=member.group,
            )
        return declaration

    few = members(2)
    few_count = page_queries(admin_client, reverse("admin:declarations_parliamentarian_changelist"))
    many = members(40)
    many_count = page_queries(
        admin_client, reverse("admin:declarations_parliamentarian_changelist")
    )
    assert few_count == many_count <= 14
    counts = [page_queries(client, d.get_absolute_url()) for d in (few, many)]
    assert counts[0] == counts[1] <= 5
    member = many.signatories.first().parliamentarian
    assert page_queries(client, member.get_absolute_url()) <= 3
