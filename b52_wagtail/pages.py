"""Helpers shared by the page types of every b52_wagtail app."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404

from .conf import b52_settings


class B52PageMixin:
    """Mixin for package page types: puts the layout's base template into
    the context (see ``B52_BASE_TEMPLATE``)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["b52_base_template"] = b52_settings.base_template()
        context["b52_include_css"] = b52_settings.INCLUDE_CSS
        return context


def paginate(request, object_list, per_page=None, *, param="page"):
    """Return the requested page of ``object_list``.

    A page number that is not a number gives the first page; one out of range
    (or above ``B52_MAX_PAGE``) raises 404, so crawlers cannot walk into
    unbounded archive pages.
    """
    paginator = Paginator(object_list, per_page or b52_settings.PAGE_SIZE)
    try:
        number = int(request.GET.get(param, "1"))
    except ValueError:
        number = 1
    if not 1 <= number <= b52_settings.MAX_PAGE:
        raise Http404
    try:
        return paginator.page(number)
    except InvalidPage as error:
        raise Http404 from error
