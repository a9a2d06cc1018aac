"""A host URLconf that wires the package's error handlers, as
docs/install.md shows, plus views that fail on purpose."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import DatabaseError
from django.urls import include, path
from wagtail import urls as wagtail_urls


def broken(request):
    raise RuntimeError("a bug")


def database_gone(request):
    raise DatabaseError("server closed the connection unexpectedly")


def forbidden(request):
    raise PermissionDenied


def bad(request):
    raise BadRequest


urlpatterns = [
    path("broken/", broken),
    path("database-gone/", database_gone),
    path("forbidden/", forbidden),
    path("bad/", bad),
    path("b52/", include("b52_wagtail.urls")),
    path("", include(wagtail_urls)),
]

handler400 = "b52_wagtail.views.bad_request"
handler403 = "b52_wagtail.views.permission_denied"
handler404 = "b52_wagtail.views.page_not_found"
handler500 = "b52_wagtail.views.server_error"
