from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from two_factor.urls import urlpatterns as two_factor_urls

from campaigns.views import image as campaign_image
from prisoners.views import photo as prisoner_photo

MEDIA = settings.MEDIA_URL.lstrip("/")  # settings give it as "/media/"

urlpatterns = [
    # Uploads are served only while what they belong to is public (core.media).
    path(f"{MEDIA}prisoners/<str:name>", prisoner_photo, name="prisoner_photo"),
    path(f"{MEDIA}campaigns/<str:name>", campaign_image, name="campaign_image"),
    # Staff sign-in (password, then a second factor) lives under the admin's address.
    path(settings.ADMIN_URL, include(two_factor_urls)),
    path(settings.ADMIN_URL, admin.site.urls),
    # The open-data API: one address in every language (its labels follow ?lang=).
    path("api/v1/", include("config.api")),
]
urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="prisoners:list", permanent=False), name="home"),
    path("", include("prisoners.urls")),
    path("", include("declarations.urls")),
    path("", include("campaigns.urls")),
    path("", include("supporters.urls")),
    prefix_default_language=False,
)
