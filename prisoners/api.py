"""The public API's prisoners, cases and Criminal Code articles (config.api routes them).

Only published profiles, and only what their public page shows: the address for letters
only when letters are accepted, nothing staff-only (publication, notes, edit times). A case
or an article appears only while a published profile names it, as on the list's filters.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from core import pagecache
from core.api import (
    ApiLinkField,
    CodeLabelField,
    CountryField,
    FileLinkField,
    HtmlLinkField,
    PublicAPIMixin,
    absolute,
    with_language,
)

from .filters import PrisonerFilter
from .models import Article, Case, Prisoner, TimelineEvent


def _prisoners_url(request, **filters):
    return absolute(
        request, reverse("api:prisoner-list") + "?" + urlencode(filters), keep_language=True
    )


class CaseSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = ApiLinkField("api:case-detail", "slug")
    html_url = HtmlLinkField()


class ArticleSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    url = ApiLinkField("api:article-detail", "number")


class PrisonerLinkSerializer(serializers.Serializer):
    """A published profile named by another resource (a declaration, a campaign)."""

    slug = serializers.SlugField()
    name = serializers.CharField(source="full_name")
    url = ApiLinkField("api:prisoner-detail", "slug")
    html_url = HtmlLinkField()


class SentenceSerializer(serializers.Serializer):
    years = serializers.IntegerField(source="sentence_years")
    months = serializers.IntegerField(source="sentence_months")
    note = serializers.CharField(source="sentence_note")

    def to_representation(self, prisoner):
        if prisoner.sentence_years is None:
            return None
        return super().to_representation(prisoner)


class ConcernsSerializer(serializers.Serializer):
    torture_reported = serializers.BooleanField()
    health_at_risk = serializers.BooleanField()
    hunger_strike = serializers.BooleanField()


class PrisonerSerializer(serializers.Serializer):
    """A profile as a card of the public list shows it, with the facts of its header."""

    url = ApiLinkField("api:prisoner-detail", "slug")
    html_url = HtmlLinkField()
    slug = serializers.SlugField()
    name = serializers.CharField(source="full_name")
    given_name = serializers.CharField()
    patronymic = serializers.CharField()
    family_name = serializers.CharField()
    # The name in Cyrillic letters, when staff have given it ("" otherwise).
    name_cyrillic = serializers.CharField(source="cyrillic_name")
    given_name_cyrillic = serializers.CharField()
    patronymic_cyrillic = serializers.CharField()
    family_name_cyrillic = serializers.CharField()
    status = CodeLabelField(Prisoner.Status.choices)
    summary = serializers.CharField()
    photo_url = FileLinkField(source="photo")
    case = CaseSummarySerializer(allow_null=True)
    charges = ArticleSummarySerializer(many=True)
    sentence = SentenceSerializer(source="*", allow_null=True)
    detained_on = serializers.DateField()
    convicted_on = serializers.DateField()
    region = serializers.CharField()
    citizenship = CountryField()
    concerns = ConcernsSerializer(source="*")


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    published_on = serializers.DateField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, source):
        return source.url or None


class TimelineEventSerializer(serializers.Serializer):
    date = serializers.CharField(
        source="date_label",
        help_text="ISO 8601 to the precision known: 2024-05-16, 2024-05 or 2024.",
    )
    date_precision = CodeLabelField(TimelineEvent.Precision.choices)
    kind = CodeLabelField(TimelineEvent.Kind.choices)
    description = serializers.CharField()
    source = SourceSerializer()


class LettersSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(source="letters_accepted")
    address = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_address(self, prisoner):
        # As the profile: the address only while letters are accepted.
        if prisoner.letters_accepted and prisoner.letters_address:
            return prisoner.letters_address
        return None


class PrisonerDetailSerializer(PrisonerSerializer):
    """Everything the public profile shows."""

    alternative_names = serializers.SerializerMethodField()
    story = serializers.CharField()
    date_of_birth = serializers.DateField()
    sentence_start_on = serializers.DateField()
    place_of_detention = serializers.CharField()
    days_in_detention = serializers.IntegerField(
        allow_null=True, help_text="Until today, or until release."
    )
    days_in_detention_is_minimum = serializers.BooleanField(
        source="detention_days_are_a_minimum",
        help_text="True when only the conviction date is known: at least this many days.",
    )
    letters = LettersSerializer(source="*")
    timeline = TimelineEventSerializer(source="events", many=True)
    sources = SourceSerializer(many=True)

    def get_alternative_names(self, prisoner) -> list[str]:
        return [spelling.name for spelling in prisoner.alternative_names.all()]


class CaseSerializer(serializers.Serializer):
    url = ApiLinkField("api:case-detail", "slug")
    html_url = HtmlLinkField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    prisoner_count = serializers.IntegerField(source="published_count")
    prisoners_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_prisoners_url(self, case):
        return _prisoners_url(self.context["request"], case=case.slug)


class ArticleSerializer(serializers.Serializer):
    url = ApiLinkField("api:article-detail", "number")
    html_url = serializers.SerializerMethodField()
    number = serializers.CharField()
    title = serializers.CharField()
    prisoner_count = serializers.IntegerField(source="published_count")
    prisoners_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_html_url(self, article):
        path = reverse("prisoners:list") + "?" + urlencode({"article": article.number})
        return absolute(self.context["request"], path)

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_prisoners_url(self, article):
        return _prisoners_url(self.context["request"], article=article.number)


def _published_regions():
    return list(
        Prisoner.objects.published()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


class PrisonerFilterBackend(DjangoFilterBackend):
    """The public list's own filters, offering the regions the list page offers (the same
    cached fragment as prisoners.views.PublishedPrisonerFilterMixin)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "regions": pagecache.fragment("prisoners.regions", _published_regions),
        }


@with_language
class PrisonerViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Published profiles of political prisoners. The list takes the public list's filters:
    q (any spelling of the name), status, case (slug), article (number), region, gender,
    sentence_min and sentence_max (years)."""

    lookup_field = "slug"
    filter_backends = [PrisonerFilterBackend]
    filterset_class = PrisonerFilter

    def get_queryset(self):
        published = Prisoner.objects.published()
        if self.action == "list":
            return published.for_list().order_by("family_name", "given_name", "pk")
        return published.for_profile(sections=False)

    def get_serializer_class(self):
        return PrisonerSerializer if self.action == "list" else PrisonerDetailSerializer

    def filter_queryset(self, queryset):
        # The filters are the list's; a profile is found by its slug alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


@with_language
class CaseViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Cases that published profiles belong to, with how many they are."""

    lookup_field = "slug"
    serializer_class = CaseSerializer

    def get_queryset(self):
        return (
            Case.objects.with_published_count()
            .filter(published_count__gt=0)
            .order_by("title", "pk")
        )


@with_language
class ArticleViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Criminal Code articles that published profiles are charged under."""

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    serializer_class = ArticleSerializer

    def get_queryset(self):
        published = Q(prisoners__publication=Prisoner.Publication.PUBLISHED)
        return (
            Article.objects.annotate(published_count=Count("prisoners", filter=published))
            .filter(published_count__gt=0)
            .order_by("number")
        )
