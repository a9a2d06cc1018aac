"""URLs of the hosts with every app: what ``wagtail start`` gives a site
(admin, documents, pages), the package's one line, and media files (demo
images), served by Django because these hosts have no web server."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("b52/", include("b52_wagtail.urls")),
    path("", include(wagtail_urls)),
]
