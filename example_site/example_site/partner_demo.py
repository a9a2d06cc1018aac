"""A partner's plain HTML page (not Wagtail) for trying the embeds:
``/partner-demo/`` serves ``example_site/partner_demo/index.html`` with
``__B52_ORIGIN__`` replaced by the b52 site's origin and ``__B52_FORM_ID__``
by the id of an application form page that accepts applications.

The page is meant to be opened on *another site* than the b52 site: on
``http://localhost:8000/partner-demo/`` it embeds from
``http://127.0.0.1:8000`` and the other way round (so the browser treats
the frames as cross-site). ``PARTNER_DEMO_B52_ORIGIN`` overrides that origin.
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from b52_wagtail.applications.models import ApplicationFormPage

PAGE = Path(__file__).resolve().parent.parent / "partner_demo" / "index.html"
SWAP = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}


def b52_origin(request):
    configured = getattr(settings, "PARTNER_DEMO_B52_ORIGIN", "")
    if configured:
        return configured.rstrip("/")
    host = request.get_host()
    name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
    name = SWAP.get(name, name)
    return f"{request.scheme}://{name}{':' + port if port else ''}"


def open_form_page():
    """The first live, public application form page that accepts applications."""
    for form_page in ApplicationFormPage.objects.live().public().order_by("path"):
        if form_page.accepts_applications():
            return form_page
    return None


@require_safe
def partner_demo(request):
    if not settings.DEBUG and not getattr(settings, "PARTNER_DEMO", False):
        raise Http404
    form_page = open_form_page()
    html = PAGE.read_text(encoding="utf-8")
    html = html.replace("__B52_ORIGIN__", b52_origin(request))
    html = html.replace("__B52_FORM_ID__", str(form_page.pk if form_page else 0))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
