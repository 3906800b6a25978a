"""The public API's campaigns and petitions, with their live counts, and each petition's
count.json (config.api routes them).

Only public campaigns (live or closed) and their petitions. Signatures are personal data:
of them the API gives the count and nothing else, never a name, a country, a comment or
a time. Letters and solidarity messages are not part of it.

A petition's count is the sum of its counter shards and of the batches of signatures
collected on paper, each read in a subquery of the petition's query. Answers showing
counts are tagged with the petitions' count tags, so that the page cache drops them when
a count changes (core.pagecache.tag_response).
"""

import hashlib

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core import pagecache
from core.api import (
    ApiLinkField,
    CodeLabelField,
    FileLinkField,
    HtmlLinkField,
    PublicAPIMixin,
    absolute,
    with_language,
)
from declarations.models import Declaration
from prisoners.api import PrisonerLinkSerializer
from prisoners.models import Prisoner

from .models import Campaign, Petition

# Seconds a browser or proxy may keep a count.json: short, since a petition's count moves
# with every confirmation; the page cache renews it when the count changes.
COUNT_MAX_AGE = 5


class PetitionSummarySerializer(serializers.Serializer):
    url = ApiLinkField("api:petition-detail", "slug")
    html_url = HtmlLinkField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    count = serializers.IntegerField(
        help_text="All signatures: confirmed online ones (held ones not counted) and those "
        "collected on paper."
    )
    online = serializers.IntegerField(
        source="online_count", help_text="Signatures made and confirmed on this site."
    )
    paper = serializers.IntegerField(
        source="paper_count", help_text="Signatures collected on paper or at events."
    )
    goal = serializers.IntegerField()
    count_url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_count_url(self, petition):
        # No `lang`: a count is the same in every language.
        path = reverse("api:petition-count", kwargs={"slug": petition.slug})
        return absolute(self.context["request"], path)


class CampaignSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = ApiLinkField("api:campaign-detail", "slug")
    html_url = HtmlLinkField()


class DeclarationLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = ApiLinkField("api:declaration-detail")
    html_url = HtmlLinkField()


class CampaignSerializer(serializers.Serializer):
    url = ApiLinkField("api:campaign-detail", "slug")
    html_url = HtmlLinkField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = CodeLabelField(Campaign.Status.choices)
    is_live = serializers.BooleanField(help_text="Live, and between its start and end dates.")
    petitions = PetitionSummarySerializer(many=True)


class CampaignDetailSerializer(CampaignSerializer):
    story = serializers.CharField()
    image_url = FileLinkField(source="image")
    prisoners = PrisonerLinkSerializer(source="featured_prisoners", many=True)
    declaration = serializers.SerializerMethodField()

    @extend_schema_field(DeclarationLinkSerializer(allow_null=True))
    def get_declaration(self, campaign):
        declaration = campaign.declaration
        if declaration is None or declaration.status not in Declaration.PUBLIC_STATUSES:
            return None
        return DeclarationLinkSerializer(declaration, context=self.context).data


class PetitionSerializer(PetitionSummarySerializer):
    campaign = CampaignSummarySerializer()
    target = serializers.CharField(help_text="The decision-makers it addresses.")
    closes_on = serializers.DateField()
    is_open = serializers.BooleanField(help_text="Taking signatures now.")


class PetitionDetailSerializer(PetitionSerializer):
    text = serializers.CharField()


class CampaignFilter(django_filters.FilterSet):
    prisoner = django_filters.CharFilter(
        method="filter_prisoner", help_text="The slug of a published profile it features."
    )
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in Campaign.PUBLIC_STATUSES]
    )

    class Meta:
        model = Campaign
        fields = []

    def filter_prisoner(self, queryset, name, value):
        featured = Prisoner.objects.published().filter(slug=value, campaigns=OuterRef("pk"))
        return queryset.filter(Exists(featured))


class CountTaggedMixin:
    """Answers showing petitions' counts are dropped from the page cache when one changes."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return pagecache.tag_response(response, *getattr(self, "count_tags", ()))

    def tag_counts(self, petitions):
        self.count_tags = [petition.count_tag for petition in petitions]


@with_language
class CampaignViewSet(CountTaggedMixin, PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Public campaigns (live or closed) with their petitions' counts; a campaign's own
    resource adds its story, the published profiles it features and its declaration."""

    lookup_field = "slug"
    filterset_class = CampaignFilter

    def get_queryset(self):
        campaigns = Campaign.objects.public().prefetch_related(
            Prefetch("petitions", queryset=Petition.objects.with_count().order_by("title", "pk"))
        )
        if self.action == "list":
            return campaigns.order_by("-starts_on", "title", "pk")
        return campaigns.select_related("declaration").prefetch_related(
            Prefetch("featured_prisoners", queryset=Prisoner.objects.published())
        )

    def get_serializer_class(self):
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.tag_counts(petition for campaign in page for petition in campaign.petitions.all())
        return page

    def get_object(self):
        campaign = super().get_object()
        self.tag_counts(campaign.petitions.all())
        return campaign


@with_language
class PetitionViewSet(CountTaggedMixin, PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Petitions of public campaigns, with their live counts."""

    lookup_field = "slug"

    def get_queryset(self):
        return (
            Petition.objects.public()
            .with_count()
            .select_related("campaign")
            .order_by("title", "pk")
        )

    def get_serializer_class(self):
        return PetitionSerializer if self.action == "list" else PetitionDetailSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.tag_counts(page)
        return page

    def get_object(self):
        petition = super().get_object()
        self.tag_counts([petition])
        return petition


class PetitionCountView(CountTaggedMixin, PublicAPIMixin, APIView):
    """A petition's count alone, as the UK Parliament's petitions give it: tiny, one query,
    kept by browsers and proxies for a few seconds. `updated_at` is when this count was
    read; the same count may be served, with the same weak ETag, until it changes."""

    @extend_schema(
        responses=inline_serializer(
            "PetitionCount",
            {
                "slug": serializers.SlugField(),
                "count": serializers.IntegerField(help_text="Online and paper together."),
                "online": serializers.IntegerField(),
                "paper": serializers.IntegerField(),
                "goal": serializers.IntegerField(),
                "updated_at": serializers.DateTimeField(),
            },
        )
    )
    def get(self, request, slug):
        petition = (
            Petition.objects.public().with_count().filter(slug=slug).only("slug", "goal").first()
        )
        if petition is None:
            raise Http404
        self.tag_counts([petition])
        body = {
            "slug": petition.slug,
            "count": petition.count,
            "online": petition.online_count,
            "paper": petition.paper_count,
            "goal": petition.goal,
        }
        # Weak: the same count read later is the same answer, though updated_at differs.
        etag = hashlib.sha256(repr(sorted(body.items())).encode()).hexdigest()[:32]
        response = Response({**body, "updated_at": timezone.now().isoformat()})
        response["ETag"] = f'W/"{etag}"'
        patch_cache_control(response, public=True, max_age=COUNT_MAX_AGE)
        return response
