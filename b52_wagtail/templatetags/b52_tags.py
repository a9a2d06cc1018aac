import datetime

from django import template
from django.utils import formats
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, pgettext

from .. import cache as fragment_cache
from .. import localization
from ..conf import b52_settings
from ..models import B52Settings

register = template.Library()


@register.simple_tag(takes_context=True)
def b52_site_settings(context):
    """The ``B52Settings`` of the current site, read once per request."""
    request = context.get("request")
    if request is None:
        return None
    return B52Settings.for_request(request)


@register.simple_tag
def b52_base_template():
    return b52_settings.base_template()


@register.filter
def b52_date(value, fmt="j. F Y"):
    """A date in the active language's long form, e.g. “3. April 2025”.

    Datetimes are shown in the package's time zone (``B52_TIME_ZONE``)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = localization.localtime(value)
    return date_format(value, fmt)


@register.filter
def b52_datetime(value):
    """A datetime as “30. November 2022, 23:59 Uhr” in the package's time zone."""
    if not value:
        return ""
    local = localization.localtime(value)
    return gettext("%(date)s, %(time)s") % {
        # Translators: a PHP-style date format; German: "j. F Y"
        "date": formats.date_format(local, pgettext("long date format", "F j, Y")),
        "time": local.strftime("%H:%M"),
    }


@register.filter
def b52_iso(value):
    """ISO 8601 in the package's time zone, for ``<time datetime>`` and JSON."""
    return localization.isoformat(value) or ""


@register.inclusion_tag("b52_wagtail/includes/head_links.html", takes_context=True)
def b52_head_links(context):
    """``<link rel="canonical">`` and, with Wagtail's i18n on, one
    ``<link rel="alternate" hreflang>`` per live, public translation."""
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None or getattr(request, "is_preview", False):
        return {}
    canonical = context.get("b52_canonical_url") or canonical_url(page, request)
    alternates = []
    if localization.i18n_enabled() and getattr(page, "translation_key", None):
        translations = (
            page.get_translations(inclusive=True).live().public().select_related("locale")
        )
        if len(translations) > 1:
            # The same sub-path of a routable page (a year archive) in
            # each translation: routes are code, alike in every language.
            suffix = routed_suffix(page, request)
            alternates = [
                (translation.locale.language_code, translation.get_full_url(request) + suffix)
                for translation in translations
            ]
    return {"canonical_url": canonical, "alternates": alternates}


def routed_suffix(page, request):
    """What ``request.path`` adds after ``page``'s own path (``2025/`` of
    a year archive), or ``""``."""
    parts = page.get_url_parts(request)
    if parts is None:
        return ""
    page_path = parts[2]
    if request.path.startswith(page_path):
        return request.path[len(page_path) :]
    return ""


def canonical_url(page, request):
    """The page's full URL, with the sub-path a routable page serves (a year
    archive, a district overview) and the listing page number beyond the
    first (``?page=3``: each page of a listing is its own canonical page);
    no other query string."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    _site_id, root_url, page_path = parts
    url = (root_url or "") + page_path + routed_suffix(page, request)
    number = request.GET.get("page", "")
    if number.isdigit() and int(number) > 1:
        url += f"?page={int(number)}"
    return url


class B52CacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on, anonymous_only, store, depends=None):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.anonymous_only = anonymous_only
        self.store = store
        self.depends = depends

    def render(self, context):
        request = context.get("request")
        key = fragment_cache.fragment_key(
            request,
            self.name.resolve(context),
            [var.resolve(context) for var in self.vary_on],
            anonymous_only=self.anonymous_only,
            depends=None if self.depends is None else self.depends.resolve(context),
        )
        if key is None:
            return self.nodelist.render(context)
        value = fragment_cache.get_fragment(request, key)
        if value is None:
            # An exception (Http404 included) leaves nothing in the cache.
            value = self.nodelist.render(context)
            if self.store is None or self.store.resolve(context):
                fragment_cache.set_fragment(request, key, value)
        return value


@register.tag("b52_cache")
def do_b52_cache(parser, token):
    """Cache the enclosed fragment until the content changes::

        {% b52_cache "b52_press_release" page.pk %}…{% endb52_cache %}

    The key holds the fragment name, the given values, the content generation
    (see ``b52_wagtail.cache``), the language, the site and the host. The
    fragment is rendered live when ``B52_FRAGMENT_CACHE`` is None, for
    previews and for anything but GET/HEAD. Options after the values:
    ``anonymous_only`` (render live for signed-in users: use it when the
    fragment shows anything user-specific), ``store=<expression>``
    (evaluated after a live render; a false value keeps that render out of
    the cache) and ``depends=<expression>`` (a list of dependencies, see
    ``b52_wagtail.cache``: the fragment goes stale only when one of them
    changes; without it, on any change). Never cache anything per visitor
    (CSRF or form tokens, messages) in a fragment."""
    nodelist = parser.parse(("endb52_cache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    vary_on, anonymous_only, store, depends = [], False, None, None
    for bit in bits[2:]:
        if bit == "anonymous_only":
            anonymous_only = True
        elif bit.startswith("store="):
            store = parser.compile_filter(bit.removeprefix("store="))
        elif bit.startswith("depends="):
            depends = parser.compile_filter(bit.removeprefix("depends="))
        else:
            vary_on.append(parser.compile_filter(bit))
    return B52CacheNode(
        nodelist, parser.compile_filter(bits[1]), vary_on, anonymous_only, store, depends
    )
