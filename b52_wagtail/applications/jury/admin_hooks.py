"""Admin hooks of the jury: its views, the "Jury review" menu item for
jurors and staff, and the juries (jurors, criteria, review deadline per
call) as a model viewset that only staff reach."""

from django.contrib.auth import get_user_model
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import BasePermissionPolicy

from ...awards.models import AwardCallPage
from ...awards.panels import TranslatedPageChooser
from ..admin_denied import refuse_in_admin_urls
from ..models import Jury
from . import access, export, views

try:  # Wagtail 8
    from wagtail.permissions import register_permission_policy
except ImportError:  # Wagtail 7.4
    register_permission_policy = None

admin_urlpatterns = [
    path("", views.jury_index, name="index"),
    path("applications/<int:pk>/", views.jury_application, name="application"),
    path("applications/<int:pk>/conflict/", views.jury_conflict, name="conflict"),
    path("attachments/<int:pk>/", views.jury_attachment, name="attachment"),
    path("<int:jury_pk>/zip/", views.jury_zip, name="zip"),
    path("<int:jury_pk>/ranking/", views.jury_ranking, name="ranking"),
    path("<int:jury_pk>/invite/", views.jury_invite, name="invite"),
]


@hooks.register("register_admin_urls")
def register_jury_urls():
    # A refusal is a 403 page inside the admin, in the user's language.
    patterns = refuse_in_admin_urls(admin_urlpatterns)
    return [path("b52-jury/", include((patterns, "b52_jury"), namespace="b52_jury"))]


class JuryMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_jury_staff(request.user) or access.juries_of(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_jury_menu_item():
    return JuryMenuItem(
        _("Jury review"),
        reverse("b52_jury:index"),
        name="b52-jury",
        icon_name="group",
        order=720,
    )


class JuryStaffPolicy(BasePermissionPolicy):
    """Juries are managed by those who see every application."""

    def user_has_permission(self, user, action):
        return access.is_jury_staff(user)

    def user_has_any_permission(self, user, actions):
        return access.is_jury_staff(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()

    def users_with_permission(self, action):
        return get_user_model().objects.none()


jury_policy = JuryStaffPolicy(Jury)
if register_permission_policy is not None:
    register_permission_policy(Jury, jury_policy, exact_class=True)


class JuryViewSet(ModelViewSet):
    model = Jury
    icon = "group"
    menu_label = _("Juries")
    add_to_admin_menu = False
    url_prefix = "b52-juries"
    name = "b52_juries"
    list_display = ["call", "review_deadline"]
    search_fields = None
    form_fields = None
    # The call's chooser in the admin's language (Wagtail's would keep the
    # language of the first request that built the form).
    panels = [
        FieldPanel("call", widget=TranslatedPageChooser(target_models=[AwardCallPage])),
        *Jury.panels[1:],
    ]
    copy_view_enabled = False
    inspect_view_enabled = False
    if register_permission_policy is None:
        permission_policy = jury_policy


@hooks.register("register_admin_viewset")
def register_jury_viewset():
    return JuryViewSet()


@hooks.register("register_log_actions")
def register_jury_log_actions(actions):
    actions.register_action(
        export.RANKING_EXPORT_ACTION, _("Export a jury ranking"), _("Exported the jury ranking")
    )
    actions.register_action(
        views.ZIP_ACTION, _("Download the jury's applications"), _("Downloaded the applications")
    )

    class SubmissionFormatter(LogFormatter):
        message = None

        def format_message(self, log_entry):
            try:
                return self.message % {
                    "receipt": log_entry.data["receipt_number"] or log_entry.data["submission_id"]
                }
            except KeyError:
                return self.label

    @actions.register_action(views.REVIEW_ACTION)
    class ReviewFormatter(SubmissionFormatter):
        label = _("Review an application")
        message = _("Reviewed application %(receipt)s")

    @actions.register_action(views.CONFLICT_ACTION)
    class ConflictFormatter(SubmissionFormatter):
        label = _("Declare a conflict of interest")
        message = _("Declared a conflict of interest with application %(receipt)s")
