"""Fragment caching of rendered page parts, invalidated by a content generation.

The *content generation* is one integer kept in the cache named by
``B52_FRAGMENT_CACHE``. Every cached fragment has the generation in its key;
any change that can alter what a visitor sees (a page published, unpublished,
moved or deleted, a view restriction, a core snippet, the B 52 settings, an
image, a document, a site) increments it, so every fragment rendered before
the change is never read again and expires with the cache's ``TIMEOUT``.

The counter lives in the shared cache, not in process memory: with more than
one process (gunicorn workers, several hosts), ``B52_FRAGMENT_CACHE`` must name
a cache all of them share, such as Redis. ``B52_FRAGMENT_CACHE = None``
disables fragment caching.

Fragments are rendered live (neither read nor stored) for previews, for
requests other than GET and HEAD, without a request, and, when a fragment says
so, for signed-in users. See ``{% b52_cache %}`` in ``b52_tags``.
"""

import logging
import time
from functools import partial

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from .conf import b52_settings

logger = logging.getLogger(__name__)

GENERATION_KEY = "b52_wagtail.content_generation"
CACHEABLE_METHODS = ("GET", "HEAD")

_GENERATION_ATTR = "_b52_content_generation"
_FRAGMENTS_ATTR = "_b52_fragments"


def fragment_cache():
    """The cache of fragments and of the content generation, or None when
    ``B52_FRAGMENT_CACHE`` is None (caching disabled)."""
    alias = b52_settings.FRAGMENT_CACHE
    if alias is None:
        return None
    return caches[alias or DEFAULT_CACHE_ALIAS]


def _initial_generation():
    # Not 1: if the counter is evicted or the cache restarts without its
    # fragments, a small number would come round again and old fragments
    # would match. Microseconds since the epoch are above any earlier value.
    return time.time_ns() // 1000


def content_generation(request=None):
    """The current content generation (an int), or None when fragment caching
    is disabled or the cache cannot be reached. With a request, it is read
    once and remembered on the request."""
    if request is not None and hasattr(request, _GENERATION_ATTR):
        return getattr(request, _GENERATION_ATTR)
    cache = fragment_cache()
    value = None
    if cache is not None:
        try:
            value = cache.get(GENERATION_KEY)
            if value is None:
                cache.add(GENERATION_KEY, _initial_generation(), timeout=None)
                value = cache.get(GENERATION_KEY)
        except Exception:
            # A cache outage must not take the pages down: render them live.
            logger.exception("b52_wagtail: cannot read the content generation")
            value = None
    if request is not None:
        setattr(request, _GENERATION_ATTR, value)
    return value


def _increment():
    cache = fragment_cache()
    if cache is None:
        return None
    try:
        try:
            return cache.incr(GENERATION_KEY)
        except ValueError:  # missing (never set, evicted or expired)
            if cache.add(GENERATION_KEY, _initial_generation(), timeout=None):
                return cache.get(GENERATION_KEY)
            return cache.incr(GENERATION_KEY)
    except Exception:
        logger.exception("b52_wagtail: cannot increment the content generation")
        return None


def bump_content_generation():
    """Make every cached fragment stale (atomic increment of the generation).

    It increments now and once more after the current transaction commits:
    otherwise a request between the first increment and the commit could read
    the old rows and store them under the new generation. Code that changes
    content without model signals (``QuerySet.update()``, ``bulk_create()``)
    calls this itself."""
    value = _increment()
    transaction.on_commit(_increment)
    return value


def fragment_key(request, name, vary_on=(), *, anonymous_only=False):
    """The cache key of fragment ``name`` for this request, or None when the
    fragment must be rendered live (caching disabled, preview, not GET/HEAD,
    no request, or a signed-in user and ``anonymous_only``).

    Besides ``vary_on``, the key holds the content generation, the active
    language and time zone, the Wagtail site, and the scheme and host of the
    request (absolute URLs in a fragment are built from them)."""
    if request is None or getattr(request, "is_preview", False):
        return None
    if request.method not in CACHEABLE_METHODS:
        return None
    if anonymous_only:
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return None
    generation = content_generation(request)
    if generation is None:
        return None
    from wagtail.models import Site

    site = Site.find_for_request(request)
    parts = [
        generation,
        get_language(),
        timezone.get_current_timezone_name(),
        site.pk if site else None,
        request.scheme,
        request.get_host(),
        *vary_on,
    ]
    return make_template_fragment_key(name, parts)


def get_fragment(request, key):
    """The cached fragment under ``key``, or None. Remembered on the request,
    so that a view may look a fragment up before its template renders it."""
    fragments = getattr(request, _FRAGMENTS_ATTR, None)
    if fragments is None:
        fragments = {}
        setattr(request, _FRAGMENTS_ATTR, fragments)
    if key not in fragments:
        try:
            fragments[key] = fragment_cache().get(key)
        except Exception:
            logger.exception("b52_wagtail: cannot read a cached fragment")
            fragments[key] = None
    return fragments[key]


def set_fragment(request, key, value):
    """Store a rendered fragment; it lives for the cache's ``TIMEOUT``."""
    try:
        fragment_cache().set(key, value, DEFAULT_TIMEOUT)
    except Exception:
        logger.exception("b52_wagtail: cannot store a cached fragment")
        return
    fragments = getattr(request, _FRAGMENTS_ATTR, None)
    if fragments is not None:
        fragments[key] = value


# Invalidation ---------------------------------------------------------------


def _watched_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site

    from .models import B52Settings, Contact, District, Organisation, Programme

    return (
        Page,
        PageViewRestriction,
        Site,
        Organisation,
        Contact,
        District,
        Programme,
        B52Settings,
        get_image_model(),
        get_document_model(),
    )


def _content_changed(**kwargs):
    bump_content_generation()


def _model_changed(watched, sender, instance=None, **kwargs):
    if isinstance(instance, watched):
        bump_content_generation()


_PAGE_SIGNALS = ("page_published", "page_unpublished", "post_page_move")


def _signals():
    from django.db.models import signals as model_signals
    from wagtail import signals as wagtail_signals

    for name in _PAGE_SIGNALS:
        yield getattr(wagtail_signals, name), _content_changed, f"b52_fragment_cache_{name}"
    # Saves cover live pages changed without a new revision (scripts, copies
    # kept live) as well as the snippets, settings, images and documents;
    # deletes cover pages, view restrictions and the rest.
    receiver = partial(_model_changed, _watched_models())
    for name in ("post_save", "post_delete"):
        yield getattr(model_signals, name), receiver, f"b52_fragment_cache_{name}"


def connect_signals():
    """Connect the receivers that bump the content generation (called from
    the core app's ``ready()``)."""
    for signal, receiver, uid in _signals():
        signal.connect(receiver, weak=False, dispatch_uid=uid)


def disconnect_signals():
    """Disconnect them again (tests show with it that they are needed)."""
    for signal, receiver, uid in _signals():
        signal.disconnect(receiver, dispatch_uid=uid)
