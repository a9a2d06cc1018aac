"""Full-page caching at a CDN or reverse proxy: response headers and purges.

Headers
    ``B52PageMixin.serve()`` calls :func:`patch_page_response`. An anonymous
    GET/HEAD of a live page without view restrictions that answers 200 gets
    ``Cache-Control: public, max-age=<B52_BROWSER_MAX_AGE>,
    s-maxage=<B52_CACHE_MAX_AGE>``, both capped at the seconds until the next
    change the clock makes to the page (:meth:`B52PageMixin.get_clock_changes`:
    a call's status flips at its start, its closing-soon day and its
    deadline), and ``Last-Modified``, so that ``If-Modified-Since`` is
    answered 304. Everything else — a request with a session cookie or
    credentials, a preview, a draft, a restricted page, any answer but 200, a
    page that rendered a CSRF token or set a cookie, a form page — gets
    ``Cache-Control: private`` (``no-cache``, a form page ``no-store``) and
    never ``public``.

Purges
    With ``wagtail.contrib.frontend_cache`` installed, publishing or
    unpublishing a package page and changing a core snippet purge, in one
    :class:`~wagtail.contrib.frontend_cache.utils.PurgeBatch` after the
    transaction commits, the URLs that show the change: the pages that show
    it (with their routes: year archives, feeds, district overviews), the API
    v2 detail and listing, the sitemap. The published page's own URLs are
    left to Wagtail's frontend cache app, which purges them on publish and
    unpublish itself (``Page.get_cached_paths()``).

Page types take part through three hooks of :class:`~b52_wagtail.pages.B52PageMixin`:
``get_clock_changes()``, ``get_cdn_paths(changed)`` and the class method
``cdn_pages_showing(obj)``.
"""

import datetime
import functools
import logging
import math

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe

from .conf import b52_settings

logger = logging.getLogger(__name__)

FRONTEND_CACHE_APP = "wagtail.contrib.frontend_cache"
CHANGED_AT_KEY = "b52_wagtail.cdn_changed_at"
SHAREABLE_METHODS = ("GET", "HEAD")
# Set on a response this module made public (read by CDNMiddleware).
PUBLIC_ATTR = "_b52_cdn_public"


# Headers --------------------------------------------------------------------


def shared_max_age():
    """``B52_CACHE_MAX_AGE`` as an int; 0 when public caching is off."""
    return max(int(b52_settings.CACHE_MAX_AGE or 0), 0)


def is_form_page(page):
    if not apps.is_installed("wagtail.contrib.forms"):
        return False
    from wagtail.contrib.forms.models import FormMixin

    return isinstance(page, FormMixin)


def has_credentials(request):
    """Whether the request may belong to someone: a session cookie, HTTP
    credentials or a signed-in user. ``request.user`` is only read when it
    has been loaded already, so an anonymous page view never touches the
    session (which would add ``Vary: Cookie``)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "_cached_user", None)
    return bool(user is not None and user.is_authenticated)


def is_shareable(page, request, response):
    """Whether a shared cache may keep this answer for everybody."""
    if shared_max_age() <= 0:
        return False
    if request.method not in SHAREABLE_METHODS or response.status_code != 200:
        return False
    if getattr(request, "is_preview", False) or has_credentials(request):
        return False
    # No query for view restrictions: Wagtail serves a restricted page only
    # to a request that passed them (its before_serve_page hook), and passing
    # needs a session (password) or a signed-in user, both caught above.
    if not page.live or is_form_page(page):
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # Per-visitor state (a CSRF token, a form token) is in the page.
        return False
    return "private" not in response.get("Cache-Control", "")


def clock_window(page, now, request=None):
    """``(last, next)``: the latest clock change at or before ``now`` and the
    first one after it (each ``None`` when there is none)."""
    last = upcoming = None
    for moment in clock_changes(page, now, request):
        if moment is None:
            continue
        if moment <= now:
            last = moment if last is None else max(last, moment)
        else:
            upcoming = moment if upcoming is None else min(upcoming, moment)
    return last, upcoming


def clock_changes(page, now, request=None):
    """``page.get_clock_changes(now)``; kept in the fragment cache until the
    page changes when the page type says that its moments do not depend on
    ``now`` (``clock_changes_depend_on_now = False``)."""
    if request is None or getattr(page, "clock_changes_depend_on_now", True):
        return page.get_clock_changes(now)
    from .cache import cached, tree

    return cached(
        request,
        "b52_clock_changes",
        [page.pk],
        [tree(page)],
        lambda: list(page.get_clock_changes(now)),
    )


def make_private(response, *, no_store=False):
    if no_store:
        add_never_cache_headers(response)
    else:
        patch_cache_control(response, private=True, no_cache=True)


def patch_page_response(page, request, response, now=None):
    """Give a package page's answer its caching headers; may return a 304
    instead (``If-Modified-Since``)."""
    if is_form_page(page):
        make_private(response, no_store=True)
        return response
    if not is_shareable(page, request, response):
        make_private(response)
        return response
    now = now or timezone.now()
    last_change, next_change = clock_window(page, now, request)
    s_maxage = shared_max_age()
    if next_change is not None:
        s_maxage = min(s_maxage, math.floor((next_change - now).total_seconds()))
    if s_maxage <= 0:
        make_private(response)
        return response
    browser = min(max(int(b52_settings.BROWSER_MAX_AGE or 0), 0), s_maxage)
    patch_cache_control(response, public=True, max_age=browser, s_maxage=s_maxage)
    setattr(response, PUBLIC_ATTR, True)
    last_modified = last_modified_at(last_change, request)
    if last_modified is None:
        return response
    # A feed's own Last-Modified (its newest item) goes back when a release
    # is unpublished: never announce less than the latest change.
    timestamp = math.ceil(last_modified.timestamp())
    own = parse_http_date_safe(response.get("Last-Modified", ""))
    timestamp = max(timestamp, own or 0)
    response["Last-Modified"] = http_date(timestamp)
    conditional = get_conditional_response(request, last_modified=timestamp, response=response)
    if conditional is not response:
        setattr(conditional, PUBLIC_ATTR, True)
    return conditional


def last_modified_at(last_clock_change=None, request=None):
    """When what a page shows last changed, as far as it is cheap to know:
    the latest publish or content change anywhere (one shared cache read,
    see :func:`mark_changed`) or the page's last clock change, whichever is
    later. ``None`` when the change time is not known (no cache)."""
    changed_at = changed_at_stamp(request)
    if changed_at is None:
        return None
    moment = datetime.datetime.fromtimestamp(changed_at, tz=datetime.UTC)
    if last_clock_change is not None:
        moment = max(moment, last_clock_change)
    return moment


def _stamp_cache():
    from .cache import fragment_cache

    return fragment_cache()


def _now_seconds():
    return math.ceil(timezone.now().timestamp())


def changed_at_stamp(request=None):
    """Whole seconds since the epoch of the latest content change, set to
    now when the cache has none (evicted, cold): never too early. Read
    ahead with the page's fragments when ``request`` is given."""
    cache = _stamp_cache()
    if cache is None:
        return None
    from .cache import prefetched

    known, value = prefetched(request, CHANGED_AT_KEY)
    if known and value is not None:
        return value
    try:
        value = cache.get(CHANGED_AT_KEY)
        if value is None:
            cache.add(CHANGED_AT_KEY, _now_seconds(), timeout=None)
            value = cache.get(CHANGED_AT_KEY)
        return value
    except Exception:
        logger.exception("b52_wagtail: cannot read the content change time")
        return None


def _store_changed_at():
    cache = _stamp_cache()
    if cache is None:
        return
    try:
        # HTTP dates count whole seconds: every change moves the stamp on by
        # at least one, so two changes within a second never share a
        # Last-Modified (If-Modified-Since would hide the second).
        previous = cache.get(CHANGED_AT_KEY) or 0
        cache.set(CHANGED_AT_KEY, max(_now_seconds(), previous + 1), timeout=None)
    except Exception:
        logger.exception("b52_wagtail: cannot store the content change time")


def mark_changed():
    """Record that content changed now (and again after the commit, so that
    a page rendered from the old rows in between is not taken as new)."""
    _store_changed_at()
    transaction.on_commit(_store_changed_at)


def _force_private(response):
    if "public" in response.get("Cache-Control", ""):
        del response["Cache-Control"]
    make_private(response)


class CDNMiddleware:
    """Optional; put it first in ``MIDDLEWARE``. On answers this module made
    public it drops ``Accept-Language`` from ``Vary`` (Django's
    LocaleMiddleware adds it, but package pages speak the page's language,
    never the browser's) and turns the answer private again when a later
    middleware set a cookie on it; any other answer that sets a cookie or a
    CSRF token is made private too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, PUBLIC_ATTR, False):
            # Answers outside the package's pages (Wagtail's password form of
            # a restricted page) that hand out a cookie stay private.
            if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                _force_private(response)
            return response
        if response.cookies:
            _force_private(response)
            return response
        if response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip() and value.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


# Purges ---------------------------------------------------------------------


def purging_enabled():
    return apps.is_installed(FRONTEND_CACHE_APP)


def package_page_models():
    from .pages import B52PageMixin

    return [
        model
        for model in apps.get_models()
        if issubclass(model, B52PageMixin) and not model._meta.proxy
    ]


def parent_of(obj):
    """The parent of the page ``obj`` (looked up once), ``None`` for a root
    or for anything that is not a page."""
    from wagtail.models import Page

    if not isinstance(obj, Page) or not obj.depth or obj.depth <= 1:
        return None
    if not hasattr(obj, "_b52_cdn_parent"):
        obj._b52_cdn_parent = obj.get_parent()
    return obj._b52_cdn_parent


def berlin_midnights(now):
    """The last and the next midnight in ``B52_TIME_ZONE`` around ``now``:
    day counts ("3 days left") change there."""
    from . import localization

    today = localization.localdate(now)
    return [start_of_day(today), start_of_day(today + datetime.timedelta(days=1))]


def start_of_day(day):
    """Midnight of the date ``day`` in ``B52_TIME_ZONE`` (aware)."""
    from . import localization

    return datetime.datetime.combine(day, datetime.time.min, tzinfo=localization.zone())


def pages_showing(obj):
    """Live pages of every package page type that show ``obj`` (a page or a
    snippet), each once."""
    seen = {}
    for model in package_page_models():
        for page in model.cdn_pages_showing(obj):
            seen.setdefault(page.pk, page)
    return list(seen.values())


def _site_root_url(page):
    site = page.get_site()
    return site.root_url.rstrip("/") if site is not None else None


def _reverse_path(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def sitemap_path():
    """Path of the host's sitemap (``wagtail.contrib.sitemaps`` view), or
    ``None`` when the host has none."""
    if not apps.is_installed("wagtail.contrib.sitemaps"):
        return None
    from wagtail.contrib.sitemaps.views import sitemap

    return _reverse_path(sitemap)


def api_paths(page):
    """The API v2 detail and listing paths of ``page`` (none without the API app)."""
    from .apps import active_app

    if not active_app("b52_wagtail.api"):
        return []
    paths = [
        _reverse_path("b52_api:pages:detail", page.pk),
        _reverse_path("b52_api:pages:listing"),
    ]
    return [path for path in paths if path]


def page_urls(page, paths):
    """Full URLs of ``paths`` (relative to the page's URL) of ``page``."""
    base = page.get_full_url()
    if not base:
        return []
    return [base + path.lstrip("/") for path in paths]


def purge_urls_for_page(page, *, include_page=False):
    """The URLs to purge when ``page`` was published or unpublished: the
    pages that show it, its API detail and the API listing, the sitemap; its
    own URLs only with ``include_page`` (Wagtail's frontend cache app purges
    them otherwise)."""
    urls = set()
    if include_page:
        urls.update(page_urls(page, page.get_cached_paths()))
    for other in pages_showing(page):
        if other.pk != page.pk:
            urls.update(page_urls(other, other.get_cdn_paths(changed=page)))
    root = _site_root_url(page)
    if root:
        extra = [*api_paths(page), sitemap_path()]
        urls.update(root + path for path in extra if path)
    return urls


def purge_urls_for_object(obj):
    """The URLs to purge when a snippet ``obj`` changed: every page that shows it."""
    urls = set()
    for page in pages_showing(obj):
        urls.update(page_urls(page, page.get_cdn_paths(changed=obj)))
    return urls


def purge(urls):
    """Purge ``urls`` in one batch through Wagtail's frontend cache backends."""
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    if urls:
        PurgeBatch(sorted(urls)).purge()


def _purge_later(collect):
    def run():
        try:
            purge(collect())
        except Exception:
            # A CDN outage must not break publishing; the TTL bounds staleness.
            logger.exception("b52_wagtail: purging the frontend cache failed")

    transaction.on_commit(run)


def _is_package_page(page):
    from .pages import B52PageMixin

    return isinstance(page, B52PageMixin)


def page_changed(sender, instance, **kwargs):
    mark_changed()
    if not purging_enabled():
        return
    page = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if _is_package_page(page):
        _purge_later(lambda: purge_urls_for_page(page))


def snippet_changed(sender, instance, **kwargs):
    mark_changed()
    if purging_enabled():
        _purge_later(lambda: purge_urls_for_object(instance))


def content_changed(**kwargs):
    mark_changed()


def model_changed(sender, instance=None, **kwargs):
    from .models import Contact, District, Organisation, Programme

    if isinstance(instance, (District, Programme, Organisation, Contact)):
        snippet_changed(sender, instance)
    elif isinstance(instance, _watched_models()):
        mark_changed()


@functools.cache
def _watched_models():
    """Models whose change can alter any page (moves the change time)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site

    from .models import B52Settings

    return (Page, PageViewRestriction, Site, B52Settings, get_image_model(), get_document_model())


def _signals():
    from django.db.models import signals as model_signals
    from wagtail import signals as wagtail_signals

    yield wagtail_signals.page_published, page_changed, "b52_cdn_published"
    yield wagtail_signals.page_unpublished, page_changed, "b52_cdn_unpublished"
    yield wagtail_signals.post_page_move, content_changed, "b52_cdn_moved"
    yield model_signals.post_save, model_changed, "b52_cdn_post_save"
    yield model_signals.post_delete, model_changed, "b52_cdn_post_delete"


def connect_signals():
    """Connect the receivers (called from the core app's ``ready()``)."""
    for signal, receiver, uid in _signals():
        signal.connect(receiver, weak=False, dispatch_uid=uid)
