from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52CoreConfig(AppConfig):
    name = "b52_wagtail"
    label = "b52_wagtail"
    verbose_name = _("B 52 core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import setting_changed

        from . import checks  # noqa: F401  (registers the system checks)
        from .cache import connect_signals
        from .conf import b52_settings

        setting_changed.connect(b52_settings.reload)
        connect_signals()
