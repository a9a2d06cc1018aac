"""Mail tasks: every mail of a submission is a :class:`~.models.MailDelivery`
row (written in the submission's transaction) and a task that sends it.

A worker claims a delivery with one conditional UPDATE (``queued``/``failed``
→ ``sending``) and holds it for ``B52_APPLICATION_MAIL_LEASE`` seconds. A
delivery still ``sending`` after its lease has lost its worker (killed,
out of memory, redeployed): exactly one later worker reclaims it, with the
same kind of UPDATE, and sends it. Who does that without anyone running a
command:

- with a backend that defers tasks (``supports_defer``), a watchdog task
  enqueued with every send task, due when the lease has run out;
- with any backend, every run of :func:`send_application_mail` sweeps a few
  deliveries that are due (lease expired, task lost, retry due);
- ``manage.py b52_retry_mail`` (cron) stays as the safety net.

A failed send leaves the row ``failed`` with the error and the time of the
next attempt (exponential backoff). The one way a mail goes out twice: the
SMTP server accepted it and the worker died before it recorded ``sent``.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..conf import b52_settings
from .mail import send_delivery_mail
from .models import MailDelivery

logger = logging.getLogger(__name__)

State = MailDelivery.State

MAX_DELAY = datetime.timedelta(hours=6)
# The watchdog runs this long after the lease would run out, so that a send
# that started a little late has had its full lease.
WATCHDOG_MARGIN = datetime.timedelta(seconds=30)
# Deliveries one ordinary task run sends besides its own, at most.
SWEEP_LIMIT = 10


def mail_lease():
    """How long a worker holds a delivery it is sending (``B52_APPLICATION_MAIL_LEASE``)."""
    return datetime.timedelta(seconds=b52_settings.APPLICATION_MAIL_LEASE)


def __getattr__(name):
    # STALE_SENDING was a constant (15 minutes) before the lease became a setting.
    if name == "STALE_SENDING":
        return mail_lease()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    """Send one mail of a submission (see :func:`deliver`), then, when the
    mail server took it, the few other deliveries that are due (see :func:`sweep`)."""
    state = deliver(delivery_id)
    if state != State.FAILED:
        sweep(exclude=delivery_id)
    return state


@task()
def watch_application_mail(delivery_id):
    """The watchdog of one delivery, deferred until its lease has run out:
    sends the delivery when its task was lost (still queued), its retry is
    due, or its worker died (still sending after the lease). Otherwise it
    does nothing, or waits for the lease of a send that is still running."""
    now = timezone.now()
    row = (
        MailDelivery.objects.filter(pk=delivery_id)
        .values("state", "attempts", "updated_at", "next_attempt_at")
        .first()
    )
    if row is None or row["state"] == State.SENT:
        return "skipped"
    if row["state"] == State.FAILED and not (
        row["next_attempt_at"] and row["next_attempt_at"] <= now
    ):
        return "skipped"
    if row["state"] == State.SENDING:
        if row["updated_at"] >= now - mail_lease():
            arm_watchdog(delivery_id, row["updated_at"] + mail_lease() + WATCHDOG_MARGIN)
            return "skipped"
        if row["attempts"] >= b52_settings.APPLICATION_MAIL_MAX_ATTEMPTS:
            return give_up(delivery_id, now)
        logger.warning("application mail %s: worker lost while sending, sending again", delivery_id)
    # This worker may die too: the next watchdog is on its way first.
    arm_watchdog(delivery_id, now + mail_lease() + WATCHDOG_MARGIN)
    return deliver(delivery_id)


def retry_delay(attempts):
    base = datetime.timedelta(seconds=b52_settings.APPLICATION_MAIL_RETRY_DELAY)
    return min(base * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def lease_expired(now):
    """Deliveries whose worker has held them longer than the lease."""
    return Q(state=State.SENDING, updated_at__lt=now - mail_lease())


def deliver(delivery_id):
    """Claim the delivery, send it, record the outcome. Returns the new state
    (or ``"skipped"`` when another worker holds it or it was sent already).

    The claim is one conditional UPDATE, so of two workers exactly one gets
    a delivery: a queued or failed one, or one still ``sending`` after its
    lease. The outcome is recorded only while this worker still holds the
    claim (``updated_at`` is the claim's time), so a worker that outlived its
    lease never overwrites the state its successor recorded."""
    claimed_at = timezone.now()
    claimed = (
        MailDelivery.objects.filter(pk=delivery_id)
        .filter(Q(state__in=[State.QUEUED, State.FAILED]) | lease_expired(claimed_at))
        .update(state=State.SENDING, attempts=F("attempts") + 1, updated_at=claimed_at)
    )
    if not claimed:
        return "skipped"
    delivery = MailDelivery.objects.select_related("submission").get(pk=delivery_id)
    try:
        send_delivery_mail(delivery)
    except Exception as error:  # noqa: BLE001  (any mail failure is retried)
        if delivery.attempts < b52_settings.APPLICATION_MAIL_MAX_ATTEMPTS:
            delivery.next_attempt_at = claimed_at + retry_delay(delivery.attempts)
        else:
            delivery.next_attempt_at = None
        recorded = _record(
            delivery,
            claimed_at,
            state=State.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=delivery.next_attempt_at,
        )
        logger.warning(
            "application mail %s (%s) failed, attempt %s: %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            type(error).__name__,
        )
        if recorded and delivery.next_attempt_at:
            schedule_retry(delivery)
        return State.FAILED
    _record(
        delivery,
        claimed_at,
        state=State.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
    )
    return State.SENT


def _record(delivery, claimed_at, **fields):
    recorded = MailDelivery.objects.filter(
        pk=delivery.pk, state=State.SENDING, updated_at=claimed_at
    ).update(updated_at=timezone.now(), **fields)
    if not recorded:
        logger.warning(
            "application mail %s: the send outlived its lease of %s seconds and another "
            "worker took the mail over (it may have gone out twice); raise "
            "B52_APPLICATION_MAIL_LEASE above the longest send",
            delivery.pk,
            b52_settings.APPLICATION_MAIL_LEASE,
        )
    return bool(recorded)


def give_up(delivery_id, now=None):
    """A delivery whose worker died on its last attempt: ``failed`` with no
    next attempt (``b52_retry_mail --all`` forces it)."""
    now = now or timezone.now()
    updated = (
        MailDelivery.objects.filter(pk=delivery_id)
        .filter(lease_expired(now))
        .update(
            state=State.FAILED,
            next_attempt_at=None,
            last_error="The worker stopped while sending (lease expired); no attempts left.",
            updated_at=now,
        )
    )
    return State.FAILED if updated else "skipped"


def _supports_defer(task_):
    return getattr(task_.get_backend(), "supports_defer", False)


def _savepoint(task_):
    """A savepoint around enqueuing ``task_`` where the backend queues it
    (see :func:`enqueue_deliveries`); nothing where it runs it at once."""
    return transaction.atomic() if _supports_defer(task_) else contextlib.nullcontext()


def arm_watchdog(delivery_id, run_after):
    """Enqueue the watchdog of a delivery for ``run_after`` (only with a backend
    that defers tasks; without one, :func:`sweep` and the cron command heal)."""
    try:
        if _supports_defer(watch_application_mail):
            with transaction.atomic():  # a savepoint inside enqueue_deliveries()
                watch_application_mail.using(run_after=run_after).enqueue(delivery_id)
    except Exception:  # noqa: BLE001
        logger.exception("could not enqueue the watchdog of application mail %s", delivery_id)


def enqueue_delivery(delivery):
    """Hand a delivery to the task queue, its watchdog first: if the send task
    is lost (or the queue refuses it) the watchdog sends it after the lease,
    and if the queue itself is down the row stays queued for :func:`sweep`
    and ``b52_retry_mail``."""
    arm_watchdog(delivery.pk, timezone.now() + mail_lease() + WATCHDOG_MARGIN)
    try:
        with _savepoint(send_application_mail):
            send_application_mail.enqueue(delivery.pk)
    except Exception:  # noqa: BLE001
        logger.exception("could not enqueue application mail %s", delivery.pk)


def enqueue_deliveries(deliveries):
    """Enqueue the mails of one application. A queue in the database (a
    backend that defers tasks) gets all their tasks in one commit, each task
    in a savepoint of its own so that one refused task does not take the
    others with it. A backend that runs tasks at once (the immediate one)
    sends each mail outside any transaction: no lock is held while SMTP
    talks."""
    if not _supports_defer(send_application_mail):
        for delivery in deliveries:
            enqueue_delivery(delivery)
        return
    try:
        with transaction.atomic():
            for delivery in deliveries:
                enqueue_delivery(delivery)
    except Exception:  # noqa: BLE001  (the rows wait for sweep() and b52_retry_mail)
        logger.exception("could not commit the mail tasks of %d deliveries", len(deliveries))


def schedule_retry(delivery):
    try:
        if not _supports_defer(send_application_mail):
            return
        arm_watchdog(delivery.pk, delivery.next_attempt_at + mail_lease() + WATCHDOG_MARGIN)
        send_application_mail.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    except Exception:  # noqa: BLE001
        logger.exception("could not re-enqueue application mail %s", delivery.pk)


def due_deliveries(now=None, *, include_exhausted=False, lost_after=None):
    """Deliveries that should be sent now: queued ones (their task may have
    been lost; with ``lost_after``, only those queued longer than that),
    failed ones whose next attempt is due (with ``include_exhausted`` every
    failed one) and ones whose worker died (lease expired)."""
    now = now or timezone.now()
    queued = Q(state=State.QUEUED)
    if lost_after is not None:
        queued &= Q(updated_at__lt=now - lost_after)
    failed = Q(state=State.FAILED, next_attempt_at__lte=now)
    if include_exhausted:
        failed = Q(state=State.FAILED)
    return MailDelivery.objects.filter(queued | failed | lease_expired(now)).order_by("pk")


def retry_due(now=None, *, include_exhausted=False):
    """Send every due delivery; returns ``{state: count}``. A delivery whose
    worker died on its last attempt is marked failed instead, unless
    ``include_exhausted``."""
    now = now or timezone.now()
    due = due_deliveries(now, include_exhausted=include_exhausted)
    return _send_due(due, now, include_exhausted=include_exhausted)


def sweep(exclude=None, limit=SWEEP_LIMIT):
    """What every ordinary task run does besides its own mail, so that a busy
    site heals without cron: send at most ``limit`` deliveries that are due
    (lease expired, queued for longer than the lease, retry due). One indexed
    query when nothing is due; stops at the first failed send (the mail
    server is down: the backoff and later runs take over)."""
    now = timezone.now()
    due = due_deliveries(now, lost_after=mail_lease())
    if exclude is not None:
        due = due.exclude(pk=exclude)
    return _send_due(due[:limit], now, stop_on_failure=True)


def _send_due(due, now, *, include_exhausted=False, stop_on_failure=False):
    outcome = {}
    max_attempts = b52_settings.APPLICATION_MAIL_MAX_ATTEMPTS
    for delivery_id, state, attempts in list(due.values_list("pk", "state", "attempts")):
        if state == State.SENDING and attempts >= max_attempts and not include_exhausted:
            result = give_up(delivery_id, now)
            outcome[result] = outcome.get(result, 0) + 1
            continue
        if state == State.SENDING:
            logger.warning(
                "application mail %s: worker lost while sending, sending again", delivery_id
            )
        result = deliver(delivery_id)
        outcome[result] = outcome.get(result, 0) + 1
        if stop_on_failure and result == State.FAILED:
            break
    return outcome
