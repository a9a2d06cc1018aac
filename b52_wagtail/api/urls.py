"""Wagtail API v2 for the installed b52_wagtail apps, mounted by
``b52_wagtail.urls`` under ``api/``: ``/b52/api/v2/pages/`` etc."""

from django.urls import path

from .api import api_router

urlpatterns = [
    path("v2/", api_router.urls),
]
