"""Read-only API representations of the core snippets used by the
cooperation pages (Wagtail API v2 ``api_fields``); the snippets' own
representations are the core's (``b52_wagtail.serializers``)."""

from ..serializers import ObjectField


class PageLinkSerializer(ObjectField):
    """A related page as id and title; the API lists only live, public ones."""

    def represent(self, page):
        if not page.live or page.get_view_restrictions().exists():
            return None
        return {"id": page.pk, "title": page.title, "url": page.url}
