"""Query budgets of the API: every list and detail answers in the same few queries with a
handful of rows and with many, so that an N+1 shows."""

import pytest

from campaigns import services
from tests.budgets import page_queries
from tests.factories import (
    ArticleFactory,
    CampaignFactory,
    CaseFactory,
    DeclarationFactory,
    PetitionFactory,
    PrisonerFactory,
    SignatoryFactory,
    SourceFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def add_rows(n, settings):
    """n published profiles (each in a case, with two charges, and events with their
    sources), a declaration on them with n signatures, and a campaign featuring them with
    n // 2 petitions, each signed by a few supporters."""
    settings.SIGNING_ADDRESS_LIMITS = [(10**6, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(10**6, 60)]
    prisoners = []
    for i in range(n):
        prisoner = PrisonerFactory(
            case=CaseFactory(), charges=[ArticleFactory(), ArticleFactory()], region=f"R{i}"
        )
        for _ in range(3):
            TimelineEventFactory(prisoner=prisoner, source=SourceFactory(prisoner=prisoner))
        prisoners.append(prisoner)
    declaration = DeclarationFactory()
    declaration.prisoners.set(prisoners)
    for _ in range(n):
        SignatoryFactory(declaration=declaration).sign()
    campaign = CampaignFactory()
    campaign.featured_prisoners.set(prisoners)
    for i in range(n // 2):
        petition = PetitionFactory(campaign=campaign)
        for j in range(3):
            services.signature_create(
                petition=petition,
                name=f"Signer {j}",
                email=f"s{petition.pk}-{j}@example.org",
                country="FR",
                ip=f"198.51.{i}.{j}",
            ).confirm()
    return {
        "prisoner": prisoners[-1],
        "declaration": declaration,
        "campaign": campaign,
        "petition": petition,
    }


def paths(rows):
    return {
        "/api/v1/prisoners/": 4,
        "/api/v1/prisoners/?status=convicted&article=" + rows["prisoner"].charges.first().number: 5,
        # The profile's own facts, without the sections the apps above add to its page.
        f"/api/v1/prisoners/{rows['prisoner'].slug}/": 5,
        "/api/v1/cases/": 2,
        f"/api/v1/cases/{rows['prisoner'].case.slug}/": 1,
        "/api/v1/articles/": 2,
        f"/api/v1/articles/{rows['prisoner'].charges.first().number}/": 1,
        "/api/v1/declarations/": 2,
        f"/api/v1/declarations/{rows['declaration'].pk}/": 3,
        "/api/v1/campaigns/": 3,
        f"/api/v1/campaigns/{rows['campaign'].slug}/": 3,
        "/api/v1/petitions/": 2,
        f"/api/v1/petitions/{rows['petition'].slug}/": 1,
        f"/api/v1/petitions/{rows['petition'].slug}/count.json": 1,
    }


def test_every_endpoint_within_its_budget_whatever_the_rows(client, settings):
    few = paths(add_rows(2, settings))
    counts_few = {path: page_queries(client, path) for path in few}
    many = paths(add_rows(30, settings))
    counts_many = {path: page_queries(client, path) for path in many}
    for (path, budget), (many_path, count) in zip(few.items(), counts_many.items(), strict=True):
        assert counts_few[path] == count, (path, many_path, counts_few[path], count)
        assert count <= budget, (many_path, count, budget)
