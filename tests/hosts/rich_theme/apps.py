from django.apps import AppConfig


class RichThemeConfig(AppConfig):
    """The host's own pages (its section pages above the package's pages)."""

    name = "tests.hosts.rich_theme"
    label = "rich_theme"
    default_auto_field = "django.db.models.BigAutoField"
