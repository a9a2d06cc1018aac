"""Fragment caching of rendered page parts, invalidated by what changed.

A cached fragment's key holds the *content generation* and the generations of
the *dependencies* the fragment declares. Each is an integer kept in the cache
named by ``B52_FRAGMENT_CACHE``; a change increments the generations of what
it touched, so every fragment that depends on it is never read again (and
expires with the cache's ``TIMEOUT``), while the other fragments stay warm.

Dependencies are short strings (see :func:`tree`, :func:`model_tag`,
``PAGES``):

- ``tree:<path>``: a page or any page below it was saved, published,
  unpublished, moved, deleted or got a view restriction. A change of a page
  increments the tree of the page and of each of its ancestors, so an index
  that depends on its own tree sees a change of any of its children.
- ``model:<app_label.model>``: any object of that model changed. Used for the
  core snippets (organisations, contacts, districts, programmes), for images
  and documents (one generation for all of them: a per-image dependency would
  cost a cache read per image on every page) and for each page model (a
  fragment listing releases wherever they are depends on the release model).
- ``PAGES``: a page appeared, disappeared or changed its title, its URL or
  whether it shows in menus (links to arbitrary pages: chosen related pages,
  rich text links).
- ``link:<path>`` and ``children:<path>`` (see :func:`link`,
  :func:`children`): the same for one page, and for the children of one
  page (navigation: a menu of the site root's children, breadcrumbs), so
  that a new title deep in the tree leaves the navigation cached.

The content generation itself (:func:`bump_content_generation`) is in every
key: sites and the B 52 settings change it (every page shows them), and code
that changes content without model signals calls it. A fragment that declares
no dependencies depends on ``ANY``, which every change increments.

The counters live in the shared cache, not in process memory: with more than
one process (gunicorn workers, several hosts), ``B52_FRAGMENT_CACHE`` must name
a cache all of them share, such as Redis. ``B52_FRAGMENT_CACHE = None``
disables fragment caching.

Fragments are rendered live (neither read nor stored) for previews, for
requests other than GET and HEAD, without a request, and, when a fragment says
so, for signed-in users. See ``{% b52_cache %}`` in ``b52_tags``.
"""

import copy
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
DEPENDENCY_KEY_PREFIX = "b52_wagtail.generation:"
CACHEABLE_METHODS = ("GET", "HEAD")

# Dependencies that are not a tree or a model (see the module docstring).
ANY = "any"
PAGES = "pages"

_GENERATION_ATTR = "_b52_content_generation"
_DEPENDENCIES_ATTR = "_b52_dependency_generations"
_FRAGMENTS_ATTR = "_b52_fragments"


def tree(page):
    """The dependency on ``page`` and every page below it."""
    return f"tree:{page.path}"


def model_tag(model):
    """The dependency on every object of ``model`` (a class or an instance)."""
    return f"model:{model._meta.label_lower}"


def media_tags():
    """The dependencies on images and documents (one for each model)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return [model_tag(get_image_model()), model_tag(get_document_model())]


def snippet_tags(*names):
    """The dependencies on the core snippets named (``"Contact"``, …; none:
    organisations, contacts, districts and programmes)."""
    from . import models

    names = names or ("Organisation", "Contact", "District", "Programme")
    return [model_tag(getattr(models, name)) for name in names]


def page_tags(page, path=None):
    """What a change of ``page`` (at ``path``, default its own) increments:
    the trees of the page and its ancestors, and its model."""
    path = page.path if path is None else path
    steplen = type(page).steplen
    tags = [f"tree:{path[:end]}" for end in range(steplen, len(path) + 1, steplen)]
    models = {type(page), page.specific_class or type(page)}
    return [*tags, *sorted(model_tag(model) for model in models)]


def link(path):
    """The dependency on how the page at ``path`` is linked: its title, URL,
    being live and being in menus (navigation, breadcrumbs)."""
    return f"link:{path}"


def children(path):
    """The dependency on the links to the children of the page at ``path``:
    one of them appeared, disappeared or changed how it is linked (a menu of
    a section's pages)."""
    return f"children:{path}"


def link_tags(page, path=None):
    """What a change of how ``page`` is linked increments besides ``PAGES``:
    its own link and the children of its parent."""
    path = page.path if path is None else path
    tags = [link(path)]
    if len(path) > type(page).steplen:
        tags.append(children(path[: -type(page).steplen]))
    return tags


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


def dependency_generations(request, dependencies):
    """The generations of ``dependencies`` (a list of ints, in order), or
    None when the cache cannot be reached. One cache round trip for those not
    yet read during ``request``; missing counters start at a fresh value."""
    known = getattr(request, _DEPENDENCIES_ATTR, None) if request is not None else None
    if known is None:
        known = {}
        if request is not None:
            setattr(request, _DEPENDENCIES_ATTR, known)
    wanted = [tag for tag in dict.fromkeys(dependencies) if tag not in known]
    if wanted:
        cache = fragment_cache()
        keys = {DEPENDENCY_KEY_PREFIX + tag: tag for tag in wanted}
        try:
            found = cache.get_many(list(keys))
            missing = [key for key in keys if key not in found]
            for key in missing:
                cache.add(key, _initial_generation(), timeout=None)
            if missing:
                found.update(cache.get_many(missing))
        except Exception:
            logger.exception("b52_wagtail: cannot read the generations of dependencies")
            return None
        if any(key not in found for key in keys):
            return None
        known.update({tag: found[key] for key, tag in keys.items()})
    return [known[tag] for tag in dependencies]


def _increment(key=GENERATION_KEY):
    cache = fragment_cache()
    if cache is None:
        return None
    try:
        try:
            return cache.incr(key)
        except ValueError:  # missing (never set, evicted or expired)
            if cache.add(key, _initial_generation(), timeout=None):
                return cache.get(key)
            return cache.incr(key)
    except Exception:
        logger.exception("b52_wagtail: cannot increment the generation %s", key)
        return None


def _increment_dependencies(dependencies):
    for tag in dependencies:
        _increment(DEPENDENCY_KEY_PREFIX + tag)


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


def bump_dependencies(*dependencies):
    """Make the fragments that depend on any of ``dependencies`` stale (and
    those that declare none). Like :func:`bump_content_generation`, now and
    once more after the current transaction commits."""
    if fragment_cache() is None:
        return
    dependencies = list(dict.fromkeys([*dependencies, ANY]))
    _increment_dependencies(dependencies)
    transaction.on_commit(partial(_increment_dependencies, dependencies))


def fragment_key(request, name, vary_on=(), *, anonymous_only=False, depends=None):
    """The cache key of fragment ``name`` for this request, or None when the
    fragment must be rendered live (caching disabled, preview, not GET/HEAD,
    no request, or a signed-in user and ``anonymous_only``).

    Besides ``vary_on``, the key holds the content generation, the
    generations of ``depends`` (dependencies, see the module docstring;
    None: ``ANY``), the active language and time zone, the Wagtail site, and
    the scheme and host of the request (absolute URLs in a fragment are built
    from them)."""
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
    dependencies = [ANY] if depends is None else list(depends)
    generations = dependency_generations(request, dependencies)
    if generations is None:
        return None
    from wagtail.models import Site

    site = Site.find_for_request(request)
    context = (
        get_language(),
        timezone.get_current_timezone_name(),
        site.pk if site else None,
        request.scheme,
        request.get_host(),
        *vary_on,
    )
    recording = getattr(request, _RECORDING_ATTR, None)
    if recording is not None:
        recording.append((name, tuple(dependencies), context))
    return _fragment_key(name, generation, dependencies, generations, context)


def _fragment_key(name, generation, dependencies, generations, context):
    parts = [
        generation,
        *(f"{tag}={value}" for tag, value in zip(dependencies, generations, strict=True)),
        *context,
    ]
    return make_template_fragment_key(name, parts)


def cached(request, name, vary_on, depends, compute):
    """``compute()``, kept in the fragment cache like a ``{% b52_cache %}``
    fragment (same key rules, read ahead with the page's fragments) until
    one of ``depends`` changes. ``compute`` must not return None."""
    key = fragment_key(request, name, vary_on, depends=depends)
    if key is None:
        return compute()
    value = get_fragment(request, key)
    if value is None:
        value = compute()
        set_fragment(request, key, value)
    return value


def cached_many(request, name, items, compute):
    """Several values like :func:`cached`, each under a key of its own, in
    three cache round trips whatever their number (the generations of all
    dependencies, the values, one store of those missing).

    ``items`` is a list of ``(vary_on, depends)``; ``compute(indexes)``
    returns the values of the items at ``indexes`` (the missing ones, in
    that order). Returns the values of all items, in order."""
    if request is None or fragment_cache() is None:
        return compute(list(range(len(items))))
    dependency_generations(request, [tag for _vary_on, depends in items for tag in depends])
    keys = [fragment_key(request, name, vary_on, depends=depends) for vary_on, depends in items]
    values = [None] * len(items)
    fragments = getattr(request, _FRAGMENTS_ATTR, None)
    if fragments is None:
        fragments = {}
        setattr(request, _FRAGMENTS_ATTR, fragments)
    wanted = [key for key in keys if key is not None and key not in fragments]
    if wanted:
        try:
            fragments.update(dict.fromkeys(wanted) | fragment_cache().get_many(wanted))
        except Exception:
            logger.exception("b52_wagtail: cannot read cached fragments")
    for index, key in enumerate(keys):
        if key is not None:
            values[index] = fragments.get(key)
    missing = [index for index, value in enumerate(values) if value is None]
    if missing:
        computed = compute(missing)
        store = {}
        for index, value in zip(missing, computed, strict=True):
            values[index] = value
            if keys[index] is not None:
                store[keys[index]] = fragments[keys[index]] = value
        if store:
            try:
                fragment_cache().set_many(store, DEFAULT_TIMEOUT)
            except Exception:
                logger.exception("b52_wagtail: cannot store cached fragments")
    return values


# Read-ahead ------------------------------------------------------------------
#
# A page with two fragments would read the cache five times one after the
# other: the content generation, the generations of each fragment's
# dependencies, each fragment. Each process remembers, per URL, what the
# last render of it read (a plan) and reads it ahead in two round trips
# (generations, then fragments) before the page renders. A plan is only a
# guess: what the render asks for and was not read ahead is read as before,
# and what was read ahead but is not asked for is dropped.

_RECORDING_ATTR = "_b52_cache_recording"
_PREFETCHED_ATTR = "_b52_cache_prefetched"
_PLANS = {}
_PLAN_LIMIT = 2000


def _plan_key(request):
    return (request.get_host(), request.path, request.META.get("QUERY_STRING", ""))


def read_ahead(request, extra_keys=()):
    """Before a page renders: read what the last render of this URL read,
    in two round trips, plus ``extra_keys`` of the fragment cache (their
    values: :func:`prefetched`). Starts recording for the next time."""
    if getattr(request, "is_preview", False) or request.method not in CACHEABLE_METHODS:
        return
    cache = fragment_cache()
    if cache is None:
        return
    setattr(request, _RECORDING_ATTR, [])
    plan = _PLANS.get(_plan_key(request))
    if plan is None:
        return
    dependencies = sorted({tag for _name, tags, _context in plan for tag in tags})
    keys = [GENERATION_KEY, *extra_keys, *(DEPENDENCY_KEY_PREFIX + tag for tag in dependencies)]
    try:
        found = cache.get_many(keys)
    except Exception:
        logger.exception("b52_wagtail: cannot read ahead")
        return
    setattr(request, _PREFETCHED_ATTR, {key: found[key] for key in extra_keys if key in found})
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return
    setattr(request, _GENERATION_ATTR, generation)
    known = {tag: found.get(DEPENDENCY_KEY_PREFIX + tag) for tag in dependencies}
    known = {tag: value for tag, value in known.items() if value is not None}
    setattr(request, _DEPENDENCIES_ATTR, known)
    fragment_keys = [
        _fragment_key(name, generation, tags, [known[tag] for tag in tags], context)
        for name, tags, context in plan
        if all(tag in known for tag in tags)
    ]
    settings_key = _settings_key(request, generation)
    try:
        fragments = cache.get_many([*fragment_keys, settings_key])
    except Exception:
        logger.exception("b52_wagtail: cannot read ahead")
        return
    # A fragment not found is known to be missing: not read again.
    setattr(request, _FRAGMENTS_ATTR, {key: fragments.get(key) for key in fragment_keys})
    site_settings = fragments.get(settings_key)
    if site_settings is not None:
        site_settings._request = request
        site_settings._b52_cached = True
        setattr(request, type(site_settings).get_cache_attr_name(), site_settings)


def _settings_key(request, generation):
    """The key of the site's ``B52Settings`` (every page shows them; a change
    of settings or sites changes the content generation)."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    return f"b52_wagtail.settings:{site.pk if site else None}:{generation}"


def _remember_settings(request):
    from .models import B52Settings

    site_settings = getattr(request, B52Settings.get_cache_attr_name(), None)
    generation = getattr(request, _GENERATION_ATTR, None)
    if site_settings is None or generation is None:
        return
    if getattr(site_settings, "_b52_cached", False):
        return
    stored = copy.copy(site_settings)
    stored.__dict__.pop("_request", None)
    # Only what every page needs; a related object (the logo) is read live.
    stored._state = copy.copy(stored._state)
    stored._state.fields_cache = {}
    try:
        fragment_cache().set(_settings_key(request, generation), stored, DEFAULT_TIMEOUT)
    except Exception:
        logger.exception("b52_wagtail: cannot store the site settings")


def prefetched(request, key):
    """``(True, value)`` when :func:`read_ahead` read ``key`` for this
    request, else ``(False, None)``."""
    values = getattr(request, _PREFETCHED_ATTR, None) if request is not None else None
    if values is None or key not in values:
        return False, None
    return True, values[key]


def remember_plan(request):
    """After a page rendered: what it read is the plan of its URL."""
    recording = getattr(request, _RECORDING_ATTR, None)
    if recording is None:
        return
    _remember_settings(request)
    try:
        plan = tuple(dict.fromkeys(recording))
    except TypeError:  # a fragment varies on something unhashable
        return
    if len(_PLANS) >= _PLAN_LIMIT:
        _PLANS.clear()
    _PLANS[_plan_key(request)] = plan


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


def _global_models():
    from wagtail.models import Site

    from .models import B52Settings

    return (Site, B52Settings)


def _is_site_setting(instance):
    from .models import B52Settings

    return isinstance(instance, B52Settings)


def _dependencies_of(instance):
    """What a saved or deleted ``instance`` makes stale, or None for a
    change of the whole site (content generation)."""
    from wagtail.models import Page, PageViewRestriction

    if isinstance(instance, _global_models()):
        return None
    if isinstance(instance, Page):
        tags = page_tags(instance)
        if getattr(instance, "_b52_link_changed", True):
            tags += [PAGES, *link_tags(instance)]
        return tags
    if isinstance(instance, PageViewRestriction):
        page = Page.objects.filter(pk=instance.page_id).first()
        return [PAGES, *(page_tags(page) if page is not None else [])]
    return [model_tag(instance)]


def _page_pre_save(sender, instance=None, raw=False, update_fields=None, **kwargs):
    # Whether links to the page (its title, URL, being live or in menus) change: only
    # then do fragments that link to arbitrary pages (PAGES) go stale. One
    # query per page save, in the editor's request.
    from wagtail.models import Page

    if raw or not isinstance(instance, Page) or instance.pk is None:
        return
    if b52_settings.FRAGMENT_CACHE is None:
        return
    fields = ("title", "url_path", "live", "slug", "show_in_menus")
    if update_fields is not None and not set(update_fields) & set(fields):
        instance._b52_link_changed = False
        return
    before = Page.objects.filter(pk=instance.pk).values_list(*fields).first()
    instance._b52_link_changed = before != tuple(getattr(instance, name) for name in fields)


# Fields that Wagtail fills in on first use (a document's size, an image's
# hash) without changing what a visitor sees.
_BOOKKEEPING_FIELDS = frozenset({"file_size", "file_hash"})


def _model_changed(watched, sender, instance=None, update_fields=None, **kwargs):
    if not isinstance(instance, watched):
        return
    if update_fields and set(update_fields) <= _BOOKKEEPING_FIELDS:
        return
    if kwargs.get("created") and _is_site_setting(instance):
        # Made with its defaults on first use (``for_request``), during a
        # request that already renders with them.
        return
    dependencies = _dependencies_of(instance)
    if dependencies is None:
        bump_content_generation()
    else:
        bump_dependencies(*dependencies)


def _page_published(sender, instance=None, **kwargs):
    # Publishing saves the page (post_save) unless nothing changed; a page's
    # live status and titles are compared there.
    bump_dependencies(*page_tags(instance))


def _page_unpublished(sender, instance=None, **kwargs):
    bump_dependencies(PAGES, *page_tags(instance), *link_tags(instance))


def _page_moved(sender, instance=None, parent_page_before=None, parent_page_after=None, **kwargs):
    tags = [PAGES, *page_tags(instance), *link_tags(instance)]
    for parent in (parent_page_before, parent_page_after):
        if parent is not None:
            tags += [*page_tags(parent), children(parent.path)]
    bump_dependencies(*tags)


_PAGE_SIGNALS = {
    "page_published": _page_published,
    "page_unpublished": _page_unpublished,
    "post_page_move": _page_moved,
}


def _signals():
    from django.db.models import signals as model_signals
    from wagtail import signals as wagtail_signals

    for name, receiver in _PAGE_SIGNALS.items():
        yield getattr(wagtail_signals, name), receiver, f"b52_fragment_cache_{name}"
    yield model_signals.pre_save, _page_pre_save, "b52_fragment_cache_pre_save"
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
