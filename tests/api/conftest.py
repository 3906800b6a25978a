"""A small world for the API's tests: published content, and beside it everything that
must never come out of the API, each marked with LEAK so that a test can look for it."""

import datetime
import json

import pytest

from campaigns.models import (
    Campaign,
    Consent,
    Letter,
    LetterAction,
    Official,
    Signature,
    SolidarityMessage,
)
from declarations.models import Declaration
from prisoners.models import Prisoner
from supporters.models import Supporter
from tests.factories import (
    AlternativeNameFactory,
    ArticleFactory,
    CampaignFactory,
    CaseFactory,
    DeclarationFactory,
    ParliamentarianFactory,
    PetitionFactory,
    PrisonerFactory,
    SignatoryFactory,
    TimelineEventFactory,
)

MARK = "leak"  # every secret below contains it, in some case


def api(client, path, expect=200, **params):
    """GET an API path; the parsed JSON of an answer with the expected status."""
    response = client.get(path, params)
    assert response.status_code == expect, (path, response.status_code, response.content[:300])
    return response.json() if response.content else None


@pytest.fixture
def world(db):
    article = ArticleFactory(number="405", title="Participation in an extremist organisation")
    case = CaseFactory(title="The January case", slug="january-case", summary="Protests.")
    published = PrisonerFactory(
        given_name="Aigul",
        family_name="Utepova",
        slug="aigul-utepova",
        case=case,
        charges=[article],
        citizenship="KZ",
        region="Almaty",
        gender=Prisoner.Gender.FEMALE,
        letters_accepted=True,
        letters_address="UG-157/1, Zhaugashty, Almaty region",
        place_of_detention="Colony UG-157/1",
        story="Arrested after a post.",
        date_of_birth=datetime.date(1985, 3, 2),
        torture_reported=True,
    )
    AlternativeNameFactory(prisoner=published, name="Айгуль Утепова")
    TimelineEventFactory(prisoner=published, date=datetime.date(2022, 1, 14))
    no_letters = PrisonerFactory(
        given_name="Marat",
        family_name="Zhylanbaev",
        slug="marat-zhylanbaev",
        case=case,
        charges=[article],
        letters_accepted=False,
        letters_address="LEAK address while letters are not accepted",
        status=Prisoner.Status.PRETRIAL,
        sentence_years=None,
    )
    # Unpublished: a draft profile, with a case, a charge and a region no one else has.
    draft_case = CaseFactory(title="LEAK draft case", slug="leak-draft-case")
    draft_article = ArticleFactory(number="999-leak", title="LEAK draft charge")
    draft = PrisonerFactory(
        given_name="LEAK",
        family_name="Draftprisoner",
        slug="leak-draft-prisoner",
        case=draft_case,
        charges=[draft_article, article],
        region="LEAK region",
        summary="LEAK summary",
        letters_accepted=True,
        letters_address="LEAK draft address",
        publication=Prisoner.Publication.DRAFT,
    )
    AlternativeNameFactory(prisoner=draft, name="LEAK other spelling")

    # Declarations: a public one, signed by one member, and invitations, pledges and
    # refusals that are no one's business; a draft and a withdrawn one.
    declaration = DeclarationFactory(
        title="Release the political prisoners of Kazakhstan",
        status=Declaration.Status.COLLECTING,
        declaration_number=801,
    )
    declaration.prisoners.add(published, draft)
    member = ParliamentarianFactory(
        given_names="Anna",
        surname="KOWALSKA",
        email="leak-member@parliament.example.org",
        office_contact="LEAK office",
        notes="LEAK staff notes",
    )
    SignatoryFactory(declaration=declaration, parliamentarian=member).sign()
    for status in ("invited", "pledged", "declined"):
        SignatoryFactory(
            declaration=declaration,
            parliamentarian=ParliamentarianFactory(surname=f"LEAK{status.upper()}MEMBER"),
            status=status,
        )
    hidden = {}
    for status in ("draft", "withdrawn"):
        hidden[status] = DeclarationFactory(
            title=f"LEAK {status} declaration", body=f"LEAK {status} text", status=status
        )
        hidden[status].prisoners.add(published)
        SignatoryFactory(
            declaration=hidden[status],
            parliamentarian=ParliamentarianFactory(surname=f"LEAK{status.upper()}SIGNER"),
        ).sign()

    # Campaigns: a live one (featuring a published and a draft profile, linked to a draft
    # declaration) with a petition that supporters signed, and a draft campaign.
    campaign = CampaignFactory(
        title="Free Aigul", slug="free-aigul", declaration=hidden["draft"], story="Why."
    )
    campaign.featured_prisoners.add(published, draft)
    petition = PetitionFactory(campaign=campaign, title="Release Aigul", slug="release-aigul")
    draft_campaign = CampaignFactory(
        title="LEAK draft campaign", slug="leak-draft-campaign", status=Campaign.Status.DRAFT
    )
    draft_campaign.featured_prisoners.add(published)
    draft_petition = PetitionFactory(
        campaign=draft_campaign, title="LEAK draft petition", slug="leak-draft-petition"
    )
    supporters = [
        Supporter.objects.create(
            email=f"leak-signer-{n}@example.org",
            email_key=f"leak-signer-{n}@example.org",
            name=f"Leakname Signer{n}",
            country="DE",
        )
        for n in range(4)
    ]
    confirmed = Signature.objects.create(
        petition=petition,
        supporter=supporters[0],
        comment="LEAK comment",
        show_name=True,
        ip_hash="leakhash" * 8,
        source="LEAK source",
    )
    confirmed.confirm()
    Signature.objects.create(
        petition=petition,
        supporter=supporters[1],
        status=Signature.Status.CONFIRMED,
        held=True,
        hold_reason=Signature.HoldReason.NETWORK,
        ip_hash="leakheld" * 8,
    )
    Signature.objects.create(petition=petition, supporter=supporters[2])  # pending
    Signature.objects.create(petition=draft_petition, supporter=supporters[3]).confirm()
    Consent.objects.create(
        supporter=supporters[0], wording_version="v1", mailing=True, page="LEAK page"
    )
    action = LetterAction.objects.create(
        campaign=campaign,
        title="Write to the prosecutor",
        slug="write-prosecutor",
        subject="S",
        suggested_letter="L",
    )
    action.recipients.add(
        Official.objects.create(name="LEAK official", position="P", email="leak-o@example.org")
    )
    Letter.objects.create(action=action, supporter=supporters[0], body="LEAK letter body")
    SolidarityMessage.objects.create(
        prisoner=published, supporter=supporters[0], author_name="LEAK author", text="LEAK text"
    )
    return {
        "article": article,
        "case": case,
        "published": published,
        "no_letters": no_letters,
        "draft": draft,
        "draft_case": draft_case,
        "draft_article": draft_article,
        "declaration": declaration,
        "member": member,
        "draft_declaration": hidden["draft"],
        "withdrawn_declaration": hidden["withdrawn"],
        "campaign": campaign,
        "petition": petition,
        "draft_campaign": draft_campaign,
        "draft_petition": draft_petition,
        "supporters": supporters,
    }


def walk(value):
    """Every string and number inside a parsed JSON answer, with the key it is under."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from walk(item)
            else:
                yield key, item
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def dumps(value):
    return json.dumps(value, ensure_ascii=False)
