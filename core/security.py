"""Request guards for the public forms.

The public forms carry no CSRF token, because a token needs a cookie and reading or
signing must leave nothing on a supporter's device. What a token would stop (another site
making a visitor's browser submit a form) is stopped by the browser's own headers: a
cross-site POST is refused when the browser says it is one. Nothing a public form does
needs a visitor's identity, and what it creates must still be confirmed by email.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.cache import add_never_cache_headers
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
