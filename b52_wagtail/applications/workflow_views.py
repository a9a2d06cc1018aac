"""Admin views of the review workflow on an application's detail page: the
status change (allowed transitions only), notes, the mails staff write
(request for missing documents, decision) with a preview, and attaching
the applicant's reply. What the detail page shows of it comes from
:func:`workflow_context`."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .. import localization
from . import history as history_module
from .admin_denied import permission_denied_response
from .applicant_mail import compose, documents_url, format_deadline, queue_mail
from .history import NOTE_ACTION, log_application
from .missing_documents import (
    DEFAULT_VALIDITY,
    MAX_VALIDITY,
    DocumentsForm,
    accept_documents,
    create_request,
)
from .models import (
    ApplicationMailTemplate,
    ApplicationNote,
    ApplicationStatus,
    ApplicationSubmission,
    MailDelivery,
)
from .permissions import VIEW_ALL, can_change_status, can_view_applications
from .workflow import (
    FINAL,
    MAIL_AFTER,
    TransitionRefused,
    allowed_targets,
    change_status,
    is_allowed,
)

# The mails staff write, the status each belongs to and its kind of delivery.
MAILS = {
    "request_documents": (ApplicationStatus.INCOMPLETE, MailDelivery.Kind.REQUEST_DOCUMENTS),
    "awarded": (ApplicationStatus.AWARDED, MailDelivery.Kind.DECISION),
    "not_selected": (ApplicationStatus.NOT_SELECTED, MailDelivery.Kind.DECISION),
}
MAIL_TITLES = {
    "request_documents": gettext_lazy("Request missing documents"),
    "awarded": gettext_lazy("Decision mail: awarded"),
    "not_selected": gettext_lazy("Decision mail: not selected"),
}
MAX_NOTE_LENGTH = 5000
# A line that is only an ellipsis, perhaps after a list mark: “- …”, “…”, “* ...”.
PLACEHOLDER_LINE = re.compile(r"^[ \t]*((?:[-–•*][ \t]*)?(?:…|\.\.\.))[ \t\r]*$", re.MULTILINE)


def editable_submission(request, pk):
    """The submission and its page when ``request.user`` may change it, else
    (None, None)."""
    submission = get_object_or_404(
        ApplicationSubmission.objects.select_related("district", "page"), pk=pk
    )
    page = submission.page.specific
    if not can_change_status(request.user, page):
        return None, None
    return submission, page


def deny(request):
    return permission_denied_response(request)


def back_to_detail(submission):
    return redirect("b52_applications_admin:detail", pk=submission.pk)


def receipt_of(submission):
    return submission.receipt_number or submission.pk


# Status -------------------------------------------------------------------


class StatusForm(forms.Form):
    """The statuses the application may go to from ``current``; a status
    outside the workflow is refused with the workflow's message."""

    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=ApplicationStatus.choices)

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        labels = dict(ApplicationStatus.choices)
        self.fields["status"].widget.choices = [
            (value, labels[value]) for value in allowed_targets(current)
        ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not is_allowed(self.current, status):
            raise ValidationError(TransitionRefused(self.current, status).message)
        return status


@require_POST
def submission_status(request, pk):
    submission, page = editable_submission(request, pk)
    if submission is None:
        return deny(request)
    form = StatusForm(request.POST, current=submission.status)
    if not form.is_valid():
        for error in form.errors.get("status", []):
            messages.error(request, error)
        return back_to_detail(submission)
    try:
        change_status(submission, form.cleaned_data["status"], user=request.user)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        return back_to_detail(submission)
    messages.success(
        request,
        gettext("The status of %(receipt)s is now “%(status)s”.")
        % {"receipt": receipt_of(submission), "status": submission.get_status_display()},
    )
    if submission.status in MAIL_AFTER:
        return redirect(
            "b52_applications_admin:compose_mail",
            pk=submission.pk,
            kind=MAIL_AFTER[submission.status],
        )
    return back_to_detail(submission)


# Notes --------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Visible to the Geschäftsstelle, not to the jury."),
    )


@require_POST
def add_note(request, pk):
    submission, page = editable_submission(request, pk)
    if submission is None:
        return deny(request)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("text", []):
            messages.error(request, error)
        return back_to_detail(submission)
    with transaction.atomic():
        ApplicationNote.objects.create(
            submission=submission, user=request.user, text=form.cleaned_data["text"]
        )
        log_application(submission, NOTE_ACTION, user=request.user)
    messages.success(request, gettext("The note has been added."))
    return back_to_detail(submission)


# The applicant's reply ------------------------------------------------------


@require_POST
def attach_reply(request, pk):
    """Attach files the applicant sent otherwise (by mail): the form's checks,
    logged; an incomplete application goes back into review."""
    submission, page = editable_submission(request, pk)
    if submission is None:
        return deny(request)
    form = DocumentsForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("attachments", []):
            messages.error(request, error)
        return back_to_detail(submission)
    with transaction.atomic():
        count = accept_documents(submission, form.cleaned_data["attachments"], user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s file attached to %(receipt)s.",
            "%(count)s files attached to %(receipt)s.",
            count,
        )
        % {"count": count, "receipt": receipt_of(submission)},
    )
    return back_to_detail(submission)


# Mails staff write ----------------------------------------------------------


def berlin_today():
    return localization.localdate()


class MailForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 18}))
    valid_until = forms.DateField(
        label=gettext_lazy("Upload link valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The link in {upload_link} works once, until the end of this day."),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != "request_documents":
            del self.fields["valid_until"]

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())

    def clean_body(self):
        """Refuse a text that still holds a placeholder line such as the
        default request's “- …” (where staff list the missing documents)."""
        body = self.cleaned_data["body"]
        match = PLACEHOLDER_LINE.search(body)
        if match:
            if self.kind == "request_documents":
                message = gettext_lazy(
                    "The text still contains the placeholder line “%(line)s”: replace it "
                    "with the missing documents (one per line) or delete it."
                )
            else:
                message = gettext_lazy(
                    "The text still contains the placeholder line “%(line)s”: replace it "
                    "or delete it."
                )
            raise ValidationError(message, code="placeholder", params={"line": match.group(1)})
        return body

    def clean_valid_until(self):
        value = self.cleaned_data.get("valid_until")
        if self.kind != "request_documents":
            return None
        today = berlin_today()
        if value is None:
            return today + DEFAULT_VALIDITY
        if value < today or value > today + MAX_VALIDITY:
            raise ValidationError(
                gettext_lazy("Choose a day from today to %(last)s.")
                % {"last": (today + MAX_VALIDITY).strftime("%d.%m.%Y")}
            )
        return value

    def expires_at(self):
        """The end of the chosen day in the package's time zone."""
        day = self.cleaned_data["valid_until"] + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(), tzinfo=localization.zone())


@require_http_methods(["GET", "POST"])
def compose_mail(request, pk, kind):
    """Write the mail of ``kind`` from its template, preview it, queue it."""
    submission, page = editable_submission(request, pk)
    if submission is None:
        return deny(request)
    if kind not in MAILS:
        return back_to_detail(submission)
    status, delivery_kind = MAILS[kind]
    if submission.status != status:
        messages.error(
            request,
            gettext("This mail belongs to the status “%(status)s”.")
            % {"status": ApplicationStatus(status).label},
        )
        return back_to_detail(submission)
    kept = {"upload_link": "{upload_link}", "upload_deadline": "{upload_deadline}"}
    preview = None
    if request.method == "POST":
        form = MailForm(request.POST, kind=kind)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            if request.POST.get("action") == "send":
                send(request, submission, page, kind, delivery_kind, form, subject, body)
                return back_to_detail(submission)
            preview = fill_links(
                submission,
                page,
                form,
                subject,
                body,
                link=gettext("[the one-time upload link, created when the mail is sent]"),
            )
    else:
        subject, body = compose(submission, kind, **kept)
        form = MailForm(
            kind=kind,
            initial={
                "subject": subject,
                "body": body,
                "valid_until": berlin_today() + DEFAULT_VALIDITY,
            },
        )
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/compose_mail.html",
        {
            "submission": submission,
            "form": form,
            "preview": preview,
            "kind": kind,
            "recipient": submission.email,
            "detail_url": reverse("b52_applications_admin:detail", args=[submission.pk]),
            "page_title": MAIL_TITLES[kind],
            "header_icon": "mail",
        },
    )


def fill_links(submission, page, form, subject, body, *, link):
    from .models.workflow import fill_placeholders

    values = {"upload_link": link}
    if form.kind == "request_documents":
        values["upload_deadline"] = format_deadline(form.cleaned_data["valid_until"], page)
    return fill_placeholders(subject, values), fill_placeholders(body, values)


def send(request, submission, page, kind, delivery_kind, form, subject, body):
    with transaction.atomic():
        link = ""
        if kind == "request_documents" and "{upload_link}" in body:
            document_request = create_request(submission, form.expires_at(), user=request.user)
            link = documents_url(document_request, page)
        subject, body = fill_links(submission, page, form, subject, body, link=link)
        queue_mail(submission, delivery_kind, subject, body, user=request.user)
    messages.success(
        request,
        gettext("The mail to the applicant of %(receipt)s is queued.")
        % {"receipt": receipt_of(submission)},
    )


# Detail page ----------------------------------------------------------------


def can_see_history(user, page):
    """The Geschäftsstelle (who reads every application) sees the history and
    the notes; a jury member who reads the applications forwarded to them does not."""
    return can_view_applications(user, page) and (user.is_superuser or user.has_perm(VIEW_ALL))


def workflow_context(request, submission, page):
    """What the detail page shows of the workflow: the status form (allowed
    statuses only), the mail to write, notes, the reply upload, the history."""
    editable = can_change_status(request.user, page)
    targets = allowed_targets(submission.status)
    return {
        "status_form": StatusForm(current=submission.status) if editable and targets else None,
        "is_final": submission.status in FINAL,
        "mail_kind": MAIL_AFTER.get(submission.status) if editable else None,
        "note_form": NoteForm() if editable else None,
        "reply_form": DocumentsForm(auto_id="id_reply_%s") if editable else None,
        "document_requests": list(submission.document_requests.all()[:5]),
        "history": history_module.history(submission)
        if can_see_history(request.user, page)
        else [],
        "can_see_history": can_see_history(request.user, page),
    }


urlpatterns = [
    path("<int:pk>/note/", add_note, name="note"),
    path("<int:pk>/reply/", attach_reply, name="reply"),
    path("<int:pk>/mail/<str:kind>/", compose_mail, name="compose_mail"),
]


@hooks.register("register_log_actions")
def register_workflow_log_actions(actions):
    history_module.register(actions)


class ApplicationMailTemplateViewSet(SnippetViewSet):
    """The mail templates on Wagtail's snippets index (``/admin/snippets/``)."""

    model = ApplicationMailTemplate
    icon = "mail"
    menu_label = gettext_lazy("Application mail templates")
    list_display = ["kind", "language", "subject"]
    list_filter = ["kind", "language"]


register_snippet(ApplicationMailTemplateViewSet)
