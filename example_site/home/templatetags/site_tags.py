"""The frame of every page of the example site: main navigation,
breadcrumbs and the footer's pages.

``{% site_chrome as chrome %}`` runs no query itself: the lists are
callables that base.html calls inside cached fragments (``{% b52_cache %}``
with the dependencies below), so a warm page adds no query for its frame."""

from django import template
from wagtail.models import Locale, Page, Site

from b52_wagtail import localization
from b52_wagtail.cache import children, link, model_tag, snippet_tags
from b52_wagtail.pages import once

register = template.Library()

_language_codes = {}


def language_of(page):
    """The language the package speaks on the page (``B52_LANGUAGE`` unless
    Wagtail's i18n is on, then the page's locale, remembered per process:
    locales hardly ever change their language)."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is None or not localization.i18n_enabled():
        return localization.default_language()
    if locale_id not in _language_codes:
        code = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
        language = localization.base_language(code)
        if language not in localization.LANGUAGES:
            language = localization.default_language()
        _language_codes[locale_id] = language
    return _language_codes[locale_id]


class Chrome:
    def __init__(self, request, page):
        from ..models import StandardPage

        self.root = None
        self.page = page if isinstance(page, Page) else None
        site = Site.find_for_request(request) if request is not None else None
        if site is not None:
            self.root = site.root_page
        self.lang = language_of(self.page)
        root = self.root
        in_site = (
            root is not None and self.page is not None and self.page.path.startswith(root.path)
        )
        self.show_breadcrumbs = in_site and self.page.pk != root.pk
        # The fragment of the menu varies with the section the page is in
        # (the root's child it is under) and whether it is that child.
        self.section_key = ""
        if in_site and self.page.depth > root.depth:
            section_path = self.page.path[: len(root.path) + Page.steplen]
            self.section_key = section_path + ("=" if self.page.path == section_path else "<")
        # The view restrictions, read once for the menu and the footer pages
        # (``.public()`` would read them for each).
        self._private_q = once(Page.objects.private_q)
        self.menu = once(self._menu)
        self.breadcrumbs = once(self._breadcrumbs)
        self.footer_pages = once(
            lambda: (
                list(
                    self._public(StandardPage.objects.live())
                    .descendant_of(root)
                    .filter(footer_link=True)
                    .order_by("path")
                )
                if root is not None
                else []
            )
        )
        # How the pages shown are linked (titles, URLs, being live and in
        # menus): publishing a page's content, or a new title deep in the
        # tree, leaves the frame cached.
        sections = [children(root.path)] if root is not None else []
        self.menu_dependencies = sections
        self.breadcrumb_dependencies = (
            [
                link(self.page.path[:end])
                for end in range(len(root.path), len(self.page.path) + 1, Page.steplen)
            ]
            if self.show_breadcrumbs
            else []
        )
        self.footer_dependencies = [*sections, model_tag(StandardPage), *snippet_tags("Contact")]

    def _public(self, pages):
        """``pages.public()``: those outside private sections."""
        return pages.exclude(self._private_q())

    def _menu(self):
        """The root's live, public children shown in menus, each with
        ``current``: "page" for the page itself, "true" for its section."""
        if self.root is None:
            return []
        menu = list(self._public(self.root.get_children().live()).in_menu().order_by("path"))
        for item in menu:
            item.current = ""
            if self.page is not None and self.page.path.startswith(item.path):
                item.current = "page" if self.page.pk == item.pk else "true"
        return menu

    def _breadcrumbs(self):
        """The page's ancestors from the site root."""
        if not self.show_breadcrumbs:
            return []
        return list(self.page.get_ancestors().filter(depth__gte=self.root.depth).order_by("depth"))


@register.simple_tag(takes_context=True)
def site_chrome(context):
    return Chrome(context.get("request"), context.get("page"))
