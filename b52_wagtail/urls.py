"""Non-page views of every installed b52_wagtail app.

A host adds them with one line, before Wagtail's catch-all page route::

    path("b52/", include("b52_wagtail.urls")),

Each sub-app's ``urls.py`` names its own namespace (``b52_press`` …).
"""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path

from .apps import active_app

SUB_APPS = ("cooperation", "press", "awards", "applications", "api")

urlpatterns = []

for _sub_app in SUB_APPS:
    _module = f"b52_wagtail.{_sub_app}"
    # An app missing a requirement serves nothing (system check b52_wagtail.E004).
    if active_app(_module) and find_spec(f"{_module}.urls") is not None:
        urlpatterns.append(path(f"{_sub_app}/", include(import_module(f"{_module}.urls"))))
