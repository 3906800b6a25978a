"""One way to page a list: a page number that is not a number, or past the end, shows the
nearest real page instead of an error, which is what a reader who edited the URL expects."""

from django.core.paginator import Paginator


def page_of(request, object_list, per_page):
    """(paginator, page) for the `page` the request asks for."""
    paginator = Paginator(object_list, per_page)
    return paginator, paginator.get_page(request.GET.get("page"))


class ForgivingPaginationMixin:
    """For ListView and FilterView: the same paging as `page_of`."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()
