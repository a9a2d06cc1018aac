"""RSS 2.0 and Atom feeds of a press release index (``feed/rss/``,
``feed/atom/`` below the index), built on ``django.contrib.syndication``."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .. import localization


class PressReleaseFeed(Feed):
    """The newest releases of one index, with the first PDF download of each
    release as its enclosure."""

    feed_type = Rss201rev2Feed

    def __init__(self, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.language = localization.page_language(self.index)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index.seo_title or self.index.title

    def link(self):
        return self.index.get_full_url(self.request)

    def feed_url(self):
        # Without the query string: the feed is cached and shared by everyone.
        return self.request.build_absolute_uri(self.request.path)

    def description(self):
        return (
            self.index.search_description
            or strip_tags(self.index.intro).strip()
            or _("Press releases of %(title)s") % {"title": self.index.title}
        )

    def items(self):
        releases = self.index.get_releases().defer_streamfields()
        return list(
            releases.select_related("lead_organisation", "programme").prefetch_related(
                "download_items__document", "districts"
            )[: self.index.feed_size]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser or item.subtitle

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.get_feed_pubdate()

    def item_updateddate(self, item):
        if item.last_published_at:
            return localization.localtime(item.last_published_at)
        return item.get_feed_pubdate()

    def item_author_name(self, item):
        return item.lead_organisation.name if item.lead_organisation else None

    def item_categories(self, item):
        categories = [item.programme.name] if item.programme else []
        return categories + [district.name for district in item.districts.all()]

    def item_enclosures(self, item):
        download = item.get_first_pdf()
        if download is None:
            return []
        document = download.document
        return [
            Enclosure(
                self.request.build_absolute_uri(document.url),
                str(document.get_file_size() or 0),
                "application/pdf",
            )
        ]


class PressReleaseAtomFeed(PressReleaseFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
