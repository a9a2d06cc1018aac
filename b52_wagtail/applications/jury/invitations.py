"""Inviting an external juror: an inactive account in the jury group,
named on the jury, and a German mail with a link to set a password
(Django's password-reset token: valid for ``PASSWORD_RESET_TIMEOUT`` and
only once, since setting the password changes the token's hash). Setting
the password activates the account and signs the juror in.

The invited account's admin speaks the package's language (``B52_LANGUAGE``,
German by default) rather than the host's ``LANGUAGE_CODE``: its Wagtail
profile gets that preferred language unless it has one, and the juror goes
from the password page straight into the admin instead of Wagtail's sign-in
page (which speaks the host's language).
"""

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.admin.localization import get_available_admin_languages
from wagtail.users.models import UserProfile

from ... import localization
from ..mail import admin_base_url
from ..models import Juror


def admin_language():
    """The code of the admin language matching the package's language
    (``B52_LANGUAGE``) among the host's admin languages, or None."""
    wanted = localization.default_language()
    for code, _name in get_available_admin_languages():
        if localization.base_language(code) == wanted:
            return code
    return None


def prefer_package_language(user):
    """Give ``user``'s Wagtail profile the package's language unless they
    chose one already."""
    language = admin_language()
    if language is None:
        return
    profile = UserProfile.get_for_user(user)
    if not profile.preferred_language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])


def model_backend():
    """The dotted path of the first configured backend that signs in with a
    password stored on the user (the one an invited juror's password is for)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if issubclass(import_string(path), ModelBackend):
            return path
    return None


def invitation_url(user, page):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return admin_base_url(page) + reverse("b52_applications:jury_invitation", args=[uid, token])


def build_invitation(jury, user):
    call = jury.call
    with localization.override(page=call):
        context = {
            "user": user,
            "call": call,
            "url": invitation_url(user, call),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        }
        subject = gettext("Invitation to the jury of “%(call)s”") % {"call": call.title}
        body = render_to_string("b52_wagtail/applications/jury/mail/invitation.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


@transaction.atomic
def invite(jury, group, name, email):
    """Create the inactive account, name it on ``jury`` and send the mail;
    nothing stays behind when the mail cannot be sent."""
    User = get_user_model()
    first, _sep, last = name.strip().rpartition(" ")
    if not first:
        first, last = last, ""
    user = User(email=email, first_name=first[:150], last_name=last[:150], is_active=False)
    setattr(user, User.USERNAME_FIELD, email[:150])
    user.set_unusable_password()
    user.save()
    user.groups.add(group)
    prefer_package_language(user)
    Juror.objects.create(jury=jury, user=user, sort_order=jury.jurors.count())
    build_invitation(jury, user).send()
    return user


def _invited_user(uidb64, token):
    User = get_user_model()
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User._default_manager.get(pk=pk)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None
    if not default_token_generator.check_token(user, token):
        return None
    return user


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request, uidb64, token):
    """The invited juror sets a password; the account becomes active and
    they sign in to the admin."""
    user = _invited_user(uidb64, token)
    with localization.override():
        if user is None:
            response = TemplateResponse(
                request,
                "b52_wagtail/applications/jury/invitation_invalid.html",
                {},
                status=404,
            )
            return localization.render_response(response)
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = form.save(commit=False)
            user.is_active = True
            user.save()
            prefer_package_language(user)
            backend = model_backend()
            if backend is None:
                return redirect(reverse("wagtailadmin_login"))
            # As Django's password reset with ``post_reset_login``: the link
            # proved the address. The admin then speaks the profile's
            # language (and asks for a second factor where one is required).
            login(request, user, backend=backend)
            return redirect(reverse("wagtailadmin_home"))
        response = TemplateResponse(
            request, "b52_wagtail/applications/jury/invitation.html", {"form": form, "user": user}
        )
        return localization.render_response(response)
