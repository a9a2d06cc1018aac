"""Mail tasks: every mail of a submission is a :class:`~.models.MailDelivery`
row (written in the submission's transaction) and a task that sends it.

A failed send leaves the row ``failed`` with the error and the time of the
next attempt (exponential backoff). When the task backend can defer tasks
the task re-enqueues itself; in any case ``manage.py b52_retry_mail`` (run
it from cron) sends what is due, so a dead mail server loses nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from ..conf import b52_settings
from .mail import send_delivery_mail
from .models import MailDelivery

logger = logging.getLogger(__name__)

# A delivery left "sending" this long is taken to have crashed mid-send.
STALE_SENDING = datetime.timedelta(minutes=15)
MAX_DELAY = datetime.timedelta(hours=6)


def _task_module():
    """``django.tasks`` (Django 6) when the TASKS setting names one of its
    backends, otherwise the django-tasks backport."""
    backend = ((getattr(settings, "TASKS", None) or {}).get("default") or {}).get("BACKEND", "")
    if backend.startswith("django.tasks."):
        import django.tasks as module
    else:
        try:
            import django_tasks as module
        except ImportError:  # pragma: no cover  (Django 6 without the backport)
            import django.tasks as module
    return module


task = _task_module().task


@task()
def send_application_mail(delivery_id):
    """Send one mail of a submission (see :func:`deliver`)."""
    return deliver(delivery_id)


def retry_delay(attempts):
    base = datetime.timedelta(seconds=b52_settings.APPLICATION_MAIL_RETRY_DELAY)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def deliver(delivery_id):
    """Claim the delivery, send it, record the outcome. Returns the new state
    (or ``"skipped"`` when another worker has it or it was sent already)."""
    now = timezone.now()
    claimed = MailDelivery.objects.filter(
        pk=delivery_id, state__in=[MailDelivery.State.QUEUED, MailDelivery.State.FAILED]
    ).update(state=MailDelivery.State.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    delivery = MailDelivery.objects.select_related("submission").get(pk=delivery_id)
    try:
        send_delivery_mail(delivery)
    except Exception as error:  # noqa: BLE001  (any mail failure is retried)
        delivery.state = MailDelivery.State.FAILED
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts < b52_settings.APPLICATION_MAIL_MAX_ATTEMPTS:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        else:
            delivery.next_attempt_at = None
        delivery.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
        logger.warning(
            "application mail %s (%s) failed, attempt %s: %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            type(error).__name__,
        )
        if delivery.next_attempt_at:
            schedule_retry(delivery)
        return delivery.state
    delivery.state = MailDelivery.State.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "sent_at", "last_error", "next_attempt_at", "updated_at"])
    return delivery.state


def enqueue_delivery(delivery):
    """Hand a delivery to the task queue. If the queue itself is down the
    row stays queued and ``b52_retry_mail`` sends it."""
    try:
        send_application_mail.enqueue(delivery.pk)
    except Exception:  # noqa: BLE001
        logger.exception("could not enqueue application mail %s", delivery.pk)


def schedule_retry(delivery):
    backend = send_application_mail.get_backend()
    if not getattr(backend, "supports_defer", False):
        return
    try:
        send_application_mail.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    except Exception:  # noqa: BLE001
        logger.exception("could not re-enqueue application mail %s", delivery.pk)


def due_deliveries(now=None, *, include_exhausted=False):
    """Deliveries that should be sent now: queued ones (their task may have
    been lost), failed ones whose next attempt is due, stale "sending" ones."""
    now = now or timezone.now()
    failed = Q(state=MailDelivery.State.FAILED, next_attempt_at__lte=now)
    if include_exhausted:
        failed = Q(state=MailDelivery.State.FAILED)
    return MailDelivery.objects.filter(
        Q(state=MailDelivery.State.QUEUED)
        | failed
        | Q(state=MailDelivery.State.SENDING, updated_at__lt=now - STALE_SENDING)
    ).order_by("pk")


def retry_due(now=None, *, include_exhausted=False):
    """Send every due delivery; returns ``{state: count}``."""
    now = now or timezone.now()
    MailDelivery.objects.filter(
        state=MailDelivery.State.SENDING, updated_at__lt=now - STALE_SENDING
    ).update(state=MailDelivery.State.FAILED, next_attempt_at=now, updated_at=now)
    outcome = {}
    for delivery_id in due_deliveries(now, include_exhausted=include_exhausted).values_list(
        "pk", flat=True
    ):
        state = deliver(delivery_id)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome
