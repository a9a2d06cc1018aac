from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52CooperationConfig(AppConfig):
    name = "b52_wagtail.cooperation"
    label = "b52_cooperation"
    verbose_name = _("B 52 cooperation fields")
    default_auto_field = "django.db.models.BigAutoField"
