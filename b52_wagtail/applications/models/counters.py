"""Counters kept in the database: receipt numbers and, where the cache
cannot count atomically, the rate limit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceiptSequence(models.Model):
    """The last receipt number given out under one prefix (``B52-2026``).

    One row per prefix for the whole install: forms of every site that
    share a prefix draw from one sequence, so a receipt number is never
    given twice. The row stays locked while a submission is stored.
    """

    prefix = models.CharField(_("prefix"), max_length=30, unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt number sequence")
        verbose_name_plural = _("receipt number sequences")

    def __str__(self):
        return f"{self.prefix}: {self.last_number}"


class RateCounter(models.Model):
    """POSTs of one client in one time window, for caches whose ``incr`` is
    not atomic (Django's database and file caches)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self):
        return f"{self.key}: {self.count}"
