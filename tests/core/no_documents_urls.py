"""A host URLconf that forgot Wagtail's document URLs."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("b52/", include("b52_wagtail.urls")), path("", include(wagtail_urls))]
