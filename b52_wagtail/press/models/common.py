"""Shared by the press page types: rendition filters and fragment names,
navigation links to releases and small query helpers."""

import datetime
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from wagtail.models import Page

# Rendition filter specs used by the templates; the listing prefetches the
# card's so that images cost no query per card.
CARD_IMAGE_FILTER = "fill-480x270"
LEAD_IMAGE_FILTER = "width-960"
SHARE_IMAGE_FILTER = "fill-1200x630"

# Names of the cached fragments ({% b52_cache %} and the feeds).
LISTING_FRAGMENT = "b52_press_index"
FEED_FRAGMENT = "b52_press_feed"

# Characters that must not appear raw inside <script> (as django.utils.html.json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class ReleaseLink(NamedTuple):
    """A release in a navigation list (previous/next, related)."""

    title: str
    url: str
    release_date: datetime.date


LINK_FIELDS = ("pk", "title", "slug", "url_path", "release_date")


def _links(queryset, parent_url):
    """``ReleaseLink``s from a narrow query. Siblings' URLs are their index's
    URL plus their slug; without it, Wagtail builds them from the page."""
    rows = list(queryset.values(*LINK_FIELDS))
    if parent_url is not None:
        return [
            ReleaseLink(r["title"], f"{parent_url}{r['slug']}/", r["release_date"]) for r in rows
        ]
    pages = Page.objects.in_bulk([row["pk"] for row in rows])
    return [ReleaseLink(r["title"], pages[r["pk"]].url, r["release_date"]) for r in rows]


def _first_link(queryset, parent_url):
    links = _links(queryset[:1], parent_url)
    return links[0] if links else None


def _rendition(image, image_filter):
    """A rendition from the prefetched ones (or the database), without
    Wagtail's cache write of ``get_rendition()`` for every image."""
    if image is None:
        return None
    try:
        return image.find_existing_rendition(image_filter)
    except ObjectDoesNotExist:
        return image.get_rendition(image_filter)


def _is_prefetched(instance, name):
    return name in getattr(instance, "_prefetched_objects_cache", {})


def _ids(values):
    """Primary keys from a mix of model instances and ids (a queryset is
    passed on as a subquery)."""
    if values is None:
        return None
    if isinstance(values, models.QuerySet):
        return values.values("pk")
    if isinstance(values, models.Model | int | str):
        values = [values]
    return [value.pk if isinstance(value, models.Model) else value for value in values]
