"""The iframe embed of an application form page (see :mod:`b52_wagtail.embed`
and docs/embed.md): ``/b52/applications/embed/<page id>/``.

The page's own pipeline serves it (``serve_page()``: the form on GET,
``submit()`` and ``render_outcome()`` on POST) in the embed's layout. A
cross-site frame gets no cookies, so the POST is not checked by Django's
CSRF cookie but must come from the b52 site's own origin (the framed form);
the form's render-time token, honeypot, idempotency and rate limit apply as
on the page itself.
"""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from .. import localization
from ..embed import embedded, framable, parent_origin, posted_from_own_origin, with_parent
from ..pages import in_request_site
from .models import AbstractApplicationFormPage


def get_embeddable_form_page(request, page_id):
    """The live, public application form page with this id on the Wagtail
    site the request was made to, or 404 (drafts, view restrictions, other
    sites' pages and other page types look the same: missing)."""
    pages = in_request_site(Page.objects.live().public().filter(pk=page_id), request)
    page = pages.specific().first()
    if not isinstance(page, AbstractApplicationFormPage):
        raise Http404
    return page


@csrf_exempt  # checked by origin instead: see posted_from_own_origin()
@framable
@require_http_methods(["GET", "HEAD", "POST"])
def form_embed(request, page_id):
    page = get_embeddable_form_page(request, page_id)
    parent = parent_origin(request)
    embedded(page, request, parent=parent, action=with_parent(request.path, parent))
    language = page.get_b52_language()
    with localization.override(language):
        if request.method == "POST" and not posted_from_own_origin(request):
            # Refused before reading the body: nothing is stored.
            context = page.get_context(request)
            context["form_url"] = with_parent(request.path, parent)
            response = TemplateResponse(
                request, "b52_wagtail/applications/embed_refused.html", context, status=403
            )
        else:
            response = page.serve_page(request)
        response = localization.render_response(response)
    response.headers.setdefault("Content-Language", language)
    # A fresh token per visitor, receipts: never kept by a shared cache.
    add_never_cache_headers(response)
    return response
