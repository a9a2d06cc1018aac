"""Headless preview: the draft of a package page for a front end that is
not Django.

Off unless ``B52_HEADLESS_PREVIEW_URL`` names the front end. Then the page
editor's header has a button “Preview in front end” (only for editors who
may edit the page, only on package page types). It signs a token for that
page and its latest revision and sends the editor to
``B52_HEADLESS_PREVIEW_URL?content_type=…&page_id=…&token=…``; the front end
asks ``GET /b52/api/preview/?token=…`` (``b52_api_preview:page``) and gets
the revision in the shape of the API v2 detail view. The token is the only
key: short-lived (``B52_HEADLESS_PREVIEW_MAX_AGE`` seconds), signed with
``SECRET_KEY`` and scoped to one page and one revision; nothing is stored.

Wagtail's own preview (the preview panel, “View draft”) is not touched:
a partner without a headless front end keeps it as it is, and a partner
with one has both.
"""

from urllib.parse import urlencode, urlsplit

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from wagtail.models import Page, Revision

from .. import localization
from ..conf import b52_settings
from .api import B52PagesAPIViewSet, api_router
from .cors import allowed_origin, normalised

SALT = "b52_wagtail.api.preview"


def enabled():
    return bool(b52_settings.HEADLESS_PREVIEW_URL)


def previewable(page):
    """Package page types (and partners' subclasses of them)."""
    from .openapi import package_page_models

    return page.specific_class in package_page_models()


def make_token(page, revision):
    return signing.dumps({"page": page.pk, "revision": revision.pk}, salt=SALT)


def read_token(token):
    """``(page_id, revision_id)`` of a valid, unexpired token; raises
    ``signing.BadSignature`` (``SignatureExpired`` is one) otherwise."""
    data = signing.loads(token, salt=SALT, max_age=b52_settings.HEADLESS_PREVIEW_MAX_AGE)
    return int(data["page"]), int(data["revision"])


def front_end_url(page, token):
    base = b52_settings.HEADLESS_PREVIEW_URL
    query = urlencode(
        {"content_type": page.specific_class._meta.label, "page_id": page.pk, "token": token}
    )
    return f"{base}{'&' if '?' in base else '?'}{query}"


# Admin: start a preview --------------------------------------------------------------


def start_preview(request, page_id):
    """Admin view behind the “Preview in front end” button: token for the
    page's latest revision, then off to the front end."""
    if not enabled():
        raise Http404
    page = get_object_or_404(Page, pk=page_id)
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_edit() or permissions.can_publish()):
        raise PermissionDenied
    if not previewable(page):
        raise Http404
    revision = page.get_latest_revision()
    if revision is None:
        revision = page.specific.save_revision(user=request.user)
    return redirect(front_end_url(page, make_token(page, revision)))


# API: the draft for a token ------------------------------------------------------------


class PreviewAPIViewSet(B52PagesAPIViewSet):
    """The API v2 detail view of one revision instead of the live page."""

    known_query_parameters = B52PagesAPIViewSet.known_query_parameters | {"token"}
    preview_page = None
    revision = None

    def get_object(self):
        return self.preview_page

    def detail_view(self, request, pk=None):
        response = super().detail_view(request, pk)
        response.data["meta"]["revision_id"] = self.revision.pk
        response.data["meta"]["preview"] = True
        return response


def front_end_origin():
    parts = urlsplit(b52_settings.HEADLESS_PREVIEW_URL or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else None


def private_answer(request, response):
    """Never cached; readable by a browser on the front end's origin (that of
    ``B52_HEADLESS_PREVIEW_URL``) or one of ``B52_EMBED_ORIGINS``."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Origin"])
    origin = request.headers.get("Origin", "")
    if origin and (normalised(origin) == front_end_origin() or allowed_origin(request)):
        response["Access-Control-Allow-Origin"] = origin
    return response


def detail(request, message, status):
    return private_answer(request, JsonResponse({"detail": message}, status=status))


def preview_view(request):
    with localization.override(localization.requested_language(request)):
        if not enabled():
            return detail(request, gettext("Headless preview is not enabled."), status=404)
        refused = gettext("This preview link is invalid or has expired.")
        try:
            page_id, revision_id = read_token(request.GET.get("token", ""))
        except signing.BadSignature:
            return detail(request, refused, status=403)
        revision = Revision.page_revisions.filter(pk=revision_id, object_id=str(page_id)).first()
        if revision is None:
            return detail(request, refused, status=403)
        page = revision.as_object()
        if page.pk != page_id or not previewable(page):
            return detail(request, refused, status=403)
    view = api_router.wrap_view(
        PreviewAPIViewSet.as_view(
            {"get": "detail_view"}, preview_page=page, revision=revision, name="preview"
        )
    )
    response = view(request)
    response.render()
    return private_answer(request, response)
