"""System checks of the second factor: ``B52_REQUIRE_2FA`` without what it
needs would leave the admin open (or, with the middleware, closed)."""

from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.translation import gettext as _

from . import MIDDLEWARE, OTP_APPS, OTP_MIDDLEWARE, required_names

AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


def missing_pieces():
    """What B52_REQUIRE_2FA needs and the settings lack, in order."""
    missing = []
    if find_spec("django_otp") is None:
        missing.append(_("the package django-otp (pip install b52-wagtail[2fa])"))
    missing += [
        _("“%(app)s” in INSTALLED_APPS") % {"app": app}
        for app in OTP_APPS
        if not apps.is_installed(app)
    ]
    middleware = list(settings.MIDDLEWARE)
    for name in (OTP_MIDDLEWARE, MIDDLEWARE):
        if name not in middleware:
            missing.append(_("“%(name)s” in MIDDLEWARE") % {"name": name})
    if not missing:
        order = [
            middleware.index(name)
            for name in (AUTH_MIDDLEWARE, OTP_MIDDLEWARE, MIDDLEWARE)
            if name in middleware
        ]
        if order != sorted(order):
            missing.append(
                _("MIDDLEWARE in the order %(order)s")
                % {"order": " → ".join((AUTH_MIDDLEWARE, OTP_MIDDLEWARE, MIDDLEWARE))}
            )
    return missing


@register(Tags.security)
def check_second_factor(app_configs=None, **kwargs):
    names = required_names()
    if not names:
        return []
    messages = []
    missing = missing_pieces()
    if missing:
        messages.append(
            Error(
                _(
                    "B52_REQUIRE_2FA asks for a second factor (%(names)s), but the site "
                    "lacks %(missing)s."
                )
                % {"names": ", ".join(sorted(names)), "missing": "; ".join(missing)},
                hint=_(
                    "Install b52-wagtail[2fa], add “django_otp” and "
                    "“django_otp.plugins.otp_totp” to INSTALLED_APPS and “%(otp)s” followed "
                    "by “%(ours)s” after AuthenticationMiddleware (docs/applications.md, "
                    "“Second factor”), or empty B52_REQUIRE_2FA."
                )
                % {"otp": OTP_MIDDLEWARE, "ours": MIDDLEWARE},
                id="b52_wagtail.E007",
            )
        )
    if find_spec("segno") is None:
        messages.append(
            Warning(
                _(
                    "The package segno is not installed: the enrolment page of the second "
                    "factor shows the key as text only, without a QR code."
                ),
                hint=_("pip install b52-wagtail[2fa]"),
                id="b52_wagtail.W006",
            )
        )
    return messages
