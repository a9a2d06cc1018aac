"""Views of the applications app: the admin inbox (list, detail, status,
export), the attachment download and the CSRF failure page."""

import datetime
import re
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from django_filters import ChoiceFilter, DateFromToRangeFilter
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.log_actions import log

from .. import localization
from ..pages import layout_context
from .forms import HONEYPOT_FIELD, RENDERED_FIELD, TOKEN_FIELD, ApplicationForm
from .models import ApplicationStatus, ApplicationSubmission, Attachment
from .permissions import application_pages_for_user, can_change_status, can_view_applications
from .storage import private_storage

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
EXPORT_ACTION = "b52_applications.export"
STATUS_ACTION = "b52_applications.status"
PURGE_ACTION = "b52_applications.purge"


def deny(request):
    """A plain 403. Wagtail's admin turns PermissionDenied into a redirect to
    the dashboard; for applications an explicit 403 is clearer."""
    return permission_denied(request, PermissionDenied())


def neutralise_csv(value):
    """Prefix text that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Admin ------------------------------------------------------------------


class ApplicationSubmissionsFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ApplicationStatus.choices,
        field_name="status",
        empty_label=gettext_lazy("All except spam"),
    )
    date = DateFromToRangeFilter(
        label=gettext_lazy("Submission date"),
        field_name="submit_time",
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = ApplicationSubmission
        fields = []


class ApplicationSubmissionsListView(SubmissionsListView):
    """Wagtail's submissions listing and export for application forms,
    guarded by the applications permission instead of the page edit
    permission, with status, filters, links to the detail view, exports
    that neutralise formulas and an audit log entry per export."""

    results_template_name = "b52_wagtail/applications/admin/list_results.html"
    filterset_class = ApplicationSubmissionsFilterSet
    orderable_fields = ("id", "submit_time", "receipt_number", "status")
    page_title = gettext_lazy("Applications")

    def dispatch(self, request, *args, **kwargs):
        self.form_page = kwargs.get("form_page")
        if self.form_page is None or not can_view_applications(request.user, self.form_page):
            return deny(request)
        if self.is_export:
            data_fields = self.form_page.get_data_fields()
            self.list_export = [field for field, label in data_fields]
            self.export_headings = dict(data_fields)
        # Skip SubmissionsListView.dispatch: its check is the page edit
        # permission, which must not grant access to applications.
        return super(SubmissionsListView, self).dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        queryset = ApplicationSubmission.objects.filter(page=self.form_page)
        if self.request.GET.get("status") != ApplicationStatus.SPAM:
            queryset = queryset.exclude(status=ApplicationStatus.SPAM)
        return queryset.select_related("district").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("sort_order", "pk"))
        )

    # Times in the package's time zone (Berlin), whatever TIME_ZONE says:
    # a real date cell in XLSX, German form in CSV.
    custom_value_preprocess = {
        **SubmissionsListView.custom_value_preprocess,
        datetime.datetime: {
            SubmissionsListView.FORMAT_XLSX: lambda value: localization.localtime(value).replace(
                tzinfo=None
            ),
            SubmissionsListView.FORMAT_CSV: lambda value: localization.localtime(value).strftime(
                "%d.%m.%Y %H:%M"
            ),
        },
    }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_csv(value)
        return value

    def get_heading(self, queryset, field):
        # Headings are the labels editors give their fields: a page editor
        # must not plant a formula in the office's export (CSV and XLSX).
        return neutralise_csv(super().get_heading(queryset, field))

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            export_format = self.request.GET.get("export")
            log(
                instance=self.form_page,
                action=EXPORT_ACTION,
                user=self.request.user,
                data={"format": export_format, "count": len(context["submissions"])},
            )
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            context["detail_url_name"] = "b52_applications_admin:detail"
            context["can_delete"] = False
        return context


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ApplicationStatus.choices)


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
    extra = submission.extra_answers(page)
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/detail.html",
        {
            "submission": submission,
            "form_page": page,
            "extra": extra,
            "attachments": submission.attachments.all(),
            "deliveries": submission.mail_deliveries.all(),
            "status_form": StatusForm(initial={"status": submission.status}),
            "can_change_status": can_change_status(request.user, page),
            "list_url": reverse("wagtailforms:list_submissions", args=[page.pk]),
            "page_title": gettext("Application %(receipt)s")
            % {"receipt": submission.receipt_number or submission.pk},
            "header_icon": "form",
        },
    )


@require_POST
def submission_status(request, pk):
    submission, page = _submission_for(request, pk)
    if submission is None or not can_change_status(request.user, page):
        return deny(request)
    form = StatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] != submission.status:
        old = submission.status
        submission.status = form.cleaned_data["status"]
        submission.is_spam = submission.status == ApplicationStatus.SPAM
        submission.save(update_fields=["status", "is_spam"])
        log(
            instance=page,
            action=STATUS_ACTION,
            user=request.user,
            data={
                "submission_id": submission.pk,
                "receipt_number": submission.receipt_number,
                "old": old,
                "new": submission.status,
            },
        )
        messages.success(
            request,
            gettext("The status of %(receipt)s is now “%(status)s”.")
            % {
                "receipt": submission.receipt_number or submission.pk,
                "status": submission.get_status_display(),
            },
        )
    return redirect("b52_applications_admin:detail", pk=submission.pk)


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


@login_required(login_url="wagtailadmin_login")
def download_attachment(request, pk):
    # "Not there" and "not yours" answer alike (403), so that a signed-in
    # user cannot find out which ids exist.
    attachment = Attachment.objects.select_related("submission__page").filter(pk=pk).first()
    if attachment is None or not can_view_applications(
        request.user, attachment.submission.page.specific
    ):
        return deny(request)
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
    context = {"entries": entries, "form_url": request.path, **layout_context()}
    with localization.override(context["b52_language"]):
        response = TemplateResponse(request, template_name, context, status=403)
        return localization.render_response(response)
