"""Admin parts of the API app: the “Preview in front end” button and its
view (headless preview, b52_wagtail/api/preview.py)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import preview


@hooks.register("register_admin_urls")
def register_preview_url():
    return [
        path(
            "b52/headless-preview/<int:page_id>/",
            preview.start_preview,
            name="b52_headless_preview",
        )
    ]


@hooks.register("register_page_header_buttons")
def headless_preview_button(page, user, view_name, next_url=None):
    if not preview.enabled() or not page.pk or not preview.previewable(page):
        return
    permissions = page.permissions_for_user(user)
    if not (permissions.can_edit() or permissions.can_publish()):
        return
    yield Button(
        _("Preview in front end"),
        reverse("b52_headless_preview", args=[page.pk]),
        icon_name="view",
        attrs={"target": "_blank", "rel": "noopener"},
        priority=25,
    )
