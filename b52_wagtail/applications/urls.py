"""Non-page views of the applications app, mounted by ``b52_wagtail.urls``
at ``/b52/applications/``."""

from django.urls import path

from . import embed, missing_documents, views, withdraw
from .jury import invitations as jury_invitations

app_name = "b52_applications"

urlpatterns = [
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    path("embed/<int:page_id>/", embed.form_embed, name="embed"),
    path("withdraw/<str:token>/", withdraw.withdraw_application, name="withdraw"),
    path("documents/<str:token>/", missing_documents.upload_documents, name="documents"),
    path(
        "jury/invitation/<str:uidb64>/<str:token>/",
        jury_invitations.accept_invitation,
        name="jury_invitation",
    ),
]
