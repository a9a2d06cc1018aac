"""What the iframe embeds of every app share (core: imports no sub-app).

An embed is a page of the b52 site shown in an ``<iframe>`` on a partner's
web page (see docs/embed.md):

- it may be framed only by the origins of ``B52_EMBED_ORIGINS``
  (``Content-Security-Policy: frame-ancestors``); with none configured it
  may not be framed at all (``frame-ancestors 'none'`` and Django's
  ``X-Frame-Options: DENY`` stay);
- it renders the package's page templates inside a minimal layout of its
  own (``b52_wagtail/embed/base.html``) instead of the host's base template;
- it knows the partner page's origin (``?parent=`` or the ``Referer`` of
  the first request, accepted only when it is one of ``B52_EMBED_ORIGINS``)
  so that ``embed-frame.js`` posts its height to that origin only;
- a form POST inside a cross-site frame comes without cookies: it is
  accepted only from the b52 site's own origin (the framed document), see
  :func:`posted_from_own_origin`.
"""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from .conf import b52_settings

EMBED_BASE_TEMPLATE = "b52_wagtail/embed/base.html"
PARENT_PARAM = "parent"


def origin_of(url):
    """``scheme://host[:port]`` of ``url`` in lower case, or ``""``."""
    try:
        parts = urlsplit(str(url or "").strip())
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def embed_origins():
    """The partner origins of ``B52_EMBED_ORIGINS``, normalised."""
    return [origin for origin in map(origin_of, b52_settings.EMBED_ORIGINS or []) if origin]


def own_origin(request):
    """``scheme://host[:port]`` of the request itself (the host is checked
    against ``ALLOWED_HOSTS`` by ``get_host()``)."""
    return f"{request.scheme}://{request.get_host()}".lower()


def frame_ancestors():
    """The value of the ``frame-ancestors`` directive for embeds."""
    origins = embed_origins()
    return " ".join(origins) if origins else "'none'"


def framable(view):
    """Decorate an embed view: only ``B52_EMBED_ORIGINS`` may frame it.

    Sets ``Content-Security-Policy: frame-ancestors …`` on every answer and
    exempts it from ``X-Frame-Options: DENY`` only when partner origins are
    configured (browsers then follow the CSP, which names them). Embeds
    answer no CORS request: they send no ``Access-Control-*`` header."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = f"frame-ancestors {frame_ancestors()}"
        if embed_origins():
            response.xframe_options_exempt = True
        return response

    return wrapped


def parent_origin(request):
    """The partner page's origin, when it is one of ``B52_EMBED_ORIGINS``:
    from ``?parent=`` (the snippet and the form's action carry it) or else
    from the ``Referer`` of the framed request (the partner page's origin
    under the default referrer policy). ``""`` when unknown: the frame then
    posts only its height, to any parent."""
    allowed = embed_origins()
    for candidate in (request.GET.get(PARENT_PARAM), request.headers.get("Referer")):
        origin = origin_of(candidate)
        if origin and origin in allowed:
            return origin
    return ""


def with_parent(url, parent):
    """``url`` with ``?parent=`` added when ``parent`` is known."""
    if not parent:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({PARENT_PARAM: parent})}"


def posted_from_own_origin(request):
    """Whether a POST comes from a document of the b52 site itself (the
    framed form). The embed's form cannot rely on Django's CSRF cookie (a
    cross-site frame gets no SameSite=Lax cookie), so the ``Origin`` header,
    which browsers send with every POST, must be the site's own origin; a
    missing ``Origin`` falls back to the ``Referer``; ``null`` (a sandboxed
    or privacy-stripped document) and anything else is refused."""
    origin = request.headers.get("Origin", "").strip().lower()
    if origin == "null":
        return False
    if not origin:
        origin = origin_of(request.headers.get("Referer"))
    return bool(origin) and origin.rstrip("/") == own_origin(request)


def embed_context(request, *, parent="", focus=False):
    """What ``b52_wagtail/embed/base.html`` needs, on top of the layout
    context of :func:`b52_wagtail.pages.layout_context`: the package's
    layout extends the embed's base instead of the host's."""
    return {
        "b52_base_template": EMBED_BASE_TEMPLATE,
        # The embed's base has every block, and its own stylesheet link.
        "b52_include_css": False,
        "b52_css_in": None,
        "b52_head_in_head": True,
        "b52_js_in_body": False,
        "b52_embed": True,
        "b52_embed_parent": parent,
        "b52_embed_focus": focus,
    }


def embedded(page, request, *, parent="", action=""):
    """Make ``page`` (this instance only) render its templates in the
    embed's layout: its ``get_context()`` adds :func:`embed_context` and the
    form's ``action``. The page's own serving code (``submit()``,
    ``render_outcome()``) runs unchanged."""
    original = page.get_context

    @wraps(original)
    def get_context(request, *args, **kwargs):
        context = original(request, *args, **kwargs)
        context.update(
            embed_context(request, parent=parent, focus=request.method == "POST"),
            b52_form_action=action,
        )
        return context

    page.get_context = get_context
    return page
