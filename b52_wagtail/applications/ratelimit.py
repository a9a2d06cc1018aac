"""A per-client limit of form POSTs, counted in the cache framework.

Each client's window opens with its first POST (not on the clock's minute),
so a client learns exactly how long to wait (``Retry-After``).

With a shared cache (Redis, Memcached) the limit holds across processes
and servers; the local-memory cache counts per process. Django's database
and file caches cannot count atomically (their ``incr`` is a read and a
write): with them the count is kept in the :class:`~.models.RateCounter`
table instead, updated with one atomic ``UPDATE``, so exactly the limit
passes however many requests arrive at once.
"""

import datetime
import hashlib
import logging
import math
import time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..conf import b52_settings

NON_ATOMIC_CACHES = (DatabaseCache, FileBasedCache)

logger = logging.getLogger(__name__)


def client_address(request):
    """The client's IP address.

    ``REMOTE_ADDR`` unless ``B52_TRUSTED_PROXY_COUNT`` proxies are in front:
    then the address the outermost trusted proxy saw, i.e. the entry of
    ``X-Forwarded-For`` that many places from the right. Entries further left
    come from the client and could be forged.
    """
    proxies = b52_settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
        if forwarded:
            return forwarded[0]
    return remote


def rate_limit_wait(request):
    """Count this POST. 0 when it may pass; otherwise the seconds until
    the client may post again (its ``Retry-After``).

    The window opens with the client's first POST and lasts
    ``B52_APPLICATION_RATE_WINDOW`` seconds: up to
    ``B52_APPLICATION_RATE_LIMIT`` POSTs pass in it.
    """
    limit = b52_settings.APPLICATION_RATE_LIMIT
    if not limit:
        return 0
    window = max(int(b52_settings.APPLICATION_RATE_WINDOW), 1)
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"b52:applications:rate:{client}"
    cache = caches[b52_settings.APPLICATION_CACHE]
    try:
        count, ends = count_attempt(cache, key, window)
    except Exception:
        if isinstance(cache, NON_ATOMIC_CACHES):
            # The database that stores the application: if it is away, the
            # submission fails anyway and says so.
            raise
        # A cache that is down (Redis restarting) must not stop
        # applications: the limit is a defence, storing them the purpose.
        logger.warning("rate limit not counted: the cache %r failed", cache, exc_info=True)
        return 0
    if count <= limit:
        return 0
    return min(window, max(1, math.ceil(ends - time.time())))


def count_attempt(cache, key, window):
    """Count one attempt under ``key`` in a window of ``window`` seconds
    opened by the first: the number this attempt got, and when the window
    ends (a Unix time)."""
    if isinstance(cache, NON_ATOMIC_CACHES):
        return count_in_database(key, window)
    return count_in_cache(cache, key, window)


def count_in_cache(cache, key, window):
    """:func:`count_attempt` in a cache with an atomic ``incr``.

    The first attempt stores when the window ends; the count lives under a
    key named after that end. A window that ended leaves its count behind
    (to expire) and the next attempt starts a new one, even where ``incr``
    and the expiry race (Django's RedisCache checks that the key exists,
    then increments: a key that expired in between comes back without an
    expiry, under a name no later window uses).
    """
    now = time.time()
    cache.add(f"{key}:ends", now + window, timeout=window)
    ends = cache.get(f"{key}:ends") or now + window
    counter = f"{key}:{ends:.6f}"
    cache.add(counter, 0, timeout=window + 1)
    try:
        return cache.incr(counter), ends
    except ValueError:
        # The counter expired between add() and incr().
        cache.add(counter, 1, timeout=window + 1)
        return 1, ends


def count_in_database(key, window):
    """:func:`count_attempt` in :class:`~.models.RateCounter`.
    Concurrent requests queue on the row lock of the ``UPDATE``, so each
    sees its own number."""
    from .models import RateCounter

    now = timezone.now()
    ends = now + datetime.timedelta(seconds=window)
    with transaction.atomic():
        counter, created = RateCounter.objects.get_or_create(
            key=key, defaults={"count": 1, "expires_at": ends}
        )
        if created:
            # Once per client and window: drop the counters of other
            # clients whose windows are long over.
            RateCounter.objects.filter(
                expires_at__lt=now - datetime.timedelta(seconds=window)
            ).delete()
            return 1, ends.timestamp()
        counters = RateCounter.objects.filter(pk=counter.pk)
        # The client's window is over: this POST opens the next one.
        if counters.filter(expires_at__lte=now).update(count=1, expires_at=ends):
            return 1, ends.timestamp()
        counters.update(count=F("count") + 1)
        row = counters.values_list("count", "expires_at").first()
    if row is None:
        # Another client's clean-up removed the row as long over: count
        # this attempt in a new one.
        return count_in_database(key, window)
    return row[0], row[1].timestamp()
