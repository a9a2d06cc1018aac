from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B52PressConfig(AppConfig):
    name = "b52_wagtail.press"
    label = "b52_press"
    verbose_name = _("B 52 press releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ..content import register_news_source
        from .models import PressReleasePage

        register_news_source(PressReleasePage)
