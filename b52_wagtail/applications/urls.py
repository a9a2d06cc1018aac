"""Non-page views of the applications app, mounted by ``b52_wagtail.urls``
at ``/b52/applications/``."""

from django.urls import path

from . import embed, views

app_name = "b52_applications"

urlpatterns = [
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    path("embed/<int:page_id>/", embed.form_embed, name="embed"),
]
