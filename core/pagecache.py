"""Rendered public pages and costly fragments, kept in the cache between edits.

`PageCacheMiddleware` stores the whole response to an anonymous GET that
PublicCacheMiddleware made public, and answers the next anonymous GET of the same URL on
the same host from the cache, before sessions, languages, views or templates run. It sits
inside GZip and ConditionalGet, so that a cached page is still compressed and answers 304.

Every save or delete of public content moves a generation number on, and pages and
fragments are stored under their generation: an edit in the admin shows on the next
request. The apps name their public models with `invalidate_on`. What visitors themselves
create (signatures, letters) does not move it. A page can also depend on tags (a petition's
count): a view names them with `tag_response`, and `tag_changed` makes those pages stale,
at most once every PAGE_TAG_INTERVAL seconds a tag, so that a viral petition's page is
rendered about once a second, not at every signature. Nothing is kept longer than
PUBLIC_PAGE_MAX_AGE seconds, which bounds every lag.

When the cache cannot be reached, pages are rendered as if nothing were cached, and the
cache is not asked again for a while (core.ratelimit's back-off).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from .ratelimit import cache_available, cache_failed

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
TAG_PREFIX = "pages:tag:"
_public_models = set()


def invalidate_on(*models):
    """Saves and deletes of these models (and changes to their many-to-many links) change
    public pages."""
    _public_models.update(models)


def content_changed():
    """Public content changed; also called where no model signal is sent (bulk updates).
    Every cached page and fragment is stale from now. Inside a transaction the generation
    moves on again at commit, as a page rendered in between shows what was there before."""
    _next_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_next_generation)


def _next_generation():
    if not cache_available():
        return
    try:
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            cache.incr(GENERATION_KEY)
    except Exception as error:  # an unreachable cache must not fail a save
        cache_failed(error)


def tag_response(response, *tags):
    """The cached copy of this response is dropped when any of these tags changes."""
    response.page_tags = (*getattr(response, "page_tags", ()), *tags)
    return response


def tag_changed(tag):
    """Pages tagged with `tag` are stale, from the commit of the current transaction; when
    the tag changed less than PAGE_TAG_INTERVAL seconds ago, they are left as they are
    until then (or until they expire)."""
    transaction.on_commit(lambda: _next_tag_version(tag))


def _next_tag_version(tag):
    if not cache_available():
        return
    key = TAG_PREFIX + tag
    try:
        if not cache.add(f"pages:recent:{tag}", 1, timeout=settings.PAGE_TAG_INTERVAL):
            return
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)
    except Exception as error:
        cache_failed(error)


def _on_change(sender, **kwargs):
    if sender in _public_models:
        content_changed()


def _on_m2m_change(sender, action, **kwargs):
    if action.startswith("post_") and type(kwargs["instance"]) in _public_models:
        content_changed()


post_save.connect(_on_change, dispatch_uid="pagecache.save")
post_delete.connect(_on_change, dispatch_uid="pagecache.delete")
m2m_changed.connect(_on_m2m_change, dispatch_uid="pagecache.m2m")


def _generation():
    return cache.get(GENERATION_KEY, 0)


def fragment(name, compute):
    """The value of `compute()` for this generation of the public content, computed once
    per PUBLIC_PAGE_MAX_AGE at most. Values must pickle (dicts, lists, not querysets)."""
    if not cache_available():
        return compute()
    try:
        key = f"fragment:{_generation()}:{name}"
        value = cache.get(key)
    except Exception as error:
        cache_failed(error)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=settings.PUBLIC_PAGE_MAX_AGE)
        except Exception as error:
            cache_failed(error)
    return value


class PageCacheMiddleware:
    """Answers anonymous GETs of public pages from the cache (see the module's docstring)."""

    def __init__(self, get_response):
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.staff_prefix = "/" + settings.ADMIN_URL.lstrip("/")
        self.private_cookies = (
            settings.SESSION_COOKIE_NAME,
            settings.CSRF_COOKIE_NAME,
            getattr(settings, "MESSAGES_COOKIE_NAME", "messages"),
        )

    def __call__(self, request):
        if not self._may_use_cache(request) or not cache_available():
            return self.get_response(request)
        key = self._key(request)
        try:
            stored = cache.get(key)
            if stored is not None:
                versions, content, headers = stored
                current = cache.get_many(list(versions))
                # A version never set (or lost by the cache) reads as 0.
                if all(current.get(name, 0) == value for name, value in versions.items()):
                    return self._rebuild(content, headers)
            # Read before the page is rendered: an edit made while it renders makes it stale.
            generation = _generation()
        except Exception as error:
            cache_failed(error)
            return self.get_response(request)
        response = self.get_response(request)
        if self._may_store(response):
            try:
                tags = [TAG_PREFIX + tag for tag in getattr(response, "page_tags", ())]
                current = cache.get_many(tags) if tags else {}
                versions = {GENERATION_KEY: generation}
                versions.update({tag: current.get(tag, 0) for tag in tags})
                stored = (versions, response.content, self._headers(response))
                cache.set(key, stored, timeout=settings.PUBLIC_PAGE_MAX_AGE)
            except Exception as error:
                cache_failed(error)
        return response

    def _may_use_cache(self, request):
        return (
            request.method == "GET"
            and not request.path_info.startswith(self.staff_prefix)
            and not any(name in request.COOKIES for name in self.private_cookies)
            and "Authorization" not in request.headers
        )

    @staticmethod
    def _may_store(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in cache_control
            and "private" not in cache_control
        )

    @staticmethod
    def _key(request):
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return "page:" + hashlib.sha256(url.encode()).hexdigest()

    @staticmethod
    def _headers(response):
        # A stored page sets no cookie (see _may_store); every header the middleware inside
        # this one added (frame options, language, Vary) is kept. The middleware outside it
        # (security headers, compression, ETag) adds its own on every answer.
        return {name: value for name, value in response.items() if name != "Content-Length"}

    @staticmethod
    def _rebuild(content, headers):
        response = HttpResponse(content, headers=headers)
        response["Content-Length"] = str(len(content))
        return response
