"""Many applications at once on two servers that share PostgreSQL, Redis and
S3: is every one stored once, with its file, and what do applicants wait?

    DATABASE_URL=postgres://b52:b52@127.0.0.1:5432/b52 \\
        python benchmarks/load_applications.py [--applications 500] [--double-clicks 50]

Needs the ``stack`` extra (``pip install -e ".[test,stack]"``) and Debian's
``redis-server``. On the PostgreSQL server of ``DATABASE_URL`` it creates a
fresh database of its own (``--database``, dropped at the end unless
``--keep``); it starts ``redis-server`` and moto's S3 server on ports of
their own unless ``--redis-url`` / ``--s3-endpoint`` name running ones, and
two gunicorn instances (``--workers`` sync workers each) of the example site
with ``benchmarks/stack_settings.py`` (DEBUG off, Redis cache, private S3
bucket, mail to memory; see there what differs from production and why).

Then, as people do: every applicant opens the form (GET, alternating between
the instances), waits until the spam check's minimum time has passed, and
all of them send at the same moment — to the *other* instance, each with a
small PDF and an address of its own in ``X-Forwarded-For`` (the rate limit
stays on, counted in Redis). ``--double-clicks`` of them send their form
twice at once, once to each instance.

It prints what was sent, what the applicants saw (status codes, receipt
numbers) and what is stored: rows in PostgreSQL, lost (a success page with a
receipt number that has no row), duplicated (one form token or one receipt
number stored twice), whether the receipt numbers are gap-free, objects in
the bucket against attachment rows, mails, and the p50/p99 latency of the
POSTs. docs/operations.md notes the figures of a run.
"""

import argparse
import collections
import datetime
import os
import platform
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]

BUCKET = "b52-load-private"
REGION = "eu-central-1"
RECEIPT = re.compile(r"B52-\d{4}-\d{4,}")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--double-clicks", type=int, default=50)
    parser.add_argument(
        "--alone", type=int, default=10, help="applicants who send one after another first"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--ports", default="8301,8302", help="ports of the two instances")
    parser.add_argument("--database", default="b52_load_applications")
    parser.add_argument("--redis-url", help="use this Redis instead of starting one")
    parser.add_argument("--s3-endpoint", help="use this S3 endpoint instead of moto's server")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--s3-port", type=int, default=5391)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# Services -------------------------------------------------------------------


def database_url(server_url, name):
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(server_url, name, drop_only=False):
    import psycopg

    with psycopg.connect(database_url(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def start_instances(ports, workers, started):
    from tests.stack.services import executable, start_service

    for port in ports:
        started.append(
            start_service(
                f"gunicorn-{port}",
                [
                    executable("gunicorn"),
                    "example_site.wsgi:application",
                    *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                    *("--chdir", str(ROOT / "example_site"), "--pythonpath", str(ROOT)),
                    *("--log-level", "warning"),
                ],
                port,
                timeout=60,
                env=dict(os.environ),
            )
        )


# Django (in this process: migrations, the form page, the figures) ------------


def set_up_site():
    import django
    from django.core.cache import cache
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    cache.clear()

    from wagtail.models import Site

    from tests.applications.utils import make_call, make_form_page

    home = Site.objects.get(is_default_site=True).root_page.specific
    page = make_form_page(make_call(home, edition=datetime.date.today().year))
    from django.db import connection

    connection.close()
    return page


# The applicants ---------------------------------------------------------------


class Applicant:
    def __init__(self, number, instances, page_path):
        import requests

        self.number = number
        self.form_url = instances[number % 2] + page_path
        self.post_url = instances[(number + 1) % 2] + page_path
        self.other_url = instances[number % 2] + page_path
        # An address of its own (documentation prefix), as the proxy reports it.
        self.address = f"2001:db8::{number + 1:x}"
        self.session = requests.Session()
        self.hidden = {}
        self.answers = []

    def open_form(self):
        from tests.stack.forms import upload_form

        response = self.session.get(
            self.form_url, headers={"X-Forwarded-For": self.address}, timeout=120
        )
        response.raise_for_status()
        action, self.hidden = upload_form(response.text)
        if action:
            self.post_url = urlunsplit(urlsplit(self.post_url)._replace(path=action))

    def send(self, url, attachment, district_pk):
        """POST the form (a fresh session with the same cookies, as a second
        tab or a double click would); records status, latency, receipt."""
        import requests

        from tests.stack.forms import applicant_fields

        session = requests.Session()
        session.cookies.update(self.session.cookies)
        data = {**applicant_fields(district_pk), **self.hidden}
        files = [("attachments", (f"bewerbung-{self.number}.pdf", attachment, "application/pdf"))]
        started = time.perf_counter()
        try:
            response = session.post(
                url,
                data=data,
                files=files,
                headers={"X-Forwarded-For": self.address},
                timeout=600,
            )
            body = response.text
            status = response.status_code
            error = None
        except requests.RequestException as exception:
            body, status, error = "", None, type(exception).__name__
        seconds = time.perf_counter() - started
        receipt = RECEIPT.search(body) if status and 200 <= status < 300 else None
        self.answers.append(
            {
                "status": status,
                "seconds": seconds,
                "receipt": receipt.group(0) if receipt else None,
                "error": error,
            }
        )


def fire(applicants, double_clickers, attachment, district_pk):
    """Every POST from a thread of its own, all released at once."""
    jobs = [(applicant, applicant.post_url) for applicant in applicants]
    jobs += [(applicant, applicant.other_url) for applicant in double_clickers]
    barrier = threading.Barrier(len(jobs))

    def run(job):
        applicant, url = job
        barrier.wait(timeout=300)
        applicant.send(url, attachment, district_pk)

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(jobs), time.perf_counter() - started


# Figures ------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def succeeded(answer):
    return answer["status"] is not None and 200 <= answer["status"] < 300


def joined(counter):
    return ", ".join(f"{key}: {value}" for key, value in sorted(counter.items(), key=str))


def figures(page, quiet, applicants, double_clickers, sent, wall, s3_client, args):
    """(label, value) of everything the run shows (``quiet``: the applicants
    who sent alone before the burst; they are counted in what is stored)."""
    from django.db.models import Count

    from b52_wagtail.applications.models import ApplicationSubmission, Attachment, MailDelivery
    from tests.stack.services import bucket_keys

    alone = [answer["seconds"] for applicant in quiet for answer in applicant.answers]
    everyone = quiet + applicants
    answers = [answer for applicant in everyone for answer in applicant.answers]
    burst = [answer for applicant in applicants for answer in applicant.answers]
    statuses = collections.Counter(answer["status"] or answer["error"] for answer in answers)
    server_errors = sum(
        count for status, count in statuses.items() if isinstance(status, int) and status >= 500
    )
    seconds = [answer["seconds"] for answer in burst]
    rows = ApplicationSubmission.objects.filter(page=page)
    receipts = list(rows.filter(is_spam=False).values_list("receipt_number", flat=True))
    numbers = sorted(int(receipt.rsplit("-", 1)[1]) for receipt in receipts)
    shown = {answer["receipt"] for answer in answers if answer["receipt"]}
    tokens_twice = rows.values("idempotency_token").annotate(n=Count("pk")).filter(n__gt=1)
    one_receipt = [
        applicant
        for applicant in double_clickers
        if applicant.answers[0]["receipt"]
        and len({answer["receipt"] for answer in applicant.answers}) == 1
    ]
    names = set(Attachment.objects.filter(submission__page=page).values_list("file", flat=True))
    keys = set(bucket_keys(s3_client, BUCKET))
    mails = collections.Counter(
        MailDelivery.objects.filter(submission__page=page).values_list("state", flat=True)
    )
    return [
        ("machine", f"{os.cpu_count()} cores, Python {platform.python_version()}, "
                    f"{datetime.date.today().isoformat()}"),
        ("setup", f"2 gunicorn instances x {args.workers} sync workers; PostgreSQL, Redis, "
                  "moto S3 shared"),
        ("applicants", f"{len(quiet)} alone, then {len(applicants)} at once "
                       f"({len(double_clickers)} of them double-click)"),
        ("sent at once (POSTs)", f"{sent} in {wall:.1f} s ({sent / wall:.1f}/s)"),
        ("answers", joined(statuses)),
        ("5xx", server_errors),
        ("stored (rows)", f"{len(receipts)} (+ {rows.count() - len(receipts)} flagged as spam)"),
        ("applicants without a success page",
         sum(1 for a in everyone if not any(succeeded(x) for x in a.answers))),
        ("lost (receipt shown, no row)", len(shown - set(receipts))),
        ("success page without receipt",
         sum(1 for answer in answers if succeeded(answer) and not answer["receipt"])),
        ("duplicated (token stored twice)", tokens_twice.count()),
        ("duplicated receipt numbers", len(receipts) - len(set(receipts))),
        ("receipt numbers gap-free 1..n", numbers == list(range(1, len(numbers) + 1))),
        ("double clicks with one receipt", f"{len(one_receipt)} of {len(double_clickers)}"),
        ("bucket objects / attachment rows", f"{len(keys)} / {len(names)}"),
        ("objects without row / rows without object", f"{len(keys - names)} / {len(names - keys)}"),
        ("mails", joined(mails)),
        ("latency alone p50", f"{percentile(alone, 0.5):.2f} s"),
        ("latency at once p50 / p99 / max", f"{percentile(seconds, 0.5):.2f} s / "
                                    f"{percentile(seconds, 0.99):.2f} s / {max(seconds):.2f} s"),
        ("latency at once mean", f"{statistics.fmean(seconds):.2f} s"),
    ]  # fmt: skip


def report(lines):
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label:<{width}}  {value}")


# Main -----------------------------------------------------------------------------


def start_backing_services(args, started):
    """Redis and the S3 emulator (unless given); returns their URLs."""
    from tests.stack.services import moto_command, redis_command, start_service

    redis_url, s3_endpoint = args.redis_url, args.s3_endpoint
    if not redis_url:
        port = args.redis_port
        started.append(start_service("redis-server", redis_command(port), port))
        redis_url = f"redis://127.0.0.1:{port}/0"
    if not s3_endpoint:
        port = args.s3_port
        started.append(start_service("moto_server", moto_command(port), port))
        s3_endpoint = f"http://127.0.0.1:{port}"
    return redis_url, s3_endpoint


def s3_owner(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="load-test",
        aws_secret_access_key="load-test",  # noqa: S106  (moto takes any key)
    )


def print_server_errors(started):
    """The tail of each gunicorn log (server errors are logged there)."""
    for process in started:
        if process is not None and "gunicorn" in " ".join(process.args):
            print(f"--- {process.log_path}")
            print(Path(process.log_path).read_text(errors="replace")[-3000:])


def main():
    args = arguments()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://user:password@host:port/db (a PostgreSQL server).")
    from tests.stack.services import create_private_bucket, stop_service

    started = []
    try:
        recreate_database(server_url, args.database)
        redis_url, s3_endpoint = start_backing_services(args, started)
        os.environ.update(
            DATABASE_URL=database_url(server_url, args.database),
            DJANGO_SETTINGS_MODULE="benchmarks.stack_settings",
            B52_LOAD_REDIS_URL=redis_url,
            B52_LOAD_S3_ENDPOINT=s3_endpoint,
            B52_LOAD_S3_BUCKET=BUCKET,
        )
        s3_client = s3_owner(s3_endpoint)
        create_private_bucket(s3_client, BUCKET, REGION)
        print("migrating a fresh database …", flush=True)
        page = set_up_site()
        from b52_wagtail.conf import b52_settings
        from b52_wagtail.models import District
        from tests.applications.utils import pdf_bytes

        district_pk = District.objects.get(key="08117").pk
        ports = [int(port) for port in args.ports.split(",")]
        start_instances(ports, args.workers, started)
        instances = [f"http://127.0.0.1:{port}" for port in ports]
        path = urlsplit(page.full_url).path
        total = args.alone + args.applications
        everyone = [Applicant(number, instances, path) for number in range(total)]
        quiet, applicants = everyone[: args.alone], everyone[args.alone :]
        step = max(1, len(applicants) // max(1, args.double_clicks))
        double_clickers = applicants[::step][: args.double_clicks]

        print(f"{len(everyone)} applicants open the form …", flush=True)
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(Applicant.open_form, everyone))
        # The spam check takes forms sent sooner than this after opening for bots.
        time.sleep(b52_settings.APPLICATION_MIN_SECONDS + 0.5)
        # The time of one application on an idle site, for comparison.
        for applicant in quiet:
            applicant.send(applicant.post_url, pdf_bytes(), district_pk)
        print(f"{len(applicants)} send it at the same moment …", flush=True)
        sent, wall = fire(applicants, double_clickers, pdf_bytes(), district_pk)
        lines = figures(page, quiet, applicants, double_clickers, sent, wall, s3_client, args)
        report(lines)
        if dict(lines)["5xx"]:
            print_server_errors(started)
    finally:
        from django.apps import apps
        from django.db import connections

        for process in reversed(started):
            stop_service(process)
        if apps.ready:
            connections.close_all()
        if not args.keep:
            recreate_database(server_url, args.database, drop_only=True)


if __name__ == "__main__":
    main()
