from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

# Dependency order: core first, then the content apps, then applications.
DEMO_MODULES = (
    "b52_wagtail",
    "b52_wagtail.cooperation",
    "b52_wagtail.press",
    "b52_wagtail.awards",
    "b52_wagtail.applications",
)


class Command(BaseCommand):
    help = (
        "Build the B 52 demo content under the default site's root page. "
        "Idempotent: running it again updates what it made before."
    )

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default Wagtail site; run migrate first.")
        state = {"site": site, "stdout": self.stdout}
        root = site.root_page.specific
        with transaction.atomic():
            for module in DEMO_MODULES:
                if apps.is_installed(module) and find_spec(f"{module}.demo") is not None:
                    import_module(f"{module}.demo").build(root, state)
                    self.stdout.write(f"demo content: {module}")
        self.stdout.write(self.style.SUCCESS(f"B 52 demo content is ready under “{root.title}”."))
