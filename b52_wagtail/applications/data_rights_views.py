"""Admin views of the applicant's data rights (:mod:`.data_rights`): from an
application, “Auskunft / Löschung” lists every application of the same
person for the user to confirm; the confirmed list is exported as one
archive or, after a second confirmation, anonymised."""

import logging

from django import forms
from django.db import DatabaseError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.log_actions import LogFormatter

from .. import localization
from . import data_rights
from .models import ApplicationSubmission
from .views import content_disposition, deny

logger = logging.getLogger(__name__)

TEMPLATES = "b52_wagtail/applications/admin/data_rights/"


class SelectionForm(forms.Form):
    """The applications the user confirmed, out of those found for the person."""

    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Applications of this person"),
        queryset=ApplicationSubmission.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one application.")},
    )

    def __init__(self, *args, found, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered as a table by the template; only ids of ``found`` are valid.
        self.fields["applications"].queryset = found


def _start(request, pk, *, erase=False):
    """The application the request started from and the applications found
    for its person, or ``(None, None)`` without permission."""
    allowed = data_rights.can_erase if erase else data_rights.can_use_data_rights
    if not allowed(request.user):
        return None, None
    submission = get_object_or_404(ApplicationSubmission.objects.select_related("page"), pk=pk)
    return submission, data_rights.applications_of_person(request.user, submission)


def _context(submission, **extra):
    return {
        "submission": submission,
        "detail_url": reverse("b52_applications_admin:detail", args=[submission.pk]),
        "header_icon": "user",
        **extra,
    }


def person(request, pk):
    """The applications of the person of application ``pk``, to confirm."""
    submission, found = _start(request, pk)
    if submission is None:
        return deny(request)
    form = SelectionForm(found=found, initial={"applications": list(found)})
    return TemplateResponse(
        request,
        TEMPLATES + "person.html",
        _context(
            submission,
            form=form,
            found=found,
            selected={str(item.pk) for item in found},
            can_erase=data_rights.can_erase(request.user),
            page_title=gettext("Access and erasure: %(email)s") % {"email": submission.email},
        ),
    )


def _invalid(request, submission, form, found):
    return TemplateResponse(
        request,
        TEMPLATES + "person.html",
        _context(
            submission,
            form=form,
            found=found,
            selected=set(request.POST.getlist("applications")),
            can_erase=data_rights.can_erase(request.user),
            page_title=gettext("Access and erasure: %(email)s") % {"email": submission.email},
        ),
        status=400,
    )


@require_POST
def export(request, pk):
    """The confirmed applications as one ZIP archive (logged)."""
    submission, found = _start(request, pk)
    if submission is None:
        return deny(request)
    form = SelectionForm(request.POST, found=found)
    if not form.is_valid():
        return _invalid(request, submission, form, found)
    chosen = form.cleaned_data["applications"].select_related("page", "district", "call")
    archive = data_rights.write_archive(chosen, request.user, email=submission.email)
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        f"auskunft-{localization.localdate().isoformat()}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def erase(request, pk):
    """First POST: what will happen, to confirm. Second POST (``confirm``):
    anonymise, in one transaction."""
    submission, found = _start(request, pk, erase=True)
    if submission is None:
        return deny(request)
    form = SelectionForm(request.POST, found=found)
    if not form.is_valid():
        return _invalid(request, submission, form, found)
    chosen = list(form.cleaned_data["applications"])
    if request.POST.get("confirm") != "yes":
        return TemplateResponse(
            request,
            TEMPLATES + "erase_confirm.html",
            _context(
                submission,
                chosen=chosen,
                attachment_count=sum(item.attachments.count() for item in chosen),
                page_title=ngettext(
                    "Anonymise %(count)s application?",
                    "Anonymise %(count)s applications?",
                    len(chosen),
                )
                % {"count": len(chosen)},
            ),
        )
    try:
        result = data_rights.erase(request.user, [item.pk for item in chosen], submission.email)
    except DatabaseError:
        logger.exception("the erasure of %s applications failed", len(chosen))
        messages.error(
            request,
            gettext("The applications could not be anonymised: nothing was changed. Try again."),
        )
        return redirect("b52_applications_admin:data_rights", pk=submission.pk)
    if result.files_left:
        messages.warning(request, data_rights.summary_text(result))
    else:
        messages.success(request, data_rights.summary_text(result))
    return redirect("b52_applications_admin:detail", pk=submission.pk)


def _receipt(log_entry):
    data = log_entry.data or {}
    return data.get("receipt_number") or data.get("submission_id") or "?"


@hooks.register("register_log_actions")
def register_data_rights_log_actions(actions):
    @actions.register_action(data_rights.EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = gettext_lazy("Export an applicant's data (Art. 15 GDPR)")

        def format_message(self, log_entry):
            return gettext("Exported the data of application %(receipt)s for the applicant") % {
                "receipt": _receipt(log_entry)
            }

    @actions.register_action(data_rights.ERASE_ACTION)
    class EraseFormatter(LogFormatter):
        label = gettext_lazy("Anonymise an application (Art. 17 GDPR)")

        def format_message(self, log_entry):
            return gettext("Anonymised application %(receipt)s on the applicant's request") % {
                "receipt": _receipt(log_entry)
            }

    @actions.register_action(data_rights.FILES_LEFT_ACTION)
    class FilesLeftFormatter(LogFormatter):
        label = gettext_lazy("Files left after anonymising an application")

        def format_message(self, log_entry):
            files = (log_entry.data or {}).get("files", 0)
            return ngettext(
                "%(files)s stored file of anonymised application %(receipt)s could not be deleted",
                "%(files)s stored files of anonymised application %(receipt)s could not be deleted",
                files,
            ) % {"files": files, "receipt": _receipt(log_entry)}
