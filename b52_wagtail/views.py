"""Error handlers a host wires in its root ``urls.py``, one line each::

    handler400 = "b52_wagtail.views.bad_request"
    handler403 = "b52_wagtail.views.permission_denied"
    handler404 = "b52_wagtail.views.page_not_found"
    handler500 = "b52_wagtail.views.server_error"

They answer in the package's language (``B52_LANGUAGE``, German by
default) inside the host's base template. The 500 page needs neither the
database nor the host's templates, and tells someone who just sent an
application how to find out whether it arrived.
"""

import logging

from django.http import HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.csrf import requires_csrf_token

from . import localization
from .pages import layout_context

logger = logging.getLogger(__name__)

ERROR_TEMPLATE = "b52_wagtail/errors/{status}.html"
PLAIN_TEMPLATE = "b52_wagtail/errors/plain.html"


def _plain(status, language):
    """The error page without the host's base template, context processors
    or database: what still works when nothing else does."""
    with localization.override(language):
        content = loader.get_template(PLAIN_TEMPLATE).render(
            {"status": status, "language": language}
        )
    response = HttpResponse(content, status=status)
    response["Content-Language"] = language
    return response


def _page(request, status, context=None):
    language = localization.page_language()
    try:
        with localization.override(language):
            response = TemplateResponse(
                request,
                ERROR_TEMPLATE.format(status=status),
                {**layout_context(language=language), **(context or {}), "status": status},
                status=status,
            )
            response = localization.render_response(response)
        response["Content-Language"] = language
        return response
    except Exception:  # noqa: BLE001  (an error page must not fail)
        logger.exception("the %s page could not be rendered with the base template", status)
        return _plain(status, language)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, 404, {"request_path": request.path})


@requires_csrf_token
def server_error(request):
    return _plain(500, localization.page_language())
