from django.utils.translation import gettext_lazy as _

from ..apps import B52AppConfig


class B52ApplicationsConfig(B52AppConfig):
    default = True
    name = "b52_wagtail.applications"
    label = "b52_applications"
    verbose_name = _("B 52 applications")
    requires = ("b52_wagtail", "b52_wagtail.awards", "wagtail.contrib.forms")
    import_requires = requires

    def b52_ready(self):
        from . import (
            checks,  # noqa: F401  (registers the storage checks)
            signals,  # noqa: F401  (deletes stored files with their rows)
        )
        from .jury import sessions  # noqa: F401  (jurors' sessions expire)
        from .twofactor import checks as twofactor_checks  # noqa: F401  (B52_REQUIRE_2FA)
