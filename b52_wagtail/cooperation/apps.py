from django.utils.translation import gettext_lazy as _

from ..apps import B52AppConfig


class B52CooperationConfig(B52AppConfig):
    default = True
    name = "b52_wagtail.cooperation"
    label = "b52_cooperation"
    verbose_name = _("B 52 cooperation fields")
    requires = ("b52_wagtail",)
    import_requires = requires
