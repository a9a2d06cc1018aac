"""What one request may spend on inspecting its files, in total.

Each file has its own limits (size, pixels, inflated size); the budget
bounds the sum over all files of one form submission, so that five files
just under every per-file limit cannot add up to minutes of CPU or
gigabytes of decoded data. One :class:`InspectionBudget` is created per
form validation and passed through every check; the checks charge it as
they go (bytes inflated, pixels decoded) and ask it for the time at their
checkpoints (between files, zip chunks and PDF objects).

The clock is the CPU time of the current thread (``time.thread_time``):
other requests running in other threads of the same process do not eat
into this request's budget, and waiting for I/O is not counted. A single
call into a C decoder (one image, one zlib chunk) cannot be interrupted;
the per-file limits keep each of those short.
"""

import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...conf import b52_settings

# Replaced in tests to make time pass on demand.
clock = time.thread_time


class BudgetExceeded(Exception):
    """Raised by a check when the request's budget is used up."""

    def __init__(self, resource):
        super().__init__(resource)
        self.resource = resource


class InspectionBudget:
    """Seconds of CPU, inflated bytes and decoded pixels left for the files
    of one request."""

    def __init__(self, *, seconds, inflated_bytes, pixels):
        self.seconds = seconds
        self.inflated_limit = inflated_bytes
        self.pixel_limit = pixels
        self.inflated = 0
        self.pixels = 0
        self.started = clock()

    @classmethod
    def from_settings(cls):
        return cls(
            seconds=b52_settings.APPLICATION_INSPECTION_BUDGET_SECONDS,
            inflated_bytes=b52_settings.APPLICATION_MAX_INFLATED_SIZE,
            pixels=b52_settings.APPLICATION_MAX_TOTAL_IMAGE_PIXELS,
        )

    @property
    def elapsed(self):
        return clock() - self.started

    @property
    def inflated_left(self):
        return max(self.inflated_limit - self.inflated, 0)

    def check_time(self):
        if self.elapsed > self.seconds:
            raise BudgetExceeded("time")

    def spend_inflated(self, count):
        """Charge ``count`` bytes that were inflated or decoded."""
        self.inflated += count
        if self.inflated > self.inflated_limit:
            raise BudgetExceeded("inflated")
        self.check_time()

    def spend_pixels(self, count):
        """Charge the pixels of an image before it is decoded."""
        self.pixels += count
        if self.pixels > self.pixel_limit:
            raise BudgetExceeded("pixels")
        self.check_time()


def budget_exceeded(name):
    """The message for the first file the budget did not cover."""
    return ValidationError(
        _(
            "The files are too costly to check together (stopped at “%(name)s”). "
            "Please upload fewer or smaller files, for example PDFs instead of large "
            "images or documents."
        ),
        code="inspection_budget",
        params={"name": name},
    )
