from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52AwardsConfig(AppConfig):
    name = "b52_wagtail.awards"
    label = "b52_awards"
    verbose_name = _("B 52 award")
    default_auto_field = "django.db.models.BigAutoField"
