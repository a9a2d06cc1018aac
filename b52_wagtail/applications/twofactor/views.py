"""The second factor's admin pages: enrolment (QR code and key of a new
TOTP device, confirmed with a first code), verification of later sessions,
and the superusers' page that resets a user's devices. Imported only when
django-otp is installed."""

import hashlib
import logging
import re
from base64 import b32encode

from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import device_classes, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin import messages
from wagtail.log_actions import log

from ...conf import b52_settings
from ..ratelimit import count_attempt
from . import has_confirmed_device, required_for

logger = logging.getLogger(__name__)

ENROL_ACTION = "b52_twofactor.enrol"
RESET_ACTION = "b52_twofactor.reset"
TEMPLATES = "b52_wagtail/applications/twofactor/"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("The code your authenticator app shows now (it changes every 30 seconds)."),
        error_messages={"required": _("Enter the six-digit code from your authenticator app.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
                "maxlength": 9,
            }
        ),
    )

    def link_errors(self):
        """The page lists the errors above the form (the admin's sign-in
        layout hides them at the field): the field points to them."""
        if self.errors:
            self.fields["code"].widget.attrs["aria-describedby"] = (
                f"{self['code'].auto_id}-error {self['code'].auto_id}-helptext"
            )
        return self

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("The code consists of exactly six digits."))
        return code


def next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


def attempts_exceeded(user):
    """Count one try of ``user``; True past ``B52_TWO_FACTOR_RATE_LIMIT``
    tries in the window opened by the user's first try."""
    limit = b52_settings.TWO_FACTOR_RATE_LIMIT
    if not limit:
        return False
    window = max(int(b52_settings.TWO_FACTOR_RATE_WINDOW), 1)
    who = hashlib.sha256(str(user.pk).encode()).hexdigest()[:32]
    # Unlike the application form, a failing cache fails closed here.
    count, _ends = count_attempt(
        caches[b52_settings.APPLICATION_CACHE], f"b52:twofactor:tries:{who}", window
    )
    if count > limit:
        logger.warning("second factor: too many codes tried for user %s", user.pk)
        return True
    return False


def check_code(request, form, devices):
    """The device that accepts the form's code, or None (errors added to form)."""
    if attempts_exceeded(request.user):
        form.rate_limited = True
        form.add_error("code", _("Too many codes tried. Please wait a few minutes and try again."))
        return None
    code = form.cleaned_data["code"]
    for device in devices:
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
        if not allowed:
            form.rate_limited = True
            form.add_error("code", _("Too many wrong codes. Please wait a moment and try again."))
            return None
    form.add_error(
        "code",
        _("This code is not valid. Check the time of your device and enter the current code."),
    )
    return None


def qr_code_svg(url):
    """The otpauth URL as an inline SVG QR code; None without segno."""
    try:
        import segno
    except ImportError:
        return None
    return segno.make(url, error="m").svg_inline(
        scale=5, border=2, title=str(_("QR code for your authenticator app"))
    )


def grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def enrol(request):
    user = request.user
    target = next_url(request)
    if not required_for(user):
        return redirect(target)
    if has_confirmed_device(user):
        return redirect(reverse("b52_twofactor:verify") + "?" + request.GET.urlencode())
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), confirmed=False
        )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            accepted = check_code(request, form, [device])
            if accepted is not None:
                accepted.confirmed = True
                accepted.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                otp_login(request, accepted)
                # request.user is a lazy object (twice, with django-otp's
                # middleware) that the log registry cannot place.
                person = get_user_model()._default_manager.get(pk=user.pk)
                log(instance=person, action=ENROL_ACTION, user=person)
        if accepted is not None:
            messages.success(request, _("Your second factor is set up."))
            return redirect(target)
        status = 429 if getattr(form, "rate_limited", False) else 200
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form.link_errors(),
        "next": target,
        "qr_code": qr_code_svg(device.config_url),
        "secret": grouped(secret),
    }
    return TemplateResponse(request, TEMPLATES + "enrol.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    target = next_url(request)
    if not has_confirmed_device(user):
        if required_for(user):
            return redirect(reverse("b52_twofactor:enrol") + "?" + request.GET.urlencode())
        return redirect(target)
    if user.is_verified():
        return redirect(target)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = check_code(request, form, devices_for_user(user, for_verify=True))
            if device is not None:
                otp_login(request, device)
        if device is not None:
            return redirect(target)
        status = 429 if getattr(form, "rate_limited", False) else 200
    context = {"form": form.link_errors(), "next": target}
    return TemplateResponse(request, TEMPLATES + "verify.html", context, status=status)


def users_with_devices():
    ids = set()
    for model in device_classes():
        ids.update(model.objects.values_list("user_id", flat=True))
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


@require_http_methods(["GET", "POST"])
def reset(request):
    """Superusers remove all devices of a user, who enrols again at the next sign-in."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        person = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
        with transaction.atomic():
            count = 0
            for device in list(devices_for_user(person, confirmed=None)):
                device.delete()
                count += 1
            log(instance=person, action=RESET_ACTION, user=request.user, data={"devices": count})
        logger.info(
            "second factor of user %s reset by user %s (%s devices)",
            person.pk,
            request.user.pk,
            count,
        )
        messages.success(
            request,
            _("The second factor of %(name)s was reset.")
            % {"name": person.get_full_name() or person.get_username()},
        )
        return redirect("b52_twofactor:reset")
    return TemplateResponse(request, TEMPLATES + "reset.html", {"people": users_with_devices()})
