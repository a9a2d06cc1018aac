from django.utils.translation import gettext_lazy as _

from ..apps import B52AppConfig


class B52PressConfig(B52AppConfig):
    default = True
    name = "b52_wagtail.press"
    label = "b52_press"
    verbose_name = _("B 52 press releases")
    requires = ("b52_wagtail",)
    import_requires = requires

    def b52_ready(self):
        from ..content import register_news_source
        from .models import PressReleasePage

        register_news_source(PressReleasePage)
