"""The public API's written declarations, with their signatories (config.api routes them).

Only public declarations (never drafts or withdrawn ones), only signatures (never
invitations, pledges or refusals), and of each signatory only what the declaration's page
shows: the name, the delegation and the group when signing. Never a member's email,
office contact or staff notes.
"""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from rest_framework import serializers, viewsets

from core.api import (
    ApiLinkField,
    CodeLabelField,
    CountryField,
    HtmlLinkField,
    PublicAPIMixin,
    with_language,
)
from prisoners.api import PrisonerLinkSerializer
from prisoners.models import Prisoner

from .models import Declaration, Signatory


class AssemblySerializer(serializers.Serializer):
    short_name = serializers.CharField()
    name = serializers.CharField()


class ThresholdSerializer(serializers.Serializer):
    """Where the declaration stands against its assembly's rules."""

    signatures = serializers.IntegerField()
    delegations = serializers.IntegerField()
    groups = serializers.IntegerField()
    min_signatures = serializers.IntegerField()
    min_delegations = serializers.IntegerField()
    min_groups = serializers.IntegerField()
    met = serializers.BooleanField()
    label = serializers.CharField(source="__str__", help_text="What it still needs, in words.")


class DelegationSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As the assembly prints it.")
    country = CountryField()


class GroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SignatorySerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()
    html_url = HtmlLinkField(source="parliamentarian")
    delegation = DelegationSerializer(source="delegation_at_signing")
    group = GroupSerializer(source="group_at_signing", allow_null=True)

    def get_name(self, signature) -> str:
        member = signature.parliamentarian
        return f"{member.given_names} {member.surname}"


class DeclarationSerializer(serializers.Serializer):
    url = ApiLinkField("api:declaration-detail")
    html_url = HtmlLinkField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    assembly = AssemblySerializer()
    declaration_number = serializers.IntegerField(allow_null=True)
    document_number = serializers.CharField()
    edition = serializers.CharField()
    status = CodeLabelField(Declaration.Status.choices)
    published_on = serializers.DateField()
    signature_count = serializers.IntegerField(source="signed_count")
    threshold = ThresholdSerializer()


class DeclarationDetailSerializer(DeclarationSerializer):
    text = serializers.CharField(source="body")
    # The language the text was tabled in: it is never translated.
    text_language = serializers.CharField(source="body_language")
    prisoners = PrisonerLinkSerializer(many=True)
    signatories = SignatorySerializer(source="signed", many=True)


class DeclarationFilter(django_filters.FilterSet):
    prisoner = django_filters.CharFilter(
        method="filter_prisoner", help_text="The slug of a published profile it concerns."
    )
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in Declaration.PUBLIC_STATUSES]
    )

    class Meta:
        model = Declaration
        fields = []

    def filter_prisoner(self, queryset, name, value):
        concerned = Prisoner.objects.published().filter(slug=value, declarations=OuterRef("pk"))
        return queryset.filter(Exists(concerned))


@with_language
class DeclarationViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Public written declarations (collecting, threshold met, tabled, published, lapsed),
    with where each stands against its threshold; a declaration's own resource lists its
    signatories and the published profiles it concerns."""

    filterset_class = DeclarationFilter

    def get_queryset(self):
        declarations = Declaration.objects.public().with_threshold_counts()
        if self.action == "list":
            return declarations.order_by("-published_on", "-created_at", "-pk")
        return declarations.prefetch_related(
            Prefetch("prisoners", queryset=Prisoner.objects.published()),
            Prefetch(
                "signatories",
                queryset=Signatory.objects.signed()
                .select_related("parliamentarian", "delegation_at_signing", "group_at_signing")
                .order_by("delegation_at_signing__name", "parliamentarian__surname"),
                to_attr="signed",
            ),
        )

    def get_serializer_class(self):
        return DeclarationSerializer if self.action == "list" else DeclarationDetailSerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset
