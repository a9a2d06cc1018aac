from django.utils.translation import gettext_lazy as _

from ..apps import B52AppConfig


class B52ApiConfig(B52AppConfig):
    default = True
    name = "b52_wagtail.api"
    label = "b52_api"
    verbose_name = _("B 52 API")
    requires = ("b52_wagtail", "wagtail.api.v2", "rest_framework")
    import_requires = ("b52_wagtail",)
