import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .exceptions import InvalidLink


class InvalidLinkMiddleware:
    """Answers every tampered or expired emailed link with the same page: 410 when it
    expired, 400 otherwise. Views raise InvalidLink and render nothing themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, InvalidLink):
            return None
        response = render(
            request,
            "core/link_invalid.html",
            {"reason": exception.reason, "hint": getattr(exception, "hint", "")},
            status=410 if exception.reason == "expired" else 400,
        )
        response["Cache-Control"] = "no-store"
        return response


class StaffSessionMiddleware:
    """Ends a signed-in session STAFF_SESSION_MAX_AGE after sign-in, however active it is.
    (The idle limit is SESSION_COOKIE_AGE, renewed on every request.)"""

    KEY = "_signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(self.KEY, now)
            if now - started > settings.STAFF_SESSION_MAX_AGE.total_seconds():
                logout(request)
        return self.get_response(request)


class StaffLanguageMiddleware:
    """The staff pages in the language the staff member's browser asks for. The public
    site's language comes from its URL (/ru/...); the admin's URLs carry none, so without
    this Django's LocaleMiddleware would always give them the default language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class PublicCacheMiddleware:
    """Lets browsers and proxies keep the public pages for PUBLIC_PAGE_MAX_AGE seconds.

    Only an anonymous GET of a page that sets no cookie, is not a staff page and says
    nothing about its own caching (pages that tell what someone did, or that carry a
    personal link, are marked private by their views) is made public. The ETag and the
    304 answer to a conditional GET come from ConditionalGetMiddleware, outside this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.staff_prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if self._cacheable(request, response):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        return response

    def _cacheable(self, request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
            and not response.cookies
            and not request.path.startswith(self.staff_prefix)
            and not (hasattr(request, "user") and request.user.is_authenticated)
            and "Cookie" not in response.get("Vary", "")
        )
