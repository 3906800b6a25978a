import datetime

import factory
from django.utils import timezone

from campaigns.models import Campaign, CampaignUpdate, PaperSignatureBatch, Petition, Signature
from declarations.models import (
    Assembly,
    Declaration,
    Delegation,
    Godparenthood,
    Parliamentarian,
    PoliticalGroup,
    Signatory,
)
from prisoners.models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent
from supporters.models import Supporter


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: str(100 + n))
    title = factory.Sequence(lambda n: f"Offence number {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")


class PrisonerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prisoner
        skip_postgeneration_save = True

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    slug = factory.Sequence(lambda n: f"prisoner-{n}")
    status = Prisoner.Status.CONVICTED
    case = factory.SubFactory(CaseFactory)
    sentence_years = 5
    sentence_months = 0
    detained_on = datetime.date(2022, 1, 14)
    # Not made-up prose: a random word ("Other", "Released") on a page would break tests
    # that check a word is absent.
    summary = factory.Sequence(lambda n: f"Imprisoned for speaking out ({n}).")
    publication = Prisoner.Publication.PUBLISHED

    @factory.post_generation
    def charges(self, create, extracted, **kwargs):
        if create and extracted:
            self.charges.set(extracted)


class AlternativeNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlternativeName

    prisoner = factory.SubFactory(PrisonerFactory)
    # A sequence, not random names: two alike for one prisoner break a unique constraint.
    name = factory.Sequence(lambda n: f"Other Spelling {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    prisoner = factory.SubFactory(PrisonerFactory)
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    title = factory.Sequence(lambda n: f"News report {n}")


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    prisoner = factory.SubFactory(PrisonerFactory)
    date = factory.Sequence(lambda n: datetime.date(2022, 1, 1) + datetime.timedelta(days=n))
    kind = TimelineEvent.Kind.DETAINED
    description = "Detained by the police"
    source = factory.LazyAttribute(lambda event: SourceFactory(prisoner=event.prisoner))


# Declarations ---------------------------------------------------------------------------


class AssemblyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assembly
        django_get_or_create = ["short_name"]

    short_name = "PACE"
    name = "Parliamentary Assembly of the Council of Europe"


class PoliticalGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliticalGroup
        django_get_or_create = ["assembly", "code"]

    assembly = factory.SubFactory(AssemblyFactory)
    code = factory.Iterator(["SOC", "EPP/CD", "UEL", "ALDE", "ECPA"])
    name = factory.LazyAttribute(lambda group: f"Group {group.code}")
    is_non_attached = factory.LazyAttribute(lambda group: group.code == "NR")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation
        django_get_or_create = ["assembly", "name"]

    assembly = factory.SubFactory(AssemblyFactory)
    name = factory.Iterator(["Austria", "France", "Germany", "Ireland", "Sweden", "Spain"])


class ParliamentarianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parliamentarian

    given_names = factory.Faker("first_name")
    surname = factory.Sequence(lambda n: f"MEMBER{n}")
    email = factory.Sequence(lambda n: f"member{n}@parliament.example.org")
    delegation = factory.SubFactory(DelegationFactory)
    group = factory.SubFactory(PoliticalGroupFactory)


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    assembly = factory.SubFactory(AssemblyFactory)
    title = factory.Sequence(lambda n: f"Release the political prisoners ({n})")
    body = "We, the undersigned, call for the release of all political prisoners."
    status = Declaration.Status.COLLECTING


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    declaration = factory.SubFactory(DeclarationFactory)
    parliamentarian = factory.SubFactory(ParliamentarianFactory)
    invited_at = factory.LazyFunction(timezone.now)


# Campaigns ------------------------------------------------------------------------------


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Free them all ({n})")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "Release the political prisoners."
    status = Campaign.Status.LIVE


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Release the prisoners ({n})")
    slug = factory.Sequence(lambda n: f"petition-{n}")
    target = "The President"
    text = "We call for the release of all political prisoners."
    goal = 100


def prisoner_change_form(prisoner, **extra):
    """The prisoner admin's change form as posted, with no inline rows and `extra` on top."""
    data = {
        "given_name": prisoner.given_name,
        "family_name": prisoner.family_name,
        "slug": prisoner.slug,
        "status": prisoner.status,
        "summary_en": prisoner.summary,
        "sentence_months": 0,
        "publication": prisoner.publication,
    }
    for prefix in ("alternative_names", "sources", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(extra)
    return data


class GodparenthoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Godparenthood

    prisoner = factory.SubFactory(PrisonerFactory)
    parliamentarian = factory.SubFactory(ParliamentarianFactory)


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    email_key = factory.LazyAttribute(lambda supporter: supporter.email.lower())
    name = factory.Sequence(lambda n: f"Signer {n}")
    country = "FR"


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    petition = factory.SubFactory(PetitionFactory)
    supporter = factory.SubFactory(SupporterFactory)
    status = Signature.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
    show_name = True
    comment = "A comment that is the signer's own"


class PaperSignatureBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperSignatureBatch

    petition = factory.SubFactory(PetitionFactory)
    count = 10
    place = "Street stall, Almaty"


class CampaignUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignUpdate

    campaign = factory.SubFactory(CampaignFactory)
    subject_en = "News of the trial"
    body_en = "The court sat today.\n\nThank you for standing with them."
