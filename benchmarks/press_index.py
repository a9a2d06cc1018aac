"""Response times of the press pages, as ratios to a trivial Wagtail page.

    python benchmarks/press_index.py [--rounds 200] [--cold | --warm]

Builds a fresh SQLite test database (in memory) with the test settings plus
a title-only ``TrivialPage``, press indexes with 10 and 2,000 releases
(20 per page, every card with an image and two organisations; an index of
20 as well, to compare pages with the same number of cards) and one full
release, then serves them with Django's test client, interleaving the URLs
round by round, and prints the median time of each as a ratio to the
trivial page. Targets (issue 3): release ≤ 1.3×, index ≤ 2×, and the index
at 2,000 releases within 10 % of the index at 10.

The baselines: each page is compared with a trivial page at the same tree
depth, so that both pay for the same routing steps. A release (site root →
index → release) with ``trivial page (depth 2)`` (root → a title-only section
page → the trivial page); an index, directly below the root, with
``trivial page (depth 1)``. Both ratios are printed.

Two runs: *warm*, the normal state, with the rendered fragments in the cache
(``b52_wagtail.cache``), and *cold*, with the content generation bumped
before every request (outside the timing), so every fragment is rendered
afresh, as on the first request after something was published. The targets
apply to the warm run. ``--cold`` or ``--warm`` runs only one of them.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"


def build():
    import datetime

    from wagtail.models import Locale, Site

    from b52_wagtail.demo import minimal_pdf
    from b52_wagtail.models import Contact, District, Organisation, Programme
    from b52_wagtail.press.demo import SEED_SECTIONS, seed_body
    from b52_wagtail.press.models import PressReleaseIndexPage
    from tests.press.factories import add_release, bulk_releases, make_image
    from tests.testapp.models import TrivialPage

    locale = Locale.get_default()
    home = Site.objects.get(is_default_site=True).root_page.specific
    shallow = TrivialPage(title="Trivial", slug="trivial")
    home.add_child(instance=shallow)
    shallow.save_revision().publish()
    section = TrivialPage(title="Trivial section", slug="trivial-section")
    home.add_child(instance=section)
    section.save_revision().publish()
    trivial = TrivialPage(title="Trivial", slug="trivial")
    section.add_child(instance=trivial)
    trivial.save_revision().publish()

    vdek = Organisation.objects.create(name="vdek", short_name="vdek", locale=locale)
    bkk = Organisation.objects.create(name="BKK LV Süd", short_name="BKK LV Süd", locale=locale)
    programme = Programme.objects.create(name="teamw()rk", slug="teamwork", locale=locale)
    biberach = District.objects.get(key="08426", locale=locale)
    image = make_image()
    card = {"image": image, "organisation": vdek, "partner": bkk, "district": biberach}

    indexes = {}
    for count in (10, 20, 2000):
        index = PressReleaseIndexPage(title=f"Presse {count}", slug=f"presse-{count}", page_size=20)
        home.add_child(instance=index)
        index.save_revision().publish()
        bulk_releases(index, count, **card)
        indexes[count] = index

    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    winkler = Contact.objects.create(name="Frank Winkler", organisation=vdek, locale=locale)
    pdf = get_document_model().objects.create(
        title="PM", file=ContentFile(minimal_pdf([h for h, _ in SEED_SECTIONS]), name="pm.pdf")
    )
    release = add_release(
        indexes[2000],
        "Fünfter Jobcenter übergreifender Austausch",
        datetime.date(2025, 4, 3),
        subtitle="Erarbeitung gemeinsamer Strategien",
        teaser="Die vdek-Landesvertretung lud zu einem digitalen Austausch ein.",
        body=seed_body(),
        lead_organisation=vdek,
        lead_image=image,
        programme=programme,
        districts=[biberach],
        partners=[bkk],
        contacts=[winkler],
        downloads=[(pdf, "Pressemitteilung als Download")],
    )
    return {
        "trivial page (depth 2)": trivial.url,
        "trivial page (depth 1)": shallow.url,
        "release page": release.url,
        "index N=10, page 1": indexes[10].url,
        "index N=10, last page": f"{indexes[10].url}?page=1",
        "index N=20, page 1": indexes[20].url,
        "index N=2000, page 1": indexes[2000].url,
        "index N=2000, page 50": f"{indexes[2000].url}?page=50",
        "index N=2000, last page": f"{indexes[2000].url}?page={-(-2001 // 20)}",
    }


def measure(urls, rounds, *, cold=False):
    from django.test import Client

    from b52_wagtail.cache import bump_content_generation

    client = Client()
    for url in urls.values():
        for _ in range(5):  # renditions, caches
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    timings = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            if cold:
                bump_content_generation()
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def report(title, medians):
    print(f"\n{title}")
    deep, shallow = medians["trivial page (depth 2)"], medians["trivial page (depth 1)"]
    print(f"{'':26} {'median':>10}  {'× depth 2':>9}  {'× same depth':>12}")
    ratios = {}
    for name, value in medians.items():
        same = shallow if name.startswith(("index", "trivial page (depth 1)")) else deep
        ratios[name] = value / same
        print(f"{name:26} {value * 1000:7.2f} ms  {value / deep:8.2f}×  {value / same:11.2f}×")

    small = medians["index N=10, page 1"]
    checks = [
        ("release ≤ 1.3× trivial (same depth)", ratios["release page"] <= 1.3),
        (
            "index ≤ 2× trivial (same depth)",
            max(v for k, v in ratios.items() if k.startswith("index")) <= 2,
        ),
        ("N=2000 page 1 within 10 % of N=10", medians["index N=2000, page 1"] <= small * 1.1),
        (
            "N=2000 page 1 within 10 % of N=20 (both 20 cards)",
            medians["index N=2000, page 1"] <= medians["index N=20, page 1"] * 1.1,
        ),
        (
            "N=2000 page 50 within 10 % of N=20 (both 20 cards)",
            medians["index N=2000, page 50"] <= medians["index N=20, page 1"] * 1.1,
        ),
        ("N=2000 last page within 10 % of N=10", medians["index N=2000, last page"] <= small * 1.1),
    ]
    for label, ok in checks:
        print(f"{'met ' if ok else 'MISSED'}  {label}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--cold", action="store_true", help="only the cold run")
    only.add_argument("--warm", action="store_true", help="only the warm run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    # No setup_test_environment(): its instrumented template rendering copies
    # the context at every include and would distort template-heavy pages.
    connection.creation.create_test_db(verbosity=0)
    started = time.perf_counter()
    urls = build()
    print(f"built 2,031 releases in {time.perf_counter() - started:.1f} s")

    import wagtail

    from b52_wagtail.conf import b52_settings

    print(
        f"Django {django.get_version()}, Wagtail {wagtail.__version__}, SQLite, "
        f"{args.rounds} rounds, fragment cache {b52_settings.FRAGMENT_CACHE!r}"
    )
    if not args.cold:
        report("warm (fragments cached)", measure(urls, args.rounds))
    if not args.warm:
        report("cold (fragments rendered on every request)", measure(urls, args.rounds, cold=True))


if __name__ == "__main__":
    main()
