"""Helpers shared by the page types of every b52_wagtail app."""

import functools
import unicodedata

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import Template as DjangoTemplate
from django.template.context import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.utils.text import slugify
from wagtail.models import Site

from . import cache, cdn, localization
from .conf import b52_settings

# Blocks of the host's base template the package layout adds to. Where the
# base has none of a kind, the layout puts what is allowed in <body> into
# the block "content" (stylesheet, scripts, structured data).
HEAD_BLOCK = "extra_head"
CSS_BLOCK = "extra_css"
JS_BLOCK = "extra_js"


def once(func, *args):
    """A callable that calls ``func(*args)`` on first use and then returns
    its result: a template context value that costs nothing when a cached
    fragment leaves it unused."""
    return functools.cache(functools.partial(func, *args))


def template_block_names(name):
    """Names of the blocks a Django template and its ancestors define."""
    names = set()
    template = get_template(name)
    compiled = getattr(template, "template", template)
    seen = 0
    while isinstance(compiled, DjangoTemplate) and seen < 20:
        seen += 1
        names.update(node.name for node in compiled.nodelist.get_nodes_by_type(BlockNode))
        extends = compiled.nodelist.get_nodes_by_type(ExtendsNode)
        if not extends:
            break
        try:
            compiled = extends[0].get_parent(Context())
        except Exception:  # noqa: BLE001  (a parent named by a variable cannot be followed)
            break
    return names


def base_template_blocks():
    """The block names of the base template (cached until the settings
    change); empty when it cannot be read (the system check reports that)."""
    cached = b52_settings.cached("_base_blocks")
    if cached is None:
        try:
            cached = frozenset(template_block_names(b52_settings.base_template()))
        except (TemplateDoesNotExist, TemplateSyntaxError):
            cached = frozenset()
        b52_settings.cache("_base_blocks", cached)
    return cached


def layout_context(page=None, language=None):
    """What ``b52_wagtail/layouts/page.html`` needs: the base template, where
    the stylesheet, head tags and scripts go, and the language of the
    package's content. Views that render the layout add it to their context."""
    blocks = base_template_blocks()
    include_css = bool(b52_settings.INCLUDE_CSS)
    if CSS_BLOCK in blocks:
        css_in = "css"
    elif HEAD_BLOCK in blocks:
        css_in = "head"
    else:
        css_in = "body"
    return {
        "b52_base_template": b52_settings.base_template(),
        "b52_include_css": include_css,
        "b52_css_in": css_in if include_css else None,
        "b52_head_in_head": HEAD_BLOCK in blocks,
        "b52_js_in_body": JS_BLOCK not in blocks,
        "b52_language": language or localization.page_language(page),
    }


def site_root_paths(request):
    """The ``url_path`` prefixes of the Wagtail site ``request`` was made to
    (one per language of its root page); no query of its own, Wagtail caches
    the site root paths."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return [root.root_path for root in Site.get_site_root_paths() if root.site_id == site.pk]


def in_request_site(pages, request):
    """``pages`` (a queryset or a list) narrowed to the Wagtail site
    ``request`` was made to: with several sites in one install, lists never
    show another site's pages. Unchanged without a request."""
    if request is None:
        return pages
    paths = site_root_paths(request)
    if isinstance(pages, QuerySet):
        condition = Q()
        for path in paths:
            condition |= Q(url_path__startswith=path)
        return pages.filter(condition) if paths else pages.none()
    return [page for page in pages if page.url_path.startswith(tuple(paths))]


# German letters are written out, not dropped: “Förderpreis” → “foerderpreis”.
TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def transliterated_slug(text):
    """An ASCII slug of ``text`` with German transliteration (ü → ue,
    ß → ss) and other accents dropped (é → e): ``"Bewerbung 2027"`` →
    ``"bewerbung-2027"``. Whatever ``WAGTAIL_ALLOW_UNICODE_SLUGS`` says."""
    text = unicodedata.normalize("NFKC", str(text or "")).translate(TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return slugify(text)


def localized_page(target, locale_id):
    """The live translation of the page ``target`` in ``locale_id`` when
    Wagtail's i18n is on and one exists, else ``target`` itself: a link from
    an English call goes to the English form. No query without i18n."""
    if target is None or not localization.i18n_enabled() or target.locale_id == locale_id:
        return target
    translation = target.get_translations().live().filter(locale_id=locale_id).first()
    return translation.specific if translation is not None else target


class B52PageMixin:
    """Mixin for package page types.

    Serves the page in the package's language and time zone (see
    :mod:`b52_wagtail.localization`; page types override ``serve_page()``)
    and puts the layout's settings into the context (see
    ``B52_BASE_TEMPLATE``)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(layout_context(self, self.get_b52_language()))
        return context

    def full_clean(self, *args, **kwargs):
        self.transliterate_new_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        # What Wagtail runs instead of full_clean() when saving a draft.
        self.transliterate_new_slug()
        super().minimal_clean()

    def transliterate_new_slug(self):
        """Give a new page an ASCII slug (“foerderpreis”, not “förderpreis”),
        whatever the admin's script typed and ``WAGTAIL_ALLOW_UNICODE_SLUGS``
        says; an existing page keeps its URL. Only once the parent is known:
        a transliterated slug that is taken there gets a number, as Wagtail
        does for slugs it makes itself."""
        parent_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        if self.pk is None and self.slug and parent_known:
            slug = transliterated_slug(self.slug)
            if slug and slug != self.slug:
                self.slug = self._get_autogenerated_slug(slug)

    def get_b52_language(self):
        """The language of this page's public output. Override to change it."""
        return localization.page_language(self)

    def serve(self, request, *args, **kwargs):
        language = self.get_b52_language()
        cache.read_ahead(request, extra_keys=(cdn.CHANGED_AT_KEY,))
        with localization.override(language):
            response = localization.render_response(self.serve_page(request, *args, **kwargs))
        # Django's LocaleMiddleware would name the browser's language here.
        response.headers.setdefault("Content-Language", language)
        response = cdn.patch_page_response(self, request, response)
        cache.remember_plan(request)
        return response

    def serve_page(self, request, *args, **kwargs):
        """What ``serve()`` does, run in the page's language and time zone.
        Override this rather than ``serve()``."""
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request, *args, **kwargs):
        with localization.override(self.get_b52_language()):
            response = localization.render_response(super().serve_preview(request, *args, **kwargs))
        cdn.make_private(response)
        return response

    # Full-page caching (see b52_wagtail.cdn) --------------------------------

    def get_clock_changes(self, now):
        """The moments at which what this page shows changes by the clock
        alone (no one publishing anything), e.g. a call's start and deadline.
        Those around ``now`` matter: a shared cache keeps the page no longer
        than until the next one, ``Last-Modified`` is never before the last.
        Override this in pages that show something computed from the time."""
        return []

    def get_cdn_paths(self, changed=None):
        """Paths (relative to this page's URL) to purge from a frontend cache
        when ``changed`` (a page or a snippet this page shows) changed.
        Override this in pages with routes (archives, feeds)."""
        return self.get_cached_paths()

    @classmethod
    def cdn_pages_showing(cls, obj):
        """Live pages of this type that show ``obj`` (a page that was
        published or unpublished, or a changed snippet). By default a page
        shows its children (an index lists them). Override this to add what
        a page type shows."""
        parent = cdn.parent_of(obj)
        if parent is not None and parent.live and parent.specific_class is cls:
            return [parent.specific]
        return []


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
