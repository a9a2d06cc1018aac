from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52ApiConfig(AppConfig):
    name = "b52_wagtail.api"
    label = "b52_api"
    verbose_name = _("B 52 API")
    default_auto_field = "django.db.models.BigAutoField"
