"""Views of the applications app: the admin inbox (list, detail, status,
export), the attachment download (with a confirmation for flagged files)
and the CSRF failure page."""

import datetime
import re
from functools import cached_property
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods
from django_filters import ChoiceFilter, DateFromToRangeFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.contrib.forms.views import SubmissionsListView

from .. import localization
from ..pages import layout_context
from .admin_denied import permission_denied_response
from .data_rights import can_use_data_rights
from .export import EXPORT_ACTION, SubmissionExport  # noqa: F401 (EXPORT_ACTION for admin_hooks)
from .forms import HONEYPOT_FIELD, RENDERED_FIELD, TOKEN_FIELD, ApplicationForm
from .history import DOWNLOAD_ACTION, log_application
from .models import ApplicationStatus, ApplicationSubmission, Attachment
from .models.page import NO_RECIPIENT
from .permissions import application_pages_for_user, can_change_status, can_view_applications
from .storage import private_storage
from .uploads import warning_labels
from .workflow_views import StatusForm, submission_status, workflow_context  # noqa: F401

STATUS_ACTION = "b52_applications.status"
PURGE_ACTION = "b52_applications.purge"
DELETE_ACTION = "b52_applications.delete"


def deny(request, reason=None):
    """A 403 inside the admin, in the admin user's language. Wagtail's admin
    turns PermissionDenied into a redirect to the dashboard; for
    applications an explicit 403 is clearer."""
    return permission_denied_response(request, reason)


# Admin ------------------------------------------------------------------

DATE_FIELD_TYPES = {"date": parse_date, "datetime": parse_datetime}


def display_value(value, field_type=None):
    """An answer as the admin shows it: dates and times in the package's
    time zone in the short German form (“02.12.2026 03:23”), yes/no as
    “Ja”/“Nein”, lists joined. ``field_type`` (of a field editors added)
    turns the ISO text a date field is stored as into a date."""
    if field_type in DATE_FIELD_TYPES and isinstance(value, str) and value:
        try:
            parsed = DATE_FIELD_TYPES[field_type](value)
        except ValueError:
            parsed = None
        value = parsed or value
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None and field_type is None:
            value = value.replace(tzinfo=datetime.UTC)
        if value.tzinfo is not None:
            value = localization.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(display_value(item) for item in value)
    return value


def form_field_types(form_page):
    return {field.clean_name: field.field_type for field in form_page.get_form_fields()}


class ApplicationSubmissionsFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ApplicationStatus.choices,
        field_name="status",
        empty_label=gettext_lazy("All except spam"),
    )
    date = DateFromToRangeFilter(
        label=pgettext_lazy("b52", "Submission date"),
        field_name="submit_time",
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = ApplicationSubmission
        fields = []


class ApplicationSubmissionsListView(SubmissionsListView):
    """Wagtail's submissions listing and export for application forms,
    guarded by the applications permission instead of the page edit
    permission, with status, filters, links to the detail view and its own
    export (:mod:`.export`: streamed, formulas neutralised, Berlin times, an
    audit log entry per export)."""

    results_template_name = "b52_wagtail/applications/admin/list_results.html"
    filterset_class = ApplicationSubmissionsFilterSet
    orderable_fields = ("id", "submit_time", "receipt_number", "status")
    page_title = gettext_lazy("Applications")
    export_class = SubmissionExport

    @cached_property
    def header_buttons(self):
        """Wagtail's buttons, plus carrying the awarded applications into
        the call's winner showcase (:mod:`.winners`) for staff who may
        change applications and edit (or add) the showcase."""
        from .winners import may_carry_winners

        buttons = list(super().header_buttons)
        if getattr(self.form_page, "call_id", None) and may_carry_winners(
            self.request.user, self.form_page
        ):
            url = reverse("b52_applications_admin:winners", args=[self.form_page.pk])
            buttons.append(HeaderButton(gettext("Winners to the showcase…"), url, icon_name="pick"))
        return buttons

    def dispatch(self, request, *args, **kwargs):
        self.form_page = kwargs.get("form_page")
        if self.form_page is None or not can_view_applications(request.user, self.form_page):
            return deny(request)
        # The editors' fields, read once for the headings and the cells.
        if hasattr(type(self.form_page), "form_fields"):
            prefetch_related_objects([self.form_page], "form_fields")
        # Skip SubmissionsListView.dispatch: its check is the page edit
        # permission, which must not grant access to applications.
        return super(SubmissionsListView, self).dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            if self.filters is not None and not self.filters.is_valid():
                # Not everything instead of what was asked for: back to the
                # list, which shows what is wrong with the filter.
                params = request.GET.copy()
                del params["export"]
                return redirect(f"{self.get_index_url()}?{params.urlencode()}")
            # The filtered, ordered queryset, without the listing's context
            # (which would count and load every row before the first byte).
            export = self.export_class(
                self.form_page,
                self.get_queryset(),
                user=request.user,
                filename=self.get_filename(),
            )
            return export.response(request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        queryset = ApplicationSubmission.objects.filter(page=self.form_page)
        if self.request.GET.get("status") != ApplicationStatus.SPAM:
            queryset = queryset.exclude(status=ApplicationStatus.SPAM)
        return queryset.select_related("district").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("sort_order", "pk"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            context["detail_url_name"] = "b52_applications_admin:detail"
            context["can_delete"] = False
            types = form_field_types(self.form_page)
            names = [heading["name"] for heading in context["data_headings"]]
            for row in context["data_rows"]:
                row["fields"] = [
                    display_value(value, types.get(name))
                    for name, value in zip(names, row["fields"], strict=True)
                ]
            context["is_filtered"] = self.is_filtering_applications()
            context["unfiltered_url"] = self.get_index_url()
            # Rows whose attachments were let through with a warning
            # (attachments are prefetched with the page of submissions).
            context["flagged_ids"] = {
                submission.pk
                for submission in context["submissions"]
                if any(attachment.warnings for attachment in submission.attachments.all())
            }
        return context

    def is_filtering_applications(self):
        """Whether the list is narrowed by a filter (the status or the
        dates), so that an empty list says the filter matched nothing."""
        return bool(self.is_filtering) or any(
            self.request.GET.get(name) for name in ("status", "date_after", "date_before")
        )


def _submission_for(request, pk):
    """The submission and its form page, or (None, None) without permission."""
    submission = get_object_or_404(
        ApplicationSubmission.objects.select_related("district", "page"), pk=pk
    )
    page = submission.page.specific
    if not can_view_applications(request.user, page):
        return None, None
    return submission, page


def submission_detail(request, pk):
    submission, page = _submission_for(request, pk)
    if submission is None:
        return deny(request)
    extra = [
        (field.label, display_value(submission.form_data[field.clean_name], field.field_type))
        for field in page.get_form_fields()
        if field.clean_name in submission.form_data
    ]
    extra = [(label, "–" if value in (None, "") else value) for label, value in extra]
    attachments = list(submission.attachments.all())
    for attachment in attachments:
        attachment.warning_labels = warning_labels(attachment.warnings)
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/detail.html",
        {
            "submission": submission,
            "form_page": page,
            "extra": extra,
            "attachments": attachments,
            "deliveries": submission.mail_deliveries.all(),
            # New applications and the applicant's uploads notify nobody.
            "no_recipient": NO_RECIPIENT if not page.notification_recipients() else None,
            **workflow_context(request, submission, page),
            "can_change_status": can_change_status(request.user, page),
            "can_use_data_rights": can_use_data_rights(request.user),
            "list_url": reverse("wagtailforms:list_submissions", args=[page.pk]),
            "page_title": gettext("Application %(receipt)s")
            % {"receipt": submission.receipt_number or submission.pk},
            "header_icon": "form",
        },
    )


def applications_index(request):
    pages = (
        application_pages_for_user(request.user)
        .specific()
        .order_by("-latest_revision_created_at", "title")
    )
    counts = dict(
        ApplicationSubmission.objects.filter(page__in=pages)
        .exclude(status=ApplicationStatus.SPAM)
        .values("page")
        .annotate(n=Count("pk"))
        .values_list("page", "n")
    )
    rows = [(page, counts.get(page.pk, 0)) for page in pages]
    if not rows and not request.user.is_superuser:
        return deny(request)
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/index.html",
        {"rows": rows, "page_title": gettext("Applications"), "header_icon": "form"},
    )


# Public -----------------------------------------------------------------


def content_disposition(name):
    """``attachment`` with an ASCII fallback and the RFC 6266 ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _attachment_for(request, pk):
    """The attachment, or None when it is not there or not the user's to
    see: both answer alike (403), so that a signed-in user cannot find out
    which ids exist."""
    attachment = Attachment.objects.select_related("submission__page").filter(pk=pk).first()
    if attachment is None or not can_view_applications(
        request.user, attachment.submission.page.specific
    ):
        return None
    return attachment


def attachment_confirm(request, pk):
    """The admin page shown before a flagged attachment is downloaded: what
    it contains, how to open it safely and a button that posts to the
    download view."""
    attachment = _attachment_for(request, pk)
    if attachment is None:
        return deny(request)
    if not attachment.warnings:
        return redirect("b52_applications:attachment", pk=attachment.pk)
    submission = attachment.submission
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/attachment_confirm.html",
        {
            "attachment": attachment,
            "submission": submission,
            "warning_labels": warning_labels(attachment.warnings),
            "detail_url": reverse("b52_applications_admin:detail", args=[submission.pk]),
            "page_title": gettext("Download “%(name)s”?") % {"name": attachment.original_name},
            "header_icon": "warning",
        },
    )


@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "HEAD", "POST"])
def download_attachment(request, pk):
    attachment = _attachment_for(request, pk)
    if attachment is None:
        return deny(request)
    # A file let through with a warning is only sent after the user has
    # confirmed on the admin page (a POST with its CSRF token), never by
    # following a link alone.
    if attachment.warnings and request.method != "POST":
        return redirect("b52_applications_admin:attachment", pk=attachment.pk)
    response = attachment_response(attachment)
    if request.method != "HEAD":
        log_application(
            attachment.submission, DOWNLOAD_ACTION, user=request.user, attachment_id=attachment.pk
        )
    return response


def attachment_response(attachment):
    """The file of ``attachment`` from the private storage, as a download
    that a browser neither sniffs, nor caches, nor runs (Http404 when the
    name is not one the package wrote or the file is gone)."""
    name = attachment.file.name or ""
    if not name.startswith("b52-applications/") or ".." in name or "\\" in name:
        raise Http404
    try:
        handle = private_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


CSRF_HIDDEN = {"csrfmiddlewaretoken", TOKEN_FIELD, RENDERED_FIELD, HONEYPOT_FIELD}
SECRET_NAMES = re.compile(r"pass|token|secret|csrf|key", re.IGNORECASE)
CSRF_MAX_FIELDS = 50
CSRF_MAX_LENGTH = 20000


def form_page(request):
    """The Wagtail page at the failed request's path (for its language), or None."""
    try:
        from django.urls import resolve
        from wagtail.models import Page

        # The path Wagtail routes (without an i18n_patterns language prefix).
        match = resolve(request.path_info)
        path = match.kwargs.get("path", match.args[0] if match.args else request.path_info)
        page = Page.find_for_request(request, path)
    except Exception:  # noqa: BLE001  (the explanation must not fail)
        return None
    return page.specific if page is not None else None


def csrf_failure(request, reason="", template_name="b52_wagtail/applications/csrf_failure.html"):
    """``CSRF_FAILURE_VIEW``: explains an expired form in plain German and
    shows the texts that were sent, so nothing typed is lost."""
    labels = {name: field.label for name, field in ApplicationForm.base_fields.items()}
    entries = []
    # Typed texts are shown again only for application forms, and never
    # anything that looks like a secret.
    if request.method == "POST" and TOKEN_FIELD in request.POST:
        try:
            items = list(request.POST.lists())
        except Exception:  # noqa: BLE001  (an unreadable body shows no entries)
            items = []
        for key, values in items[:CSRF_MAX_FIELDS]:
            if key in CSRF_HIDDEN or SECRET_NAMES.search(key):
                continue
            text = "\n".join(value for value in values if isinstance(value, str)).strip()
            if text:
                entries.append((labels.get(key, key), text[:CSRF_MAX_LENGTH]))
    context = {"entries": entries, "form_url": request.path, **layout_context(form_page(request))}
    with localization.override(context["b52_language"]):
        response = TemplateResponse(request, template_name, context, status=403)
        return localization.render_response(response)
