"""The public open-data API, /api/v1/: its routes, its OpenAPI schema and its
documentation page. Each app describes its own resources (<app>/api.py); core.api holds
what they share (read-only, anonymous, `lang`, paging, caching)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from campaigns.api import CampaignViewSet, PetitionCountView, PetitionViewSet
from core.api import PublicAPIMixin
from declarations.api import DeclarationViewSet
from prisoners.api import ArticleViewSet, CaseViewSet, PrisonerViewSet

app_name = "api"


class Root(PublicAPIMixin, routers.APIRootView):
    """Where each list is, and the schema and its documentation."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        links = super().get(request, *args, **kwargs).data
        for name in ("schema", "docs"):
            links[name] = reverse(f"api:{name}", request=request)
        return Response(links)


class Schema(PublicAPIMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, in YAML, or in JSON with ?format=json."""


class Docs(PublicAPIMixin, SpectacularSwaggerSplitView):
    """Swagger UI, served from here (drf-spectacular-sidecar) and started by a script of
    its own, as the site's Content-Security-Policy allows no inline script or style, and
    nothing from elsewhere. The script carries no CSRF token, so it sets no cookie."""

    url_name = "api:schema"
    template_name = "api/docs.html"
    template_name_js = "api/docs.js"
    title = "Open data API"


class Router(routers.DefaultRouter):
    APIRootView = Root
    include_format_suffixes = False


router = Router()
router.register("prisoners", PrisonerViewSet, basename="prisoner")
router.register("cases", CaseViewSet, basename="case")
router.register("articles", ArticleViewSet, basename="article")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("petitions", PetitionViewSet, basename="petition")

urlpatterns = [
    path("schema/", Schema.as_view(), name="schema"),
    path("docs/", Docs.as_view(), name="docs"),
    # As the UK Parliament's petitions site: /petitions/<slug>/count.json.
    path("petitions/<slug:slug>/count.json", PetitionCountView.as_view(), name="petition-count"),
    *router.urls,
]
