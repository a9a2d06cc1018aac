from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site
from wagtail.signals import page_published

from ...apps import active_app

# Dependency order: core first, then the content apps (the award before the
# press, whose releases link its calls and showcases), then applications.
DEMO_MODULES = (
    "b52_wagtail",
    "b52_wagtail.cooperation",
    "b52_wagtail.awards",
    "b52_wagtail.press",
    "b52_wagtail.applications",
)


def page_path(page):
    """The page's URL path on its site (``/foerderpreis/ausschreibung-2026/``)."""
    parts = page.get_url_parts()
    return parts[2] if parts else page.url_path


class Command(BaseCommand):
    help = (
        "Build the B 52 demo content under the default site's root page. "
        "Idempotent: running it again updates what it made before. Prints "
        "the path of every page it created or updated, one line per page: "
        "“AwardCallPage: /foerderpreis/ausschreibung-2026/”."
    )

    def handle(self, *args, **options):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default Wagtail site; run migrate first.")
        state = {"site": site, "stdout": self.stdout}
        root = site.root_page.specific
        # Every demo page is published (created or updated): collect them.
        published = {}

        def collect(sender, instance, **kwargs):
            published[instance.pk] = sender

        page_published.connect(collect, dispatch_uid="b52_demo_collect")
        try:
            with transaction.atomic():
                for module in DEMO_MODULES:
                    if active_app(module) and find_spec(f"{module}.demo") is not None:
                        import_module(f"{module}.demo").build(root, state)
                        self.stdout.write(f"demo content: {module}")
        finally:
            page_published.disconnect(dispatch_uid="b52_demo_collect")
        self.write_pages(published)
        self.stdout.write(self.style.SUCCESS(f"B 52 demo content is ready under “{root.title}”."))

    def write_pages(self, published):
        """One line per page, grouped by page type (in the order the demo
        built them), paths in tree order within a group."""
        models = list(dict.fromkeys(published.values()))
        for model in models:
            ids = [pk for pk, page_model in published.items() if page_model is model]
            for page in model.objects.filter(pk__in=ids).order_by("path"):
                self.stdout.write(f"{model.__name__}: {page_path(page)}")
