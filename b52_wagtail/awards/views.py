import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from .models import AbstractAwardCallPage

logger = logging.getLogger(__name__)


def can_create_next_edition(call, user):
    """Whether ``user`` may add the next edition beside ``call``."""
    parent = call.get_parent()
    return parent is not None and parent.permissions_for_user(user).can_add_subpage()


class NewEditionForm(forms.Form):
    """Which of the call's documents the new edition carries over. Those
    that name the old year start unticked: they are probably outdated."""

    documents = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Documents to carry over"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, carryover, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        field.choices = [
            (doc["pk"], f"{doc['label']} ({doc['document']})") for doc in carryover["documents"]
        ]
        field.initial = [doc["pk"] for doc in carryover["documents"] if not doc["mentions_year"]]


@require_http_methods(["GET", "POST"])
def new_edition(request, page_id):
    """Confirm (GET) and create (POST) next year's call from ``page_id``.

    The confirmation lists what is carried over (texts, documents, people,
    the application form) so that the editor checks it; the copy runs in
    one transaction, and a failure shows a message instead of an error page."""
    call = get_object_or_404(Page, id=page_id).specific
    if not isinstance(call, AbstractAwardCallPage):
        raise Http404
    if not can_create_next_edition(call, request.user):
        raise PermissionDenied
    existing = call.get_next_edition_sibling()
    next_year = call.edition + 1
    carryover = call.get_next_edition_carryover()
    if request.method == "POST":
        if existing is not None:
            messages.error(
                request,
                _("There already is a call for %(year)s: “%(title)s”.")
                % {"year": existing.edition, "title": existing.get_admin_display_title()},
            )
            return redirect("wagtailadmin_pages:edit", existing.pk)
        form = NewEditionForm(request.POST, carryover=carryover)
        if form.is_valid():
            new_call = create_or_report(request, call, form.cleaned_data["documents"])
            if new_call is not None:
                report_created(request, call, new_call)
                return redirect("wagtailadmin_pages:edit", new_call.pk)
            return redirect("b52_awards_new_edition", call.pk)
    else:
        form = NewEditionForm(carryover=carryover)
    return TemplateResponse(
        request,
        "b52_wagtail/awards/admin/new_edition.html",
        {
            "call": call,
            "next_year": next_year,
            "existing": existing,
            "carryover": carryover,
            "form": form,
            "page_title": _("New edition of “%(title)s”")
            % {"title": call.get_admin_display_title()},
            "header_icon": "copy",
            "cancel_url": reverse("wagtailadmin_pages:edit", args=[call.pk]),
        },
    )


def create_or_report(request, call, documents):
    """The new call, or None with an error message for the editor (the
    transaction has then rolled back whatever was copied)."""
    year = call.edition + 1
    try:
        return call.create_next_edition(user=request.user, documents=documents)
    except ValidationError as error:
        logger.info("new edition of call %s refused: %s", call.pk, error)
        messages.error(
            request,
            _("The call for %(year)s could not be created: %(reason)s Nothing was changed.")
            % {"year": year, "reason": " ".join(error.messages)},
        )
    except Exception:
        logger.exception("new edition of call %s failed", call.pk)
        messages.error(
            request,
            _(
                "The call for %(year)s could not be created because of a technical fault. "
                "Nothing was changed; please try again later or tell the administrator."
            )
            % {"year": year},
        )
    return None


def report_created(request, call, new_call):
    messages.success(
        request,
        _(
            "The call for %(year)s was created as a draft. "
            "Please enter the application period before publishing."
        )
        % {"year": new_call.edition},
    )
    documents = [row.display_title for row in new_call.get_call_documents()]
    if documents:
        messages.warning(
            request,
            _("Documents carried over from %(year)s, check them before publishing: %(list)s")
            % {"year": call.edition, "list": ", ".join(documents)},
        )
    form = new_call.application_page
    if form is not None:
        messages.info(
            request,
            _(
                "The application form “%(title)s” was copied as a draft. "
                "Nobody from last year may read its applications: choose the groups of "
                "this year's jury on the form."
            )
            % {"title": form.get_admin_display_title()},
        )
