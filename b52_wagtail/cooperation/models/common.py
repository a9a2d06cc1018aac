"""Small helpers shared by the cooperation page types."""

import json

from django.db import models
from django.utils.safestring import mark_safe

_JSON_LD_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_LD_ESCAPES))  # noqa: S308


def rows(manager, *, select=(), prefetch=()):
    """The rows of an inline relation, joined and prefetched when they come
    from the database (in a preview they are unsaved objects in memory)."""
    queryset = manager.all()
    if isinstance(queryset, models.QuerySet):
        queryset = queryset.select_related(*select).prefetch_related(*prefetch)
    return list(queryset)
