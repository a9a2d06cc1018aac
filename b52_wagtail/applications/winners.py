"""Choosing winners: the awarded applications of a form page become
prefilled draft entries of the call's ``WinnerShowcasePage`` in one step.

The showcase is the call's own (live or draft, any showcase model); when
the call has none yet, a draft showcase is created below the winners
archive of the call's site (or next to the call). The winners are added to
a new *draft revision*: what visitors see changes only when an editor
publishes it, after adding pictures and texts. Applications already on the
showcase (same municipality and project title) are not added twice, and the
call's rule of at most one prize per district is checked against the
winners already there. Everything happens in one transaction and is logged
on the form page.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

from ..awards.models import (
    Winner,
    WinnerArchivePage,
    WinnerShowcasePage,
    format_deadline,
    showcase_models,
)
from ..pages import transliterated_slug
from .admin_denied import permission_denied_response
from .models import ApplicationStatus, ApplicationSubmission
from .permissions import can_change_status

CARRY_ACTION = "b52_applications.winners_to_showcase"


class WinnersError(Exception):
    """The winners cannot be carried over (the message says why, in German)."""


def awarded_applications(form_page):
    """The awarded applications of ``form_page``, without erased ones (their
    names read “anonymisiert”)."""
    return (
        ApplicationSubmission.objects.filter(
            page=form_page, status=ApplicationStatus.AWARDED, anonymised_at__isnull=True
        )
        .select_related("district")
        .order_by("district__name_sort_key", "applicant_name")
    )


def find_showcase(call):
    """The call's showcase (live or draft, any showcase model), or None."""
    for model in showcase_models():
        showcase = model.objects.filter(call_id=call.pk).order_by("-live", "path").first()
        if showcase is not None:
            return showcase
    return None


def showcase_parent(call):
    """Where a new showcase goes: the winners archive of the call's site in
    the call's language, else the call's parent."""
    site = call.get_site()
    archives = WinnerArchivePage.objects.filter(locale_id=call.locale_id)
    if site is not None:
        archives = archives.descendant_of(site.root_page, inclusive=True)
    archive = archives.order_by("path").first()
    if archive is not None:
        return archive
    parent = call.get_parent()
    if not WinnerShowcasePage.can_create_at(parent):
        raise WinnersError(gettext("There is no place for a winner showcase next to this call."))
    return parent


def new_showcase(call):
    parent = showcase_parent(call)
    title = gettext("Winners %(year)s") % {"year": call.edition}
    slug = transliterated_slug(title)  # “preistraeger-2027”, not “preistrager-2027”
    siblings = parent.get_children()
    number = 2
    base = slug
    while siblings.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return WinnerShowcasePage(title=title, slug=slug, call=call, live=False), parent


def number_winners(showcase):
    """Give each of the showcase's winners its number, in the order they
    have: rows without one (carried before winners were numbered) after the
    numbered ones, as PostgreSQL returns equal sort keys in any order. The
    showcase then holds its winners in memory, for a revision."""
    winners = sorted(
        showcase.winners.all(),
        key=lambda w: (w.sort_order is None, w.sort_order or 0, w.pk or 0),
    )
    for order, winner in enumerate(winners):
        winner.sort_order = order
    showcase.winners = winners


def winner_entries(showcase, applications):
    """The winner rows for ``applications`` that the showcase does not hold
    yet (same municipality and project title)."""
    winners = list(showcase.winners.all())
    present = {(w.municipality.strip(), w.project_title.strip()) for w in winners}
    # After the winners already there (see number_winners), in the order given.
    order = max((w.sort_order for w in winners if w.sort_order is not None), default=-1)
    entries = []
    for application in applications:
        key = (application.applicant_name.strip(), application.project_title.strip())
        if key in present:
            continue
        present.add(key)
        order += 1
        entries.append(
            Winner(
                sort_order=order,
                municipality=application.applicant_name,
                applicant_type=application.applicant_type,
                district=application.district,
                project_title=application.project_title,
                description=application.summary,
            )
        )
    return entries


def check_districts(call, winners):
    """Refuse two winners in one district when the call gives one prize per
    district (the showcase's own form would refuse to publish them)."""
    if not call.one_prize_per_district:
        return
    seen = {}
    twice = []
    for winner in winners:
        if winner.district_id in seen and winner.district not in twice:
            twice.append(winner.district)
        seen[winner.district_id] = winner
    if twice:
        raise WinnersError(
            gettext(
                "This call gives at most one prize per district, but these districts would "
                "have more than one winner: %(districts)s. Change the status of all but one "
                "application in each of them first."
            )
            % {"districts": ", ".join(str(district) for district in twice)}
        )


@transaction.atomic
def carry_winners(form_page, applications, user):
    """Add ``applications`` to the call's showcase as a draft revision (a new
    draft showcase when there is none). Returns ``(showcase, added)``."""
    call = form_page.specific.call
    if call is None:
        raise WinnersError(gettext("This form is not linked to an award call."))
    call = call.specific
    showcase = find_showcase(call)
    if showcase is None:
        showcase, parent = new_showcase(call)
        draft = showcase
    else:
        showcase = showcase.specific
        draft = showcase.get_latest_revision_as_object()
    number_winners(draft)
    entries = winner_entries(draft, applications)
    if not entries:
        raise WinnersError(gettext("These winners are already on the winner showcase."))
    check_districts(call, [*draft.winners.all(), *entries])
    for entry in entries:
        draft.winners.add(entry)
    if showcase.pk is None:
        parent.add_child(instance=draft)
        showcase = draft
    draft.save_revision(user=user, log_action=True)
    log(
        instance=form_page,
        action=CARRY_ACTION,
        user=user,
        data={
            "showcase": showcase.pk,
            "receipts": [application.receipt_number for application in applications][:200],
            "count": len(entries),
        },
    )
    return showcase, len(entries)


class WinnersForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Awarded applications"),
        queryset=ApplicationSubmission.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one application.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = queryset
        field.label_from_instance = lambda application: (
            f"{application.receipt_number} · {application.applicant_name} "
            f"({application.district}) · {application.project_title}"
        )


def _may_edit_showcase(user, call, showcase):
    """Editing the call's showcase, or (while it has none) adding a page
    where the new showcase goes: the winners archive of the call's site."""
    if showcase is not None:
        return showcase.permissions_for_user(user).can_edit()
    try:
        parent = showcase_parent(call)
    except WinnersError:
        return False
    return parent.permissions_for_user(user).can_add_subpage()


def may_carry_winners(user, form_page):
    """Whether ``user`` may use the winners step of ``form_page`` (the list
    of applications shows its button only then): changing its applications
    and editing the call's showcase (or adding it)."""
    call = getattr(form_page, "call", None)
    if call is None or not can_change_status(user, form_page):
        return False
    call = call.specific
    return _may_edit_showcase(user, call, find_showcase(call))


def call_still_open(call, at=None):
    """True while the call's deadline has not passed."""
    closes_at = call.closes_at if call is not None else None
    return closes_at is not None and (at or timezone.now()) < closes_at


def open_call_warning(call):
    return gettext(
        "The call is still open: applications are accepted until %(deadline)s. "
        "Winners published now would be announced before the deadline has passed."
    ) % {"deadline": format_deadline(call.deadline)}


@login_required(login_url="wagtailadmin_login")
def choose_winners(request, page_id):
    """Staff choose which awarded applications go onto the showcase."""
    form_page = get_object_or_404(Page, pk=page_id).specific
    if not hasattr(form_page, "call_id"):
        raise Http404
    if not can_change_status(request.user, form_page):
        return permission_denied_response(request)
    call = form_page.call.specific if form_page.call_id else None
    showcase = find_showcase(call) if call else None
    if call is not None and not _may_edit_showcase(request.user, call, showcase):
        return permission_denied_response(
            request,
            gettext(
                "Carrying winners into the showcase needs the permission to edit the "
                "call's winner showcase (or, while there is none, to add pages below the "
                "winners archive). Ask an administrator for it."
            ),
        )
    still_open = call_still_open(call)
    queryset = awarded_applications(form_page)
    form = WinnersForm(
        request.POST or None, queryset=queryset, initial={"applications": list(queryset)}
    )
    list_url = reverse("wagtailforms:list_submissions", args=[form_page.pk])
    if request.method == "POST" and form.is_valid():
        try:
            showcase, added = carry_winners(
                form_page, list(form.cleaned_data["applications"]), request.user
            )
        except WinnersError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d winner was added to a draft of “%(title)s”. Add pictures and "
                    "texts, then publish it.",
                    "%(count)d winners were added to a draft of “%(title)s”. Add pictures and "
                    "texts, then publish it.",
                    added,
                )
                % {"count": added, "title": showcase.title},
            )
            if still_open:
                messages.warning(request, open_call_warning(call))
            return redirect("wagtailadmin_pages:edit", showcase.pk)
    return TemplateResponse(
        request,
        "b52_wagtail/applications/admin/winners.html",
        {
            "form": form,
            "form_page": form_page,
            "call": call,
            "showcase": showcase,
            "has_applications": queryset.exists(),
            "open_call_warning": open_call_warning(call) if still_open else "",
            "list_url": list_url,
            "page_title": gettext("Winners to the showcase"),
            "header_icon": "pick",
        },
    )


@hooks.register("register_log_actions")
def register_winner_log_actions(actions):
    @actions.register_action(CARRY_ACTION)
    class CarryFormatter(LogFormatter):
        label = gettext_lazy("Carry winners into the showcase")

        def format_message(self, log_entry):
            try:
                count = log_entry.data["count"]
            except (KeyError, TypeError):
                return gettext("Carried winners into the winner showcase")
            return ngettext(
                "Carried %(count)d winner into the winner showcase",
                "Carried %(count)d winners into the winner showcase",
                count,
            ) % {"count": count}
