"""The awards app's admin hooks (``admin_hooks``), registered only when its
requirements are installed (system check ``b52_wagtail.E004``)."""

from ..apps import active_app

if active_app("b52_wagtail.awards"):
    from . import admin_hooks  # noqa: F401
