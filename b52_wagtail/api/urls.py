"""Wagtail API v2 for the installed b52_wagtail apps, mounted by
``b52_wagtail.urls`` under ``api/``: ``/b52/api/v2/pages/`` etc.

Headless preview of a draft: ``/b52/api/preview/?token=…``
(``b52_api_preview:page``, on when ``B52_HEADLESS_PREVIEW_URL`` is set).

The OpenAPI document: ``/b52/api/openapi.json`` (``b52_api_docs:openapi``).

With ``b52_wagtail.applications`` installed, the JSON form API too:
``/b52/api/forms/<page_id>/`` (namespace ``b52_api_forms``)."""

from django.urls import include, path

from ..apps import active_app
from .api import api_router
from .openapi import openapi_view
from .preview import preview_view

urlpatterns = [
    path("v2/", api_router.urls),
    path(
        "openapi.json",
        include(([path("", openapi_view, name="openapi")], "b52_api_docs")),
    ),
    path("preview/", include(([path("", preview_view, name="page")], "b52_api_preview"))),
]

if active_app("b52_wagtail.applications"):
    from .forms_api import form_view

    urlpatterns.append(
        path(
            "forms/",
            include(([path("<int:page_id>/", form_view, name="form")], "b52_api_forms")),
        )
    )
