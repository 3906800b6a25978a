import datetime

import factory

from prisoners.models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: str(100 + n))
    title = factory.Faker("sentence", nb_words=5)


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
    summary = factory.Faker("sentence")
    publication = Prisoner.Publication.PUBLISHED

    @factory.post_generation
    def charges(self, create, extracted, **kwargs):
        if create and extracted:
            self.charges.set(extracted)


class AlternativeNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlternativeName

    prisoner = factory.SubFactory(PrisonerFactory)
    name = factory.Faker("name")


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
