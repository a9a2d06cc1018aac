"""Reminders of the review deadline for jurors with open reviews, sent once
per juror, jury and deadline (``JuryReminder``)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from ... import localization
from ...conf import b52_settings
from ..mail import admin_base_url
from ..models import ApplicationStatus, ApplicationSubmission, Juror, Jury, JuryReminder, Review

logger = logging.getLogger(__name__)


def open_reviews(jury, user):
    """The number of applications forwarded to ``user`` on ``jury`` that
    they neither scored completely nor declared a conflict with."""
    criteria = jury.criteria.count()
    forwarded = ApplicationSubmission.objects.filter(
        call_id=jury.call_id, status=ApplicationStatus.JURY
    )
    finished = (
        Review.objects.filter(juror=user, submission__in=forwarded)
        .annotate(n=Count("scores"))
        .filter(Q(conflict_of_interest=True) | Q(n__gte=criteria))
    )
    return forwarded.count() - finished.count()


def due_juries(today, days):
    """Juries whose review deadline is ``days`` days or fewer from ``today``
    and not yet past."""
    return Jury.objects.filter(
        review_deadline__gte=today, review_deadline__lte=today + datetime.timedelta(days=days)
    ).select_related("call")


def build_reminder(jury, user, count):
    call = jury.call
    with localization.override(page=call):
        context = {
            "user": user,
            "call": call,
            "jury": jury,
            "count": count,
            "url": admin_base_url(call) + reverse("b52_jury:index"),
        }
        subject = gettext("Reminder: jury reviews for “%(call)s”") % {"call": call.title}
        body = render_to_string("b52_wagtail/applications/jury/mail/reminder.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def send_reminders(today=None, days=None):
    """Send the due reminders; returns how many were sent. A reminder is
    recorded before its mail goes out (in one transaction with it), so two
    runs at once, or a run after a crash, send none twice."""
    today = today or localization.localdate()
    days = b52_settings.JURY_REMINDER_DAYS if days is None else days
    sent = 0
    for jury in due_juries(today, days):
        jurors = Juror.objects.filter(jury=jury, user__is_active=True).select_related("user")
        for juror in jurors:
            user = juror.user
            if not user.email:
                continue
            count = open_reviews(jury, user)
            if not count:
                continue
            try:
                with transaction.atomic():
                    JuryReminder.objects.create(
                        jury=jury, user=user, review_deadline=jury.review_deadline
                    )
                    build_reminder(jury, user, count).send()
            except IntegrityError:
                continue  # reminded already
            except OSError:
                # The mail server refused: nothing is recorded, the next run tries again.
                logger.exception("Jury reminder to user %s not sent", user.pk)
                continue
            sent += 1
    return sent
