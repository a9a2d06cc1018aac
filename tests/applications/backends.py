"""A mail backend whose server can be switched off and on."""

import smtplib

from django.core.cache.backends.locmem import LocMemCache
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    down = True

    def send_messages(self, messages):
        if FlakyBackend.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class UnreachableCache(LocMemCache):
    """A cache whose server is down: every call raises, as Django's
    RedisCache does with redis-py's ConnectionError."""

    def add(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    incr = get = set = add
