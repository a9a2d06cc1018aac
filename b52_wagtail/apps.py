from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class B52AppConfig(AppConfig):
    """Base of the package's app configs.

    ``requires`` names the apps this one needs in ``INSTALLED_APPS``; the
    system check ``b52_wagtail.E004`` names any that is missing. Of those,
    ``import_requires`` are the ones without which the app's models cannot
    even be imported: the app then loads no models, serves nothing and
    leaves it to the check to say what to add, instead of a traceback.
    """

    default_auto_field = "django.db.models.BigAutoField"
    requires = ()
    import_requires = ()

    def b52_missing_requirements(self, names=None):
        return [name for name in (names or self.requires) if not apps.is_installed(name)]

    @property
    def b52_blocked(self):
        return bool(self.b52_missing_requirements(self.import_requires))

    def import_models(self):
        if self.import_requires and self.b52_blocked:
            self.models = self.apps.all_models[self.label]
            self.models_module = None
            return
        super().import_models()

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)

        if not self.b52_blocked:
            self.b52_ready()

    def b52_ready(self):
        """``ready()`` of an app whose requirements are installed."""


def active_app(name):
    """The config of the b52 app ``name`` if it is installed and not
    blocked by a missing requirement, else ``None``."""
    if not apps.is_installed(name):
        return None
    config = next(c for c in apps.get_app_configs() if c.name == name)
    return None if getattr(config, "b52_blocked", False) else config


class B52CoreConfig(B52AppConfig):
    default = True
    name = "b52_wagtail"
    label = "b52_wagtail"
    verbose_name = _("B 52 core")
    requires = (
        "wagtail.contrib.settings",
        "wagtail.contrib.table_block",
        "wagtail.snippets",
        "wagtail.images",
        "wagtail.documents",
    )

    def b52_ready(self):
        from django.core.signals import setting_changed

        from . import cdn
        from .cache import connect_signals
        from .conf import b52_settings

        setting_changed.connect(b52_settings.reload)
        connect_signals()
        cdn.connect_signals()
