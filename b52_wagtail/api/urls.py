"""Wagtail API v2 for the installed b52_wagtail apps, mounted by
``b52_wagtail.urls`` under ``api/``: ``/b52/api/v2/pages/`` etc.

With ``b52_wagtail.applications`` installed, the JSON form API too:
``/b52/api/forms/<page_id>/`` (namespace ``b52_api_forms``)."""

from django.urls import include, path

from ..apps import active_app
from .api import api_router

urlpatterns = [
    path("v2/", api_router.urls),
]

if active_app("b52_wagtail.applications"):
    from .forms_api import form_view

    urlpatterns.append(
        path(
            "forms/",
            include(([path("<int:page_id>/", form_view, name="form")], "b52_api_forms")),
        )
    )
