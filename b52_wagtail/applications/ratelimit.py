"""A per-client limit of form POSTs, counted in the cache framework.

With a shared cache (Redis, Memcached, the database cache) the limit holds
across processes and servers; the local-memory cache counts per process.
"""

import hashlib
import time

from django.core.cache import caches

from ..conf import b52_settings


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
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr().
        cache.add(key, 1, timeout=window * 2)
        count = 1
    return count > limit
