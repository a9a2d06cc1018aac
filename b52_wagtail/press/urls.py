"""Non-page views of the press app, mounted by ``b52_wagtail.urls`` at
``/b52/press/`` (the feeds are routes of the index pages)."""

from django.urls import path

from . import embed

app_name = "b52_press"

urlpatterns = [
    path("embed/", embed.press_embed, name="embed"),
]
