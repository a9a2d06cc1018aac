"""``manage.py demo_home``: the example site's own demo content.

Run after ``b52_demo``. Reads ``home/demo_data/home.json`` and fills the home
page's stream (hero, current call, releases, cooperation fields, winners),
puts the package's top-level pages into the main navigation, creates the
footer's pages (Impressum, Datenschutz, Barrierefreiheit) and makes the
privacy page the one the application form's consent links. Running it again
updates the same pages.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from b52_wagtail.models import B52Settings

from ...models import HomePage, StandardPage

DATA_FILE = Path(__file__).resolve().parents[2] / "demo_data" / "home.json"


class Command(BaseCommand):
    help = "Fill the example site's home page and create its footer pages (after b52_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(DATA_FILE), help="The JSON file to load.")

    @transaction.atomic
    def handle(self, *args, data, **options):
        content = json.loads(Path(data).read_text(encoding="utf-8"))
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("No default site: run migrate first.")
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise CommandError(f"The default site's root page is not a HomePage: {home!r}.")

        self.fill_home(home, site, content["home"])
        for path in content.get("menu", []):
            page = self.page_at(site, path)
            if page is None:
                self.stderr.write(f"demo_home: no page at {path}, left out of the menu.")
            elif not page.show_in_menus:
                page = page.specific
                page.show_in_menus = True
                page.save_revision().publish()
        pages = {spec["slug"]: self.standard_page(home, spec) for spec in content.get("pages", [])}
        privacy = pages.get(content.get("privacy_policy_page"))
        if privacy is not None:
            settings = B52Settings.for_site(site)
            settings.privacy_policy_page = privacy
            settings.save()
        self.stdout.write(
            self.style.SUCCESS(f"Home page and {len(pages)} pages of the example site are ready.")
        )

    def page_at(self, site, path):
        """The live page at the URL path ``path`` of ``site``, or None."""
        root = site.root_page
        url_path = root.url_path + path.strip("/") + "/" if path.strip("/") else root.url_path
        return Page.objects.live().filter(url_path=url_path).first()

    def stream(self, site, blocks):
        """Stream data for Wagtail: a hero's ``link_path`` becomes the page
        chosen as its link (left empty, with a warning, if there is none)."""
        result = []
        for block in blocks:
            value = dict(block["value"])
            if "link_path" in value:
                page = self.page_at(site, value.pop("link_path"))
                if page is None:
                    self.stderr.write(f"demo_home: no page for the {block['type']} link.")
                value["link_page"] = page.pk if page else None
            result.append({"type": block["type"], "value": value})
        return result

    def fill_home(self, home, site, spec):
        home.title = spec["title"]
        home.draft_title = spec["title"]
        home.seo_title = spec.get("seo_title", "")
        home.search_description = spec.get("search_description", "")
        home.intro = spec.get("intro", "")
        home.body = json.dumps(self.stream(site, spec["body"]))
        home.save_revision().publish()

    def standard_page(self, home, spec):
        page = StandardPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if page is None:
            page = StandardPage(slug=spec["slug"], title=spec["title"], locale_id=home.locale_id)
            home.add_child(instance=page)
        page.title = page.draft_title = spec["title"]
        page.intro = spec.get("intro", "")
        page.footer_link = spec.get("footer_link", False)
        page.show_in_menus = False
        page.body = json.dumps(spec.get("body", []))
        page.save_revision().publish()
        self.stdout.write(f"StandardPage: {page.url_path.removeprefix(home.url_path[:-1])}")
        return page
