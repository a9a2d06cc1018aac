from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52PressConfig(AppConfig):
    name = "b52_wagtail.press"
    label = "b52_press"
    verbose_name = _("B 52 press releases")
    default_auto_field = "django.db.models.BigAutoField"
