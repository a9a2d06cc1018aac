from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from . import views
from .models import AbstractAwardCallPage


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "b52-awards/new-edition/<int:page_id>/",
            views.new_edition,
            name="b52_awards_new_edition",
        ),
    ]


def new_edition_button(page, user, priority):
    if not issubclass(page.specific_class or type(page), AbstractAwardCallPage):
        return None
    if not views.can_create_next_edition(page, user):
        return None
    return Button(
        _("New edition"),
        reverse("b52_awards_new_edition", args=[page.pk]),
        icon_name="copy",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def page_listing_more_buttons(page, user, next_url=None):
    button = new_edition_button(page, user, priority=25)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def page_header_buttons(page, user, view_name, next_url=None):
    button = new_edition_button(page, user, priority=35)
    if button:
        yield button
