from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52ApplicationsConfig(AppConfig):
    name = "b52_wagtail.applications"
    label = "b52_applications"
    verbose_name = _("B 52 applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (deletes stored files with their rows)
