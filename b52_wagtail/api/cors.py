"""Which origins may read the package's JSON answers in a browser."""

from ..conf import b52_settings


def normalised(origin):
    return origin.strip().rstrip("/").lower()


def allowed_origin(request):
    """The request's ``Origin`` when it is one of ``B52_EMBED_ORIGINS``, else
    ``None``."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    allowed = {normalised(entry) for entry in b52_settings.EMBED_ORIGINS}
    return origin if normalised(origin) in allowed else None
