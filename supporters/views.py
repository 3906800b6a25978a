from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import InvalidLink

from . import services
from .models import Supporter


@never_cache
@csrf_exempt  # the token is the proof; mail clients' one-click unsubscribe (RFC 8058) posts
def unsubscribe(request, token):
    try:
        supporter = services.supporter_from_unsubscribe_token(token)
    except (signing.BadSignature, Supporter.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if request.method == "POST":
        supporter.unsubscribe()
    return render(
        request, "supporters/unsubscribe.html", {"done": supporter.unsubscribed_at is not None}
    )
