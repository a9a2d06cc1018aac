"""The applications app's admin hooks (``admin_hooks``), registered only
when its requirements are installed: without them the app stays inactive
and the system check ``b52_wagtail.E004`` says what to add."""

from ..apps import active_app

if active_app("b52_wagtail.applications"):
    from . import admin_hooks  # noqa: F401
