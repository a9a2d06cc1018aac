"""A per-client limit of form POSTs, counted in the cache framework.

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


def rate_limit_exceeded(request, page):
    """Count this POST; True when the client has posted more than
    ``B52_APPLICATION_RATE_LIMIT`` times in the current window."""
    limit = b52_settings.APPLICATION_RATE_LIMIT
    if not limit:
        return False
    window = max(int(b52_settings.APPLICATION_RATE_WINDOW), 1)
    bucket = int(time.time() // window)
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"b52:applications:rate:{client}:{bucket}"
    cache = caches[b52_settings.APPLICATION_CACHE]
    if isinstance(cache, NON_ATOMIC_CACHES):
        # In the database that stores the application: if it is away, the
        # submission fails anyway and says so.
        count = count_in_database(key, window)
    else:
        try:
            count = count_in_cache(cache, key, window)
        except Exception:  # noqa: BLE001
            # A cache that is down (Redis restarting) must not stop
            # applications: the limit is a defence, storing them the purpose.
            logger.warning("rate limit not counted: the cache %r failed", cache, exc_info=True)
            return False
    return count > limit


def count_in_cache(cache, key, window):
    cache.add(key, 0, timeout=window * 2)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr().
        cache.add(key, 1, timeout=window * 2)
        return 1


def count_in_database(key, window):
    """Count one POST under ``key``; the number this POST got. Concurrent
    requests queue on the row lock of the ``UPDATE``, so each sees its own
    number."""
    from .models import RateCounter

    now = timezone.now()
    with transaction.atomic():
        counter, created = RateCounter.objects.get_or_create(
            key=key,
            defaults={"count": 1, "expires_at": now + datetime.timedelta(seconds=window * 2)},
        )
        if created:
            # Once per client and window: drop the counters of past windows.
            RateCounter.objects.filter(expires_at__lt=now).delete()
            return 1
        RateCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        return RateCounter.objects.filter(pk=counter.pk).values_list("count", flat=True).get()
