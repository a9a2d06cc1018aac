"""A host URLconf with Wagtail's pages under language prefixes (/de/, /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("b52/", include("b52_wagtail.urls"))]
urlpatterns += i18n_patterns(path("", include(wagtail_urls)))
