from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter, get_active_log_context, log
from wagtail.models import Page

from . import (  # noqa: F401 (dashboard: hooks)
    dashboard,
    data_rights_views,
    views,
    winners,
    workflow_views,
)
from .admin_denied import refuse_in_admin_urls
from .jury import admin_hooks as jury_admin_hooks  # noqa: F401 (registers the jury's hooks)
from .models import AbstractApplicationFormPage, ApplicationStatus, ApplicationSubmission
from .models.page import NO_RECIPIENT
from .permissions import (
    DELETE,
    all_application_pages,
    application_pages_for_user,
    can_delete_applications,
)
from .twofactor import admin_hooks as twofactor_admin_hooks  # noqa: F401 (second factor)

admin_urlpatterns = [
    path("", views.applications_index, name="index"),
    path("<int:pk>/", views.submission_detail, name="detail"),
    path("<int:pk>/status/", views.submission_status, name="status"),
    path("attachments/<int:pk>/", views.attachment_confirm, name="attachment"),
    # Notes, the applicant's reply, the mails staff write (the workflow's log actions too).
    *workflow_views.urlpatterns,
    path("<int:pk>/data-rights/", data_rights_views.person, name="data_rights"),
    path("<int:pk>/data-rights/export/", data_rights_views.export, name="data_rights_export"),
    path("<int:pk>/data-rights/erase/", data_rights_views.erase, name="data_rights_erase"),
    path("winners/<int:page_id>/", winners.choose_winners, name="winners"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    # A refusal is a 403 page inside the admin, in the user's language.
    patterns = refuse_in_admin_urls(admin_urlpatterns)
    return [
        path(
            "b52-applications/",
            include((patterns, "b52_applications_admin"), namespace="b52_applications_admin"),
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
    """Wagtail lets everyone who may edit a form page read and delete its
    submissions (its delete view asks only this hook); application forms are
    left out unless the user may read and delete applications."""
    every = all_application_pages().values("pk")
    if not (user.is_superuser or user.has_perm(DELETE)):
        return editable_forms.exclude(pk__in=every)
    allowed = application_pages_for_user(user).values("pk")
    return editable_forms.exclude(Q(pk__in=every) & ~Q(pk__in=allowed))


def forms_with_applications_blocking_deletion(user, pages):
    """The application form pages among ``pages`` and their descendants that
    hold submissions ``user`` may not delete."""
    from .models import ApplicationSubmission

    with_submissions = ApplicationSubmission.objects.values("page_id")
    blocked = []
    for page in pages:
        form_pages = (
            all_application_pages()
            .descendant_of(page, inclusive=True)
            .filter(pk__in=with_submissions)
            .specific()
        )
        blocked += [form for form in form_pages if not can_delete_applications(user, form)]
    return blocked


def refuse_deletion(request, blocked):
    messages.error(
        request,
        _(
            "“%(title)s” holds applications. Only users who may delete applications "
            "can delete it or a page above it."
        )
        % {"title": blocked[0].get_admin_display_title()},
    )
    return redirect("wagtailadmin_explore", blocked[0].get_parent().pk)


@hooks.register("before_delete_page")
def protect_applications_from_page_deletion(request, page):
    """Deleting a form page (or a page above it) deletes its applications and
    their files: page editors may not do that without the delete permission."""
    blocked = forms_with_applications_blocking_deletion(request.user, [page])
    if blocked:
        return refuse_deletion(request, blocked)
    return None


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_of_a_form_without_recipient(request, page):
    """Saving a form with neither its own “An-Adresse” nor an e-mail address
    in the B 52 settings: a warning beside Wagtail's confirmation, since new
    applications would then notify nobody."""
    # Wagtail's create and edit views pass the specific page.
    if isinstance(page, AbstractApplicationFormPage) and not page.notification_recipients():
        messages.warning(request, NO_RECIPIENT)


@hooks.register("before_bulk_action")
def protect_applications_from_bulk_deletion(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    pages = [obj for obj in objects if isinstance(obj, Page)]
    blocked = forms_with_applications_blocking_deletion(request.user, pages)
    if blocked:
        return refuse_deletion(request, blocked)
    return None


@receiver(pre_delete, sender=ApplicationSubmission, dispatch_uid="b52_log_application_deletion")
def log_deleted_application(sender, instance, **kwargs):
    """An application deleted by someone in the admin (Wagtail's own delete
    view of form submissions, or a form page's deletion) leaves a log entry
    on its form page with the user and time. Deletions without a user (the
    retention purge) log their count themselves."""
    user = get_active_log_context().user
    if user is None or instance.page_id is None:
        return
    log(
        instance=instance.page.specific,
        action=views.DELETE_ACTION,
        user=user,
        data={"submission_id": instance.pk, "receipt_number": instance.receipt_number},
    )


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

    @actions.register_action(views.DELETE_ACTION)
    class DeleteFormatter(LogFormatter):
        label = _("Delete an application")

        def format_message(self, log_entry):
            try:
                return _("Deleted application %(receipt)s") % {
                    "receipt": log_entry.data["receipt_number"] or log_entry.data["submission_id"]
                }
            except KeyError:
                return _("Deleted an application")

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
