from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from . import views
from .models import ApplicationStatus
from .permissions import all_application_pages, application_pages_for_user

admin_urlpatterns = [
    path("", views.applications_index, name="index"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/status/", views.submission_status, name="status"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "b52-applications/",
            include(
                (admin_urlpatterns, "b52_applications_admin"), namespace="b52_applications_admin"
            ),
        )
    ]


class ApplicationsMenuItem(MenuItem):
    def is_shown(self, request):
        return application_pages_for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_applications_menu_item():
    return ApplicationsMenuItem(
        _("Applications"),
        reverse("b52_applications_admin:index"),
        name="b52-applications",
        icon_name="form",
        order=710,
    )


@hooks.register("filter_form_submissions_for_user")
def hide_applications_from_page_editors(user, editable_forms):
    """Wagtail lets everyone who may edit a form page read its submissions;
    application forms are left out unless the user may read applications."""
    every = all_application_pages().values("pk")
    allowed = application_pages_for_user(user).values("pk")
    return editable_forms.exclude(Q(pk__in=every) & ~Q(pk__in=allowed))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        views.EXPORT_ACTION, _("Export applications"), _("Exported the applications")
    )

    @actions.register_action(views.STATUS_ACTION)
    class StatusFormatter(LogFormatter):
        label = _("Change the status of an application")

        def format_message(self, log_entry):
            labels = dict(ApplicationStatus.choices)
            try:
                return _(
                    "Status of application %(receipt)s changed from “%(old)s” to “%(new)s”"
                ) % {
                    "receipt": log_entry.data["receipt_number"] or log_entry.data["submission_id"],
                    "old": labels.get(log_entry.data["old"], log_entry.data["old"]),
                    "new": labels.get(log_entry.data["new"], log_entry.data["new"]),
                }
            except KeyError:
                return _("Changed the status of an application")

    @actions.register_action(views.PURGE_ACTION)
    class PurgeFormatter(LogFormatter):
        label = _("Delete applications after the retention period")

        def format_message(self, log_entry):
            try:
                return _("Deleted %(count)s applications after the retention period") % {
                    "count": log_entry.data["count"]
                }
            except KeyError:
                return _("Deleted applications after the retention period")
