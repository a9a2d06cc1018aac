from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Test-only page types (installed by benchmarks/settings.py only)."""

    name = "tests.testapp"
    label = "b52_testapp"
    default_auto_field = "django.db.models.BigAutoField"
