"""Jurors' admin sessions expire after ``B52_JURY_SESSION_AGE`` seconds
(they read personal data of applicants, often on shared or foreign
machines). Staff and superusers keep the host's session age."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ...conf import b52_settings


@receiver(user_logged_in, dispatch_uid="b52_jury_session_age")
def shorten_jury_sessions(sender, request, user, **kwargs):
    from .access import is_jury_staff, may_review

    age = b52_settings.JURY_SESSION_AGE
    if not age or request is None or not hasattr(request, "session"):
        return
    if may_review(user) and not is_jury_staff(user):
        request.session.set_expiry(age)
