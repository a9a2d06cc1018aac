"""Settings of the benchmarks: the test settings plus the test-only app with
the title-only ``TrivialPage`` used as the baseline."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
