"""Which language and time zone the package speaks, whatever the host says.

The rules (docs/install.md, “Language and time zone”):

- A public package page, its form, its mails and its API answers speak the
  language of the *page*: with Wagtail's i18n on (``WAGTAIL_I18N_ENABLED``)
  the page's locale when the package has a catalogue for it, otherwise
  ``B52_LANGUAGE`` (default ``"de"``). Never the browser's
  ``Accept-Language`` and never the host's ``LANGUAGE_CODE`` alone: on an
  ``en-us`` host Wagtail's only locale is ``en`` although the content is
  German.
- Every date and time the package shows, sends or serves is in
  ``B52_TIME_ZONE`` (default ``"Europe/Berlin"``), whatever ``TIME_ZONE`` is.
"""

import contextlib
import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from .conf import b52_settings

# Languages the package has catalogues for.
LANGUAGES = ("de", "en")


def base_language(code):
    """``"de"`` for ``"de-at"``, ``"en"`` for ``"en_US"``; ``None`` for ``None``."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower()


def default_language():
    """``B52_LANGUAGE`` when the package translates it, else German."""
    language = base_language(b52_settings.LANGUAGE)
    return language if language in LANGUAGES else "de"


def i18n_enabled():
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def page_language(page=None):
    """The language the package speaks for ``page`` (see the module docs)."""
    if page is not None and i18n_enabled():
        locale = getattr(page, "locale", None)
        language = base_language(getattr(locale, "language_code", None))
        if language in LANGUAGES:
            return language
    return default_language()


def requested_language(request, page=None, *, param="lang"):
    """For non-page views (feeds, JSON APIs): an explicit ``?lang=`` the
    package has, else the page's language. ``Accept-Language`` is ignored."""
    asked = base_language(request.GET.get(param)) if request is not None else None
    if asked in LANGUAGES:
        return asked
    return page_language(page)


def zone():
    """The package's time zone (``B52_TIME_ZONE``) as a ``ZoneInfo``."""
    return zoneinfo.ZoneInfo(b52_settings.TIME_ZONE)


def zone_label():
    """The package's time zone in words, e.g. “Berliner Zeit”."""
    if b52_settings.TIME_ZONE == "Europe/Berlin":
        return gettext("Berlin time")
    return b52_settings.TIME_ZONE


def offset_names(summer, winter):
    """The names an editor types for the two readings of a repeated hour:
    “MESZ”/“MEZ” in German for Central European time, else the zone's own."""
    names = {
        "CEST": pgettext("time zone abbreviation", "CEST"),
        "CET": pgettext("time zone abbreviation", "CET"),
    }
    return names.get(summer, summer), names.get(winter, winter)


def localtime(value):
    """An aware datetime in the package's time zone (``None`` stays ``None``)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    # Through UTC: astimezone() to the same zone would keep a wall-clock
    # time that does not exist (a time in the spring gap).
    return value.astimezone(datetime.UTC).astimezone(zone())


def localdate(value=None):
    """The calendar date in the package's time zone (default: today)."""
    return localtime(value or timezone.now()).date()


def isoformat(value):
    """ISO 8601 with the package's UTC offset, e.g. ``2026-11-30T23:59:00+01:00``."""
    return localtime(value).isoformat() if value else None


@contextlib.contextmanager
def override(language=None, *, page=None):
    """Speak ``language`` (default: ``page``'s) in the package's time zone."""
    with translation.override(language or page_language(page)), timezone.override(zone()):
        yield


def render_response(response):
    """Render a lazy ``TemplateResponse`` now, inside the active override:
    rendered later by Django's handler it would use the request's language."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response
