"""Serving uploaded files only while what they belong to is public.

A draft prisoner's photo must not be reachable by anyone who guesses or keeps its
address. Uploads are therefore never served straight from MEDIA_ROOT: a view checks that
a published object uses the file, then either hands the file to nginx with
X-Accel-Redirect (MEDIA_ACCEL_REDIRECT, an `internal` location in deploy/nginx) or, when
no proxy is configured, streams it itself.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control


def serve_if_public(request, *, folder, name, is_public, staff_permission):
    """The response for MEDIA_URL/<folder>/<name>, or Http404 unless is_public(path). Staff
    who may view the objects see the files of unpublished ones too (the admin shows them)."""
    if "/" in name or name.startswith("."):
        raise Http404
    relative = f"{folder}/{name}"
    staff = request.user.is_authenticated and request.user.has_perm(staff_permission)
    if not (is_public(relative) or staff):
        raise Http404
    path = Path(settings.MEDIA_ROOT) / relative
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + relative
    else:
        if not path.is_file():
            raise Http404
        response = FileResponse(path.open("rb"), content_type=content_type)
    # Short, so that a photo taken off the site leaves shared caches soon; never shared
    # when staff fetched an unpublished one.
    if staff and not is_public(relative):
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    response["X-Content-Type-Options"] = "nosniff"
    return response
