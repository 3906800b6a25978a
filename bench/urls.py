"""The site's URLs, plus the ceilings: a GET that renders nothing and a POST that does one
INSERT, the least a page and a signature can cost on this stack."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site


def bare_get(request):
    return HttpResponse("ok")


@csrf_exempt
def one_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling (value) VALUES (%s)", [request.POST.get("v", "")])
    return HttpResponse("ok", status=302, headers={"Location": "/bench/bare/"})


urlpatterns = [
    path("bench/bare/", bare_get),
    path("bench/insert/", one_insert),
    *site,
]
