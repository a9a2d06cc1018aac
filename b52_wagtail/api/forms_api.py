"""The JSON form API: a headless front end shows and submits an application
form (``b52_wagtail.applications``) through the same form class, the same
rules and the same ``process_form_submission()`` as the HTML page.

Mounted by ``urls.py`` only when the applications app is installed.
"""

import html

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.html import strip_tags
from django.utils.safestring import SafeData, mark_safe
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
from .cors import allowed_origin, normalised

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
    try:
        page = get_form_page(request, page_id)
    except Http404:
        return not_found(request)
    if request.method == "POST" and not origin_may_post(request):
        with localization.override(localization.requested_language(request, page)):
            response = json_error(
                gettext(
                    "This form may not be sent from this web page. Nothing was stored; "
                    "please use the form on the website of the call."
                ),
                status=403,
            )
        add_never_cache_headers(response)
        return with_cors(request, response)
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


def not_found(request):
    """404 as JSON (the host's 404 page is HTML): ``{"detail": …}`` for a GET,
    ``"stored": false`` for a POST like every other POST answer."""
    with localization.override(localization.requested_language(request)):
        message = gettext("There is no public application form with this id on this site.")
        if request.method == "POST":
            response = json_error(message, status=404)
        else:
            response = JsonResponse({"detail": message}, status=404)
    add_never_cache_headers(response)
    return with_cors(request, response)


# CORS --------------------------------------------------------------------------


def own_origin(request):
    """``scheme://host[:port]`` of the request itself (the host is checked
    against ``ALLOWED_HOSTS`` by ``get_host()``)."""
    return f"{request.scheme}://{request.get_host()}".lower()


def origin_may_post(request):
    """A multipart POST needs no CORS preflight, so the browser would send it
    from any web page: the server itself refuses a POST whose ``Origin`` is
    missing, ``null`` or neither the site's own origin nor one of
    ``B52_EMBED_ORIGINS``. Browsers send ``Origin`` with every POST
    (same-origin too); other clients must send it explicitly."""
    origin = request.headers.get("Origin", "").strip()
    if not origin or origin == "null":
        return False
    return allowed_origin(request) is not None or normalised(origin) == own_origin(request)


def with_cors(request, response, preflight=False):
    """CORS headers for the origins of ``B52_EMBED_ORIGINS`` only; any other
    origin gets none (its browser refuses to read the answer)."""
    patch_vary_headers(response, ["Origin"])
    origin = allowed_origin(request)
    if origin is None:
        return response
    response["Access-Control-Allow-Origin"] = origin
    # A script on the partner's page reads when to try again (429, 503).
    response["Access-Control-Expose-Headers"] = "Retry-After"
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
        "closed_message": None if accepts else plain(form.closed_message()),
        "application_start": iso(call.application_start) if call else None,
        "deadline": iso(call.deadline) if call else None,
        "privacy_policy_url": privacy_page.get_full_url(request) if privacy_page else None,
        "fields": [
            describe_field(form[name])
            for name in form.fields
            if name not in HIDDEN_FIELDS and name != HONEYPOT_FIELD
        ],
        "hidden_fields": {name: form.initial[name] for name in HIDDEN_FIELDS},
        "honeypot_field": {
            "name": HONEYPOT_FIELD,
            "label": plain(form.fields[HONEYPOT_FIELD].label),
        },
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
        "help_text": plain(help_text_html(field.help_text)) or None,
        "max_length": getattr(field, "max_length", None),
        "multiple": bool(getattr(widget, "allow_multiple_selected", False)),
        "choices": None,
    }
    choices = getattr(widget, "choices", None)
    if choices is not None:
        # The widget's choices: what the HTML form offers (e.g. only the
        # applicant types the call admits), without the empty placeholder.
        described["choices"] = [
            {"value": str(value), "label": plain(label)}
            for value, label in choices
            if str(value) != ""
        ]
    return described


def help_text_html(text):
    """With ``WAGTAILFORMS_HELP_TEXT_ALLOW_HTML`` editors' help texts are HTML
    (the HTML form shows them unescaped): mark them so, and ``plain()``
    strips their tags."""
    if text and getattr(settings, "WAGTAILFORMS_HELP_TEXT_ALLOW_HTML", False):
        return mark_safe(text)  # noqa: S308  (only read by plain(), never rendered)
    return text


def plain(text):
    """Labels, help texts, choices and messages as plain text, as typed: a
    front end escapes them. Text already marked safe is HTML (the consent
    label's link, an editor's help text that Wagtail's form builder escaped):
    its tags are stripped and its entities decoded, so ``Schulen & Vereine``
    never arrives as ``Schulen &amp; Vereine``. Plain strings are returned
    unchanged."""
    if text is None or text == "":
        return ""
    if isinstance(text, SafeData):
        return html.unescape(strip_tags(text))
    return str(text)


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
        response = json_error(
            gettext(
                "This form has been sent too often from your connection in a short time. "
                "Please wait a minute and then send it again."
            ),
            status=429,
        )
        return with_retry_after(response, outcome)
    if outcome.kind == "invalid":
        form = outcome.form
        errors = {
            name: [plain(message) for message in messages]
            for name, messages in form.errors.items()
            if name != NON_FIELD_ERRORS
        }
        non_field_errors = [plain(message) for message in form.non_field_errors()]
        # The token to send next time: a form open for too long got a new one.
        hidden = {name: form.data.get(name, "") for name in HIDDEN_FIELDS}
        return JsonResponse(
            {
                "stored": False,
                "errors": errors,
                "non_field_errors": non_field_errors,
                "hidden_fields": hidden,
            },
            status=400,
        )
    response = json_error(str(outcome_message(outcome)), status=outcome_status(outcome))
    return with_retry_after(response, outcome)


def json_error(message, status):
    return JsonResponse(
        {"stored": False, "errors": {}, "non_field_errors": [plain(message)]}, status=status
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
