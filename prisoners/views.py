from django.conf import settings
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from import_export.formats import base_formats

from core import pagecache, shareimages, spreadsheets
from core.client import client_ip
from core.fingerprints import address_key
from core.media import serve_if_public
from core.pagination import ForgivingPaginationMixin, page_of
from core.ratelimit import LimitsUnavailable, over_limit

from . import upcoming
from .exports import COLUMN_GROUPS, public_export
from .filters import PrisonerFilter
from .models import Case, Prisoner


class PublishedPrisonerFilterMixin:
    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["regions"] = pagecache.fragment(
            "prisoners.regions",
            lambda: list(
                Prisoner.objects.published()
                .exclude(region="")
                .order_by("region")
                .values_list("region", flat=True)
                .distinct()
            ),
        )
        return kwargs


class PrisonerListView(ForgivingPaginationMixin, PublishedPrisonerFilterMixin, FilterView):
    filterset_class = PrisonerFilter
    queryset = Prisoner.objects.published().for_list()
    template_name = "prisoners/prisoner_list.html"
    paginate_by = 24

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["headline"] = pagecache.fragment(
            "prisoners.headline", Prisoner.objects.published().headline
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["export_columns"] = COLUMN_GROUPS
        context["search_term"] = self.filterset.search_term()
        context["active_filters"] = self.filterset.active_filters()
        context["list_title"] = self.filterset.title()
        return context


EXPORT_FORMATS = {"csv": spreadsheets.CSV, "json": base_formats.JSON}


class PrisonerExportView(PublishedPrisonerFilterMixin, FilterView):
    """The published list, as filtered on the page, as CSV or JSON."""

    filterset_class = PrisonerFilter
    queryset = Prisoner.objects.published().for_list()
    template_name = "prisoners/prisoner_list.html"

    def get(self, request, *args, **kwargs):
        fmt_class = EXPORT_FORMATS.get(kwargs["fmt"])
        if fmt_class is None:
            raise Http404
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponse(
                "Unknown filter value: "
                + "; ".join(
                    f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
                ),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        if self._over_limit(request):
            response = HttpResponse(
                _(
                    "This export was built for your connection several times in the last "
                    "minutes. It changes only when the list does: please wait a minute "
                    "and try again."
                ),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            return response
        fmt = fmt_class()
        # A 200 here is public: core.pagecache keeps the built file until the list changes
        # or PUBLIC_PAGE_MAX_AGE passes, and answers the next downloads without this view.
        dataset = public_export(filterset.qs, base_url=request.build_absolute_uri("/"))
        # Spreadsheet formats get formula escaping; JSON keeps its numbers as numbers.
        body = dataset.export("json") if kwargs["fmt"] == "json" else fmt.export_data(dataset)
        response = HttpResponse(body, content_type=fmt.get_content_type())
        response["Content-Disposition"] = (
            f'attachment; filename="political-prisoners.{fmt.get_extension()}"'
        )
        return response

    @staticmethod
    def _over_limit(request):
        try:
            key = f"export:{address_key(client_ip(request))}"
            return over_limit(key, settings.EXPORT_IP_LIMITS)
        except LimitsUnavailable:
            # Without the cache nothing is limited, nor kept: the export is public data,
            # and its build is bounded by the server's request timeout.
            return False


class PrisonerDetailView(DetailView):
    template_name = "prisoners/prisoner_detail.html"
    context_object_name = "prisoner"

    def get_queryset(self):
        return Prisoner.objects.published().for_profile()


class CaseListView(ListView):
    template_name = "prisoners/case_list.html"
    context_object_name = "cases"

    def get_queryset(self):
        return Case.objects.with_published_count().filter(published_count__gt=0)


class CaseDetailView(DetailView):
    template_name = "prisoners/case_detail.html"
    context_object_name = "case"
    queryset = Case.objects.all()
    paginate_by = 24

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prisoners = self.object.prisoners.published().for_list()
        paginator, page = page_of(self.request, prisoners, self.paginate_by)
        if not paginator.count:
            raise Http404
        context.update(
            prisoners=page.object_list,
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            query_without_page="",
        )
        return context


def photo(request, name):
    """A prisoner's photo, while the profile is published."""
    return serve_if_public(
        request,
        staff_permission="prisoners.view_prisoner",
        folder="prisoners",
        name=name,
        is_public=lambda path: Prisoner.objects.published().filter(photo=path).exists(),
    )


# Share images (core.shareimages): what a link to these pages shows on social networks, in
# the language of the page it points to (/ru/prisoners/<slug>/share.png is in Russian).


def list_share_image(request):
    """The site's own image, for the list pages."""
    headline = pagecache.fragment("prisoners.headline", Prisoner.objects.published().headline)
    held = ngettext(
        "%(counter)s political prisoner", "%(counter)s political prisoners", headline["total"]
    ) % {"counter": number_format(headline["total"], force_grouping=True)}
    description = _(
        "Profiles of political prisoners: who they are, what they are charged with, "
        "and how to help."
    )
    image = shareimages.render(title=_("Political prisoners"), details=[held, description])
    return image.response()


def share_image(request, slug):
    """A profile's image: the name, the status, the days in detention and the photo."""
    prisoner = get_object_or_404(Prisoner.objects.published().prefetch_related("events"), slug=slug)
    details = [prisoner.get_status_display()]
    days = prisoner.days_in_detention()
    if days is not None:
        if prisoner.detention_days_are_a_minimum:
            text = ngettext(
                "At least %(counter)s day in detention",
                "At least %(counter)s days in detention",
                days,
            )
        else:
            text = ngettext("%(counter)s day in detention", "%(counter)s days in detention", days)
        details.append(text % {"counter": number_format(days, force_grouping=True)})
    image = shareimages.render(
        title=str(prisoner.display_name), details=details, portrait=True, photo=prisoner.photo
    )
    return image.response()


def case_share_image(request, slug):
    """A case's image: its title and how many people are held in it."""
    case = get_object_or_404(
        Case.objects.with_published_count().filter(published_count__gt=0), slug=slug
    )
    held = ngettext(
        "%(counter)s person held in this case",
        "%(counter)s people held in this case",
        case.published_count,
    ) % {"counter": number_format(case.published_count, force_grouping=True)}
    return shareimages.render(title=case.title, details=[held]).response()


# The dates ahead (prisoners.upcoming). Both answers depend on the day as well as on the
# profiles: the page cache keeps them PUBLIC_PAGE_MAX_AGE at most, so a new day shows
# within that, and an edit to a profile or its timeline at once (core.pagecache).


def upcoming_dates(request):
    """Birthdays and court hearings of the next 30 days, and what to do for each."""
    first, last = upcoming.window()
    days = upcoming.upcoming_days(first)
    return render(
        request,
        "prisoners/upcoming.html",
        {
            "days": days,
            "first": first,
            "last": last,
            "window_days": upcoming.WINDOW_DAYS,
            # With nothing ahead, whom to write to meanwhile.
            "letter_writers": [] if days else upcoming.letter_writing_prisoners(),
        },
    )


def upcoming_dates_ical(request):
    """The same dates as an iCalendar feed that calendar apps subscribe to."""
    host, _port = split_domain_port(request.get_host())
    body = upcoming.ical_feed(base_url=request.build_absolute_uri("/").rstrip("/"), host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="political-prisoners-dates.ics"'
    return response
