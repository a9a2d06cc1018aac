"""A second factor (TOTP, django-otp) for admin users, optional for hosts.

``B52_REQUIRE_2FA`` names the groups (and ``"superusers"``) whose members
must confirm their admin sign-in with a code from an authenticator app.
:class:`RequireSecondFactorMiddleware` sends such a user, as long as the
session is not verified, to the enrolment page (no confirmed device yet) or
to the verification page. The module imports django-otp only where it is
used: without it installed the package still loads, and the system check
``b52_wagtail.E007`` says what is missing when the setting asks for it.
"""

from contextlib import suppress
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from ...conf import b52_settings

SUPERUSERS = "superusers"
OTP_APPS = ("django_otp", "django_otp.plugins.otp_totp")
OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"
MIDDLEWARE = "b52_wagtail.applications.twofactor.RequireSecondFactorMiddleware"
# Admin URL names a user who still owes the second factor may reach.
OPEN_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",  # the icons of these pages
    "b52_twofactor:enrol",
    "b52_twofactor:verify",
)


def required_names():
    """The group names of ``B52_REQUIRE_2FA`` (a list, or a comma-separated string)."""
    value = b52_settings.REQUIRE_2FA or ()
    if isinstance(value, str):
        value = value.split(",")
    return {name.strip() for name in value if name and name.strip()}


def otp_installed():
    return all(apps.is_installed(app) for app in OTP_APPS)


def required_for(user):
    """True when ``user`` must confirm their admin sign-in with a second factor."""
    names = required_names()
    if not names or user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_b52_second_factor_required", None)
    if cached is not None and cached[0] == names:
        return cached[1]
    required = SUPERUSERS in names and user.is_superuser
    groups = names - {SUPERUSERS}
    if not required and groups:
        required = user.groups.filter(name__in=groups).exists()
    user._b52_second_factor_required = (names, required)
    return required


def has_confirmed_device(user):
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def _open_paths():
    paths = set()
    for name in OPEN_URL_NAMES:
        with suppress(NoReverseMatch):
            paths.add(reverse(name))
    return paths


class RequireSecondFactorMiddleware:
    """Keeps users who owe the second factor out of the admin until they
    give it. Put it after ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.second_factor_redirect(request) or self.get_response(request)

    def second_factor_redirect(self, request):
        if not required_names():
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        if request.path in _open_paths() or not required_for(user):
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or not otp_installed():
            # Fail closed: the system check b52_wagtail.E007 explains this.
            raise ImproperlyConfigured(
                "B52_REQUIRE_2FA needs django_otp, django_otp.plugins.otp_totp and "
                f"{OTP_MIDDLEWARE} before {MIDDLEWARE}."
            )
        if is_verified():
            return None
        target = "b52_twofactor:verify" if has_confirmed_device(user) else "b52_twofactor:enrol"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
