"""Cross-app content lookups that go through the core.

Content apps never import each other. An app whose pages are "news" about a
programme, district or organisation (the press app's releases) registers its
page model here; another app (the cooperation app's field pages) asks the
core for the latest items without knowing which apps are installed::

    # press/apps.py, in ready()
    from b52_wagtail.content import register_news_source
    register_news_source(PressReleasePage)

    # cooperation/models.py
    from b52_wagtail.content import latest_news
    latest_news(programmes=self.programme_ids, limit=3)

A news source is a page model with a classmethod
``b52_news_queryset(programmes=None, districts=None, organisations=None)``
returning live, public pages newest first, and an attribute
``b52_news_date_field`` naming the date field they are ordered by.
"""

_sources = []


def register_news_source(model):
    if model not in _sources:
        _sources.append(model)
    return model


def news_sources():
    return list(_sources)


def latest_news(*, programmes=None, districts=None, organisations=None, limit=3, request=None):
    """The newest ``limit`` pages of all registered news sources that concern
    any of the given programmes, districts or organisations (ids or objects),
    on the site of ``request`` when given. One query per registered source."""
    from .pages import in_request_site

    items = []
    for model in _sources:
        queryset = model.b52_news_queryset(
            programmes=programmes, districts=districts, organisations=organisations
        )
        items.extend(in_request_site(queryset, request)[:limit])
    items.sort(key=lambda page: getattr(page, page.b52_news_date_field), reverse=True)
    return items[:limit]
