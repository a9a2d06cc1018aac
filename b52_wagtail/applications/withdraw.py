"""The applicant withdraws their application through the signed link in
their confirmation mail: a page in the language of the form page asks,
a button (a plain form, no JavaScript) withdraws. Withdrawing is
idempotent; an application whose procedure is over (awarded, not
selected, spam) cannot be withdrawn and the page says so."""

from django.core import signing
from django.db import transaction
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from .. import localization
from ..pages import layout_context, localized_page
from .applicant_mail import WITHDRAW_SALT, notify_office
from .models import ApplicationStatus, ApplicationSubmission
from .workflow import TransitionRefused, can_withdraw, change_status


def submission_for_token(token):
    try:
        pk = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return ApplicationSubmission.objects.select_related("page").filter(pk=pk).first()


def state_of(submission):
    if submission is None:
        return "invalid"
    if submission.status == ApplicationStatus.WITHDRAWN:
        return "withdrawn"
    return "open" if can_withdraw(submission.status) else "final"


def withdraw(submission):
    """Withdraw ``submission`` for its applicant; True when this call did it."""
    try:
        with transaction.atomic():
            change_status(submission, ApplicationStatus.WITHDRAWN, by="applicant")
    except TransitionRefused:
        submission.refresh_from_db(fields=["status"])
        return False
    transaction.on_commit(lambda: notify_office(submission, "withdrawn"))
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_application(request, token):
    submission = submission_for_token(token)
    page = submission.page.specific if submission is not None else None
    state = state_of(submission)
    if request.method == "POST" and state == "open":
        withdraw(submission)
        state = state_of(submission)
    call = localized_page(page.call, page.locale_id) if page is not None and page.call_id else None
    with localization.override(localization.page_language(page)):
        context = {
            "state": state,
            "submission": submission,
            "call_title": (call or page).title if page is not None else "",
            **layout_context(page),
        }
        response = TemplateResponse(
            request,
            "b52_wagtail/applications/withdraw.html",
            context,
            status=404 if state == "invalid" else 200,
        )
        response["Cache-Control"] = "private, no-store"
        # The token in the URL goes to no other site; "no-referrer" would make
        # the browser send "Origin: null" and Django refuse the POST (CSRF).
        response["Referrer-Policy"] = "same-origin"
        return localization.render_response(response)
