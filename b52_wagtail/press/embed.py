"""The iframe embed of a press release list (see :mod:`b52_wagtail.embed`
and docs/embed.md): ``/b52/press/embed/``, narrowed by query parameters:

``programme``     a programme's slug
``district``      a district's key (e.g. ``08117``)
``organisation``  an organisation's id (lead or partner organisation)
``index``         the id of a press release index page: its releases only
``limit``         how many releases (1–50, default ``B52_PAGE_SIZE``)
``lang``          the language of the list's labels (default: the site's)

Only live, public releases of the Wagtail site the request was made to
appear; an unknown filter value matches nothing. Links open in the whole
window (``target="_top"``): the release pages themselves are not framable.
"""

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Page

from .. import localization
from ..conf import b52_settings
from ..embed import embed_context, framable, parent_origin
from ..models import District, Organisation, Programme, translations_of
from ..pages import in_request_site, layout_context
from ..templatetags.b52_tags import b52_date
from .models import AbstractPressReleaseIndexPage, PressReleasePage

MAX_LIMIT = 50


def _limit(value):
    try:
        limit = int(value)
    except (TypeError, ValueError):
        return min(b52_settings.PAGE_SIZE, MAX_LIMIT)
    return max(1, min(limit, MAX_LIMIT))


def _one(model, **lookup):
    """The object for a filter value, or None when it names none."""
    try:
        return model.objects.filter(**lookup).first()
    except (ValueError, TypeError):
        return None


def embedded_releases(request):
    """The live, public releases the query parameters ask for, newest first,
    with what a card shows."""
    model = PressReleasePage
    releases = model.visible_releases()
    index_id = request.GET.get("index")
    if index_id:
        pages = Page.objects.live().public().filter(pk=index_id if index_id.isdigit() else None)
        index = in_request_site(pages, request).specific().first()
        if not isinstance(index, AbstractPressReleaseIndexPage):
            raise Http404
        model = index.get_release_model()
        releases = model.visible_releases().filter(path__startswith=index.path)
    releases = in_request_site(releases, request)
    filters = (
        ("programme", Programme, "slug", "programmes"),
        ("district", District, "key", "districts"),
        ("organisation", Organisation, "pk", "organisations"),
    )
    for param, snippet_model, field, keyword in filters:
        value = request.GET.get(param)
        if not value:
            continue
        if field == "pk" and not value.isdigit():
            return model.objects.none()
        obj = _one(snippet_model, **{field: value})
        if obj is None:
            return model.objects.none()
        releases = model.filter_releases(releases, **{keyword: translations_of(obj)})
    releases = releases.order_by("-release_date", "-pk")[: _limit(request.GET.get("limit"))]
    releases = list(model.with_card_data(releases))
    for release in releases:
        release.card_url = request.build_absolute_uri(release.get_url(request))
        release.card_organisations = " · ".join(str(org) for org in release.organisations)
        release.card_date = b52_date(release.release_date)
    return releases


@framable
@require_safe
def press_embed(request):
    language = localization.requested_language(request)
    with localization.override(language):
        context = {
            **layout_context(language=language),
            **embed_context(request, parent=parent_origin(request)),
            "releases": embedded_releases(request),
        }
        response = localization.render_response(
            TemplateResponse(request, "b52_wagtail/press/embed/press_list.html", context)
        )
    response.headers.setdefault("Content-Language", language)
    return response
