"""A refused request to one of the package's admin views answers with a
403 page inside the Wagtail admin, in the admin user's language, instead of
Django's bare English “403 Forbidden”.

:func:`permission_denied_response` renders that page (the views' ``deny()``
call it); :func:`refuse_in_admin_urls` wraps the views where the
package registers its admin URLs, so that a ``PermissionDenied`` raised in them
gets the same page (and status 403, not Wagtail's redirect to the
dashboard)."""

import functools

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

TEMPLATE = "b52_wagtail/applications/admin/permission_denied.html"
ADMIN_ACCESS = "wagtailadmin.access_admin"


def _admin_language(user):
    """The language the user chose for the admin, else None (keep the
    active one)."""
    if not hasattr(user, "wagtail_userprofile"):
        return None
    return user.wagtail_userprofile.get_preferred_language() or None


def permission_denied_response(request, reason=None):
    """The admin's 403 page: “no permission”, an optional ``reason`` (what
    is missing), a link back to the dashboard. Outside the admin's URLs (the
    attachment download) and for users without admin access, the package's
    public 403 page (German, the same for every refusal) instead."""
    user = request.user
    in_admin = request.path.startswith(reverse("wagtailadmin_home"))
    if not (in_admin and user.is_authenticated and user.has_perm(ADMIN_ACCESS)):
        from ..views import permission_denied

        return permission_denied(request, PermissionDenied())
    language = _admin_language(user) or translation.get_language()
    with translation.override(language):
        response = TemplateResponse(
            request,
            TEMPLATE,
            {
                "page_title": gettext("No permission"),
                "header_icon": "warning",
                "reason": reason,
            },
            status=403,
        )
        response.render()  # in the admin user's language
    response["Content-Language"] = language
    return response


def refuse_in_admin(view):
    """Answer ``PermissionDenied`` raised by ``view`` with
    :func:`permission_denied_response` (status 403)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return permission_denied_response(request)

    wrapped.b52_refuses_in_admin = True
    return wrapped


def refuse_in_admin_urls(urlpatterns):
    """Wrap every view of ``urlpatterns`` (in place, once) with
    :func:`refuse_in_admin`; returns ``urlpatterns``."""
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            refuse_in_admin_urls(pattern.url_patterns)
        callback = getattr(pattern, "callback", None)
        if callback is not None and not getattr(callback, "b52_refuses_in_admin", False):
            pattern.callback = refuse_in_admin(callback)
    return urlpatterns
