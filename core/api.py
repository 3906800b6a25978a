"""What every part of the public open-data API (/api/v1/) shares: the views' behaviour,
paging, links and values given as a code with a label.

The API is read-only and anonymous: no authentication is run, so no session is read and no
cookie is set, and a POST, PUT or DELETE is answered 405. A value that is a choice comes as
{"code": ..., "label": ...}: the code never changes, the label is in the language of the
`lang` parameter (en, the default, ru or kk). The language is a parameter, not the
Accept-Language header, because the page cache (core.pagecache) keeps one answer a URL.
Caching is the public pages' own: PublicCacheMiddleware marks an anonymous 200 public
for PUBLIC_PAGE_MAX_AGE seconds, ConditionalGetMiddleware adds the ETag and answers 304,
and PageCacheMiddleware keeps the answer until public content changes.
"""

import copy
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

LANGUAGE_PARAMETER = "lang"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

language_parameter = OpenApiParameter(
    LANGUAGE_PARAMETER,
    OpenApiTypes.STR,
    enum=LANGUAGES,
    description=(
        "The language of the labels and of the links to the public pages. "
        "Codes are the same in every language."
    ),
)


def with_language(view_class):
    """Documents the `lang` parameter on every operation of a view or viewset."""
    return extend_schema(parameters=[language_parameter])(view_class)


class PublicAPIMixin:
    """For every view and viewset of the API: read-only, anonymous, in the asked language."""

    http_method_names = ["get", "head", "options"]
    authentication_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = request.query_params.get(LANGUAGE_PARAMETER, settings.LANGUAGE_CODE)
        if language not in LANGUAGES:
            raise ValidationError({LANGUAGE_PARAMETER: [f"Choose one of {', '.join(LANGUAGES)}."]})
        # Active until the next request, as LocaleMiddleware's choice would be; it also
        # gives the links to the public pages their language prefix (/ru/...).
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # The API answers everyone as anonymous, but SessionMiddleware renews a staff
            # member's session cookie on this answer: no shared cache may keep it.
            patch_cache_control(response, private=True)
        return response


class PublicPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def absolute(request, path, *, keep_language=False):
    """`path` as an absolute URL; with the request's `lang` when asked, so that a link to
    another API resource answers in the same language."""
    url = request.build_absolute_uri(path)
    language = request.query_params.get(LANGUAGE_PARAMETER)
    if keep_language and language:
        url += ("&" if "?" in url else "?") + urlencode({LANGUAGE_PARAMETER: language})
    return url


def api_url(request, view_name, **kwargs):
    """The absolute URL of an API resource (view names of config.api's router)."""
    return absolute(request, reverse(view_name, kwargs=kwargs), keep_language=True)


class ApiLinkField(serializers.Field):
    """The absolute URL of the object's own API resource."""

    def __init__(self, view_name, lookup_field="pk", **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context["request"]
        return api_url(
            request, self.view_name, **{self.lookup_field: getattr(obj, self.lookup_field)}
        )


class HtmlLinkField(serializers.Field):
    """The absolute URL of the object's public page, in the asked language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, obj):
        return absolute(self.context["request"], obj.get_absolute_url())


class FileLinkField(serializers.Field):
    """The absolute URL of an uploaded file (served only while its object is public:
    core.media), or null."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return absolute(self.context["request"], value.url) if value else None

    def get_attribute(self, instance):
        # An empty file field is falsy; the base class would skip to_representation.
        return serializers.Field.get_attribute(self, instance)


class CodeLabelField(serializers.Field):
    """A choice as {"code": "convicted", "label": "Imprisoned after conviction"}, the label
    in the active language; null when the value is empty."""

    def __init__(self, choices, **kwargs):
        self.choices = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if value in (None, ""):
            return None
        return {"code": value, "label": str(self.choices.get(value, value))}

    def get_attribute(self, instance):
        return serializers.Field.get_attribute(self, instance)


class CountryField(serializers.Field):
    """A django-countries country as {"code": "KZ", "label": "Kazakhstan"}, or null."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, country):
        if not country:
            return None
        return {"code": country.code, "label": str(country.name)}

    def get_attribute(self, instance):
        return serializers.Field.get_attribute(self, instance)


def _code_label_schema(codes=None, description=""):
    code = {"type": "string"}
    if codes:
        code["enum"] = codes
    return {
        "type": "object",
        "nullable": True,
        "description": description,
        "properties": {"code": code, "label": {"type": "string"}},
        "required": ["code", "label"],
    }


class CodeLabelFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CodeLabelField

    def map_serializer_field(self, auto_schema, direction):
        return _code_label_schema(list(self.target.choices), "A code and its label.")


class CountryFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CountryField

    def map_serializer_field(self, auto_schema, direction):
        return _code_label_schema(description="ISO 3166-1 alpha-2 code and the country's name.")


class LinkFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ApiLinkField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "uri"}


class HtmlLinkFieldExtension(LinkFieldExtension):
    target_class = HtmlLinkField


class FileLinkFieldExtension(OpenApiSerializerFieldExtension):
    target_class = FileLinkField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "uri", "nullable": True}


class FilterSchemaExtension(DjangoFilterExtension):
    """drf-spectacular's reading of django-filter FilterSets, on copies of their filters.

    It reads a ChoiceFilter's choices from the filter's form field, which django-filter
    builds once and keeps on the filter. Built on a FilterSet's own filters, that field
    would fix their choices for good: the public list sets its regions' choices on each
    request, and after the first schema no region would be accepted any more."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        return super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, copy.deepcopy(filter_field)
        )
