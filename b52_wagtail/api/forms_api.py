"""The JSON form API: a headless front end shows and submits an application
form (``b52_wagtail.applications``) through the same form class, the same
rules and the same ``process_form_submission()`` as the HTML page.

Mounted by ``urls.py`` only when the applications app is installed.
"""

from django.core.exceptions import (
    NON_FIELD_ERRORS,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from .. import localization
from ..applications.forms import ACCEPT, HONEYPOT_FIELD, TOKEN_FIELD
from ..applications.models import AbstractApplicationFormPage
from ..applications.models.page import outcome_message, outcome_status, with_retry_after
from ..conf import b52_settings
from ..pages import in_request_site

HIDDEN_FIELDS = (TOKEN_FIELD,)
FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


# Not CSRF-protected on purpose: the form is public and anonymous, and a
# submission carries no ambient authority (no session, no login, nothing a
# forged request could do that the attacker cannot do directly). What a CSRF
# token would add is done by the form itself: the idempotency token, the
# signed render time and the per-client rate limit.
@csrf_exempt
def form_view(request, page_id):
    """``GET``: the form as JSON; ``POST``: submit it (multipart/form-data);
    ``OPTIONS``: the CORS preflight."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = "GET, POST, OPTIONS"
        return with_cors(request, response, preflight=True)
    if request.method not in ("GET", "HEAD", "POST"):
        response = JsonResponse({"detail": gettext("Method not allowed.")}, status=405)
        response["Allow"] = "GET, POST, OPTIONS"
        return with_cors(request, response)
    page = get_form_page(request, page_id)
    # The page's language (or an explicit ?lang=), never Accept-Language;
    # times in the package's time zone (b52_wagtail.localization).
    with localization.override(localization.requested_language(request, page)):
        if request.method == "POST":
            response = submit(request, page)
        else:
            response = JsonResponse(describe(request, page))
    # Every answer is for this client only (fresh tokens, receipts).
    add_never_cache_headers(response)
    return with_cors(request, response)


def get_form_page(request, page_id):
    """The live, public application form page with this id on the site the
    request was made to, or 404."""
    pages = in_request_site(Page.objects.live().public().filter(pk=page_id), request)
    page = pages.specific().first()
    if not isinstance(page, AbstractApplicationFormPage):
        raise Http404
    return page


# CORS --------------------------------------------------------------------------


def allowed_origin(request):
    origin = request.headers.get("Origin")
    if not origin:
        return None
    allowed = {entry.rstrip("/").lower() for entry in b52_settings.EMBED_ORIGINS}
    return origin if origin.rstrip("/").lower() in allowed else None


def with_cors(request, response, preflight=False):
    """CORS headers for the origins of ``B52_EMBED_ORIGINS`` only; any other
    origin gets none (its browser refuses to read the answer)."""
    patch_vary_headers(response, ["Origin"])
    origin = allowed_origin(request)
    if origin is None:
        return response
    response["Access-Control-Allow-Origin"] = origin
    if preflight:
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
        response["Access-Control-Max-Age"] = "3600"
    return response


# GET ---------------------------------------------------------------------------


def describe(request, page):
    form = page.get_form(page=page, user=request.user, request=request)
    call = page.get_call()
    accepts = page.accepts_applications()
    privacy_page = page.get_privacy_policy_page(request)
    return {
        "id": page.pk,
        "title": page.title,
        "language": translation.get_language(),
        "time_zone": b52_settings.TIME_ZONE,
        "intro": expand_db_html(page.intro),
        "accepts_applications": accepts,
        "closed_message": None if accepts else form.closed_message(),
        "application_start": iso(call.application_start) if call else None,
        "deadline": iso(call.deadline) if call else None,
        "privacy_policy_url": privacy_page.get_full_url(request) if privacy_page else None,
        "fields": [
            describe_field(form[name])
            for name in form.fields
            if name not in HIDDEN_FIELDS and name != HONEYPOT_FIELD
        ],
        "hidden_fields": {name: form.initial[name] for name in HIDDEN_FIELDS},
        "honeypot_field": {"name": HONEYPOT_FIELD, "label": str(form.fields[HONEYPOT_FIELD].label)},
        "upload_limits": {
            "max_files": b52_settings.APPLICATION_MAX_FILES,
            "max_file_size": b52_settings.APPLICATION_MAX_FILE_SIZE,
            "max_total_size": b52_settings.APPLICATION_MAX_TOTAL_SIZE,
            "accept": ACCEPT.split(","),
        },
    }


def describe_field(bound_field):
    field = bound_field.field
    widget = field.widget
    described = {
        "name": bound_field.name,
        "label": plain(field.label),
        "type": getattr(widget, "input_type", None) or bound_field.widget_type,
        "widget": bound_field.widget_type,
        "required": field.required,
        "help_text": plain(field.help_text) or None,
        "max_length": getattr(field, "max_length", None),
        "multiple": bool(getattr(widget, "allow_multiple_selected", False)),
        "choices": None,
    }
    choices = getattr(widget, "choices", None)
    if choices is not None:
        # The widget's choices: what the HTML form offers (e.g. only the
        # applicant types the call admits), without the empty placeholder.
        described["choices"] = [
            {"value": str(value), "label": str(label)}
            for value, label in choices
            if str(value) != ""
        ]
    return described


def plain(text):
    """Labels and help texts as plain text. Only the package's own markup
    (the consent label's link) is stripped; editors' texts are returned as
    typed, and the front end escapes them."""
    if not text:
        return ""
    return strip_tags(text) if isinstance(text, SafeData) else str(text)


def iso(value):
    return localization.isoformat(value)


# POST --------------------------------------------------------------------------


def submit(request, page):
    """``AbstractApplicationFormPage.submit()`` with JSON answers. Every
    answer says whether the application arrived: a receipt (201, or 200 for
    the same form sent again) or ``"stored": false`` with the reason."""
    if not request.content_type.startswith(FORM_CONTENT_TYPES):
        return JsonResponse(
            {
                "stored": False,
                "errors": {},
                "non_field_errors": [gettext("Please send the form as multipart/form-data.")],
            },
            status=415,
        )
    outcome = page.submit(request)
    if outcome.arrived:
        return receipt(outcome.submission, status=201 if outcome.kind == "stored" else 200)
    if outcome.kind == "spam":
        return spam_answer()
    if outcome.kind == "rate_limited":
        return json_error(
            gettext(
                "This form has been sent too often from your connection in a short time. "
                "Please wait a minute and then send it again."
            ),
            status=429,
        )
    if outcome.kind == "invalid":
        form = outcome.form
        errors = {
            name: list(messages)
            for name, messages in form.errors.items()
            if name != NON_FIELD_ERRORS
        }
        return JsonResponse(
            {"stored": False, "errors": errors, "non_field_errors": list(form.non_field_errors())},
            status=400,
        )
    response = json_error(str(outcome_message(outcome)), status=outcome_status(outcome))
    return with_retry_after(response, outcome)


def json_error(message, status):
    return JsonResponse(
        {"stored": False, "errors": {}, "non_field_errors": [message]}, status=status
    )


def receipt(submission, status):
    return JsonResponse(
        {
            "stored": True,
            "receipt_number": submission.receipt_number,
            "submitted_at": iso(submission.submit_time),
        },
        status=status,
    )


def spam_answer():
    """What the HTML form shows a bot: the thank-you without a receipt
    number. Same status and keys as a success, so nothing tells a bot which
    check caught it; a person caught by mistake sees no receipt number and
    can ask the office (the flagged row is kept)."""
    return JsonResponse(
        {"stored": True, "receipt_number": None, "submitted_at": iso(timezone.now())}, status=201
    )
