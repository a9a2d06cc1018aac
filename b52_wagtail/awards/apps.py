from django.utils.translation import gettext_lazy as _

from ..apps import B52AppConfig


class B52AwardsConfig(B52AppConfig):
    default = True
    name = "b52_wagtail.awards"
    label = "b52_awards"
    verbose_name = _("B 52 award")
    requires = ("b52_wagtail",)
    import_requires = requires
