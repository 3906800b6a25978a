"""Request guards for the public forms, and the one kind of page other sites may frame.

The public forms carry no CSRF token, because a token needs a cookie and reading or
signing must leave nothing on a supporter's device. What a token would stop (another site
making a visitor's browser submit a form) is stopped by the browser's own headers: a
cross-site POST is refused when the browser says it is one. Nothing a public form does
needs a visitor's identity, and what it creates must still be confirmed by email.
"""

from functools import wraps
from urllib.parse import urlsplit

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.cache import add_never_cache_headers
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt


def _origin_allowed(request, origin):
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return urlsplit(origin).netloc == request.get_host()


def same_origin_post(view):
    """Exempt a public form from the cookie-based CSRF check and refuse cross-site POSTs:
    by Sec-Fetch-Site when the browser sends it, else by Origin when present."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            fetch_site = request.headers.get("Sec-Fetch-Site")
            origin = request.headers.get("Origin")
            if fetch_site is not None and fetch_site not in ("same-origin", "none"):
                raise PermissionDenied("Cross-site form submission.")
            if origin and origin != "null" and not _origin_allowed(request, origin):
                raise PermissionDenied("Cross-site form submission.")
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)


def private(response):
    """A response that browsers and proxies must not store: it says what someone did."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


def embeddable(view):
    """Let the sites in EMBED_FRAME_ANCESTORS show this view's page in a frame; every
    other page refuses to be framed (X-Frame-Options DENY, frame-ancestors 'none').

    The view writes its whole policy itself, rather than leaving a note for CSPMiddleware
    (csp_replace): that middleware runs outside the page cache, which replays only the
    headers the view answered with, so a cached copy would come back unframeable."""

    @wraps(view)
    def framed(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response[CSP_HEADER] = build_policy(
            replace={"frame-ancestors": settings.EMBED_FRAME_ANCESTORS}
        )
        return response

    return xframe_options_exempt(framed)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, except that a 304 carries no policy. Browsers put the
    policy of a 304 in place of the one they stored with the page, and a 304 is made
    outside the view (ConditionalGetMiddleware): it would carry the site-wide policy even
    for a page that wrote its own, and blank a partner's frame of an @embeddable page
    after max-age. Without one, the browser keeps the policy the 200 came with."""

    def process_response(self, request, response):
        if response.status_code == 304:
            return response
        return super().process_response(request, response)
