from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from .models import AbstractAwardCallPage


def can_create_next_edition(call, user):
    """Whether ``user`` may add the next edition beside ``call``."""
    parent = call.get_parent()
    return parent is not None and parent.permissions_for_user(user).can_add_subpage()


@require_http_methods(["GET", "POST"])
def new_edition(request, page_id):
    """Confirm (GET) and create (POST) next year's call from ``page_id``."""
    call = get_object_or_404(Page, id=page_id).specific
    if not isinstance(call, AbstractAwardCallPage):
        raise Http404
    if not can_create_next_edition(call, request.user):
        raise PermissionDenied
    existing = call.get_next_edition_sibling()
    if request.method == "POST":
        if existing is not None:
            messages.error(
                request,
                _("There already is a call for %(year)s: “%(title)s”.")
                % {"year": existing.edition, "title": existing.get_admin_display_title()},
            )
            return redirect("wagtailadmin_pages:edit", existing.pk)
        new_call = call.create_next_edition(user=request.user)
        messages.success(
            request,
            _(
                "The call for %(year)s was created as a draft. "
                "Please enter the application period before publishing."
            )
            % {"year": new_call.edition},
        )
        return redirect("wagtailadmin_pages:edit", new_call.pk)
    return TemplateResponse(
        request,
        "b52_wagtail/awards/admin/new_edition.html",
        {
            "call": call,
            "next_year": call.edition + 1,
            "existing": existing,
            "page_title": _("New edition of “%(title)s”")
            % {"title": call.get_admin_display_title()},
            "header_icon": "copy",
            "cancel_url": reverse("wagtailadmin_pages:edit", args=[call.pk]),
        },
    )
