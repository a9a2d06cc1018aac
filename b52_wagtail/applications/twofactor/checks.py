"""System checks of the second factor: ``B52_REQUIRE_2FA`` without what it
needs would leave the admin open (or, with the middleware, closed), and a
group name in it that no group has (a typo) would leave that group without a
second factor (W007, a database check: ``migrate`` and ``check --database
default`` run it)."""

from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

from . import MIDDLEWARE, OTP_APPS, OTP_MIDDLEWARE, SUPERUSERS, required_names

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


@register(Tags.database)
def check_second_factor_groups(app_configs=None, databases=None, **kwargs):
    names = required_names() - {SUPERUSERS}
    if not databases or not names:
        return []
    from django.contrib.auth.models import Group

    try:
        found = set(
            Group.objects.using(databases[0]).filter(name__in=names).values_list("name", flat=True)
        )
    except DatabaseError:  # before the first migrate
        return []
    unknown = sorted(names - found)
    if not unknown:
        return []
    return [
        Warning(
            _(
                "B52_REQUIRE_2FA names groups that do not exist: %(names)s. Their "
                "members are not asked for a second factor."
            )
            % {"names": ", ".join(f"“{name}”" for name in unknown)},
            hint=_(
                "Write the group names exactly as under Settings → Groups, or create the groups."
            ),
            id="b52_wagtail.W007",
        )
    ]
