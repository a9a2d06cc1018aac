"""Speed, memory and time to first byte of the applications export.

    python benchmarks/export.py [--rows 50000] [--chunk-size 2000] [--repeat 3]

Builds a temporary SQLite database (a file, with the test settings) holding
one form page with ``--rows`` applications (each with an attachment row and
an editor-added field; one in ten answers looks like a formula), then exports
them as a superuser through the admin view (Django's test client), each
measurement in a process of its own so that its peak memory is its own:

- CSV: rows/s of the whole download, time to the first byte (the first
  chunk of the streamed response), peak RSS of the process;
- XLSX: rows/s of the whole download (written to a temporary file, then
  streamed), time to the first byte, peak RSS;
- the XLSX writer alone (XlsxWriter, constant-memory mode, the calls the
  export makes) on the same rows, read into memory first, and openpyxl's
  write-only mode on them for comparison; the ratio export / writer alone;
- tracemalloc's peak of Python allocations during each export (a separate
  run, as tracemalloc slows everything down).

Each measurement runs ``--repeat`` times, interleaved; the fastest run
counts (as ``timeit``'s best of n) and the highest memory. Rates are printed
by wall-clock time and by CPU time of the process (less
disturbed by other work on a shared machine). Targets (issue 15): CSV ≥
20,000 rows/s, XLSX ≥ 80 % of the writer alone, peak memory under 150 MiB,
streaming from the first byte. Not part of CI.
"""

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "example_site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def setup(database):
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def build(rows):
    import datetime
    import random
    import uuid

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Locale, Site

    from b52_wagtail.applications.models import ApplicationSubmission, Attachment
    from b52_wagtail.models import District
    from tests.applications.utils import make_call, make_form_page

    call_command("migrate", verbosity=0)
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = make_form_page(make_call(home))
    get_user_model().objects.create_superuser("bench", "bench@example.org", "pw")
    districts = list(District.objects.filter(locale=Locale.get_default()))
    rng = random.Random(52)
    start = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
    statuses = ["received", "in_review", "jury", "not_selected"]
    batch = 2000
    for first in range(0, rows, batch):
        submissions = []
        for number in range(first, min(first + batch, rows)):
            moment = start + datetime.timedelta(minutes=7 * number)
            title = f"Gesund altern in Ort {number}"
            if number % 10 == 0:
                title = '=HYPERLINK("http://evil.example","klick")'
            submissions.append(
                ApplicationSubmission(
                    page=page,
                    form_data={"anzahl_der_beteiligten_akteure": str(rng.randint(1, 40))},
                    submit_time=moment,
                    applicant_type=rng.choice(["gemeinde", "stadt", "arbeitsgemeinschaft"]),
                    applicant_name=f"Gemeinde Nummer {number}",
                    district=rng.choice(districts),
                    project_title=title,
                    summary="Ein Netzwerk für gesundes Altern im Ort, mit Vereinen, "
                    "Pflegediensten, Kirchengemeinden und der Verwaltung. " * 2,
                    contact_name="Anna Muster",
                    email=f"kontakt{number}@gemeinde.example",
                    phone="07162 / 123-45",
                    consent=True,
                    consent_at=moment,
                    privacy_notice_version="2026-01",
                    receipt_number=f"B52-2026-{number + 1:05d}",
                    status=rng.choice(statuses),
                    idempotency_token=uuid.uuid4(),
                )
            )
        ApplicationSubmission.objects.bulk_create(submissions)
        Attachment.objects.bulk_create(
            Attachment(
                submission=submission,
                file=f"b52-applications/2026/{submission.pk}.pdf",
                original_name=f"Bewerbungsbogen {submission.pk}.pdf",
                size=12345,
                content_type="application/pdf",
                sha256="0" * 64,
            )
            for submission in submissions
        )
    return page.pk


def client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    browser = Client()
    browser.force_login(get_user_model().objects.get(username="bench"))
    return browser


def export(page_pk, export_format):
    """Download one export; (seconds to the first byte, seconds in all, CPU
    seconds in all, bytes)."""
    from django.urls import reverse

    browser = client()
    url = reverse("wagtailforms:list_submissions", args=[page_pk]) + f"?export={export_format}"
    started, cpu = time.perf_counter(), time.process_time()
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first = time.perf_counter() - started
    for chunk in chunks:
        size += len(chunk)
    response.close()
    return first, time.perf_counter() - started, time.process_time() - cpu, size


def rows_of(page_pk):
    """The rows of the export, as the XLSX writer gets them (times naive)."""
    import datetime

    from b52_wagtail.applications.export import SubmissionExport
    from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission

    page = ApplicationFormPage.objects.get(pk=page_pk)
    queryset = ApplicationSubmission.objects.filter(page=page).order_by("submit_time")
    rows_export = SubmissionExport(page, queryset, user=None, filename="bench")
    rows = []
    for row in rows_export.rows():
        rows.append(
            [
                rows_export.local(v).replace(tzinfo=None) if isinstance(v, datetime.datetime) else v
                for v in row
            ]
        )
    return rows_export.headings, rows_export.xlsx_date_format, rows


def writer_alone(headings, date_format, rows, output):
    """XlsxWriter in constant-memory mode, the same calls as the export."""
    import datetime

    import xlsxwriter

    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet("Sheet1")
    cell_format = workbook.add_format({"num_format": date_format})
    for column, heading in enumerate(headings):
        sheet.write_string(0, column, heading)
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if value.__class__ is str:
                sheet.write_string(number, column, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(number, column, value, cell_format)
            else:
                sheet.write_number(number, column, value)
    workbook.close()


def openpyxl_alone(headings, date_format, rows, output):
    """openpyxl's write-only mode on the same rows (as Wagtail's export)."""
    import datetime

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(headings)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(value, datetime.datetime):
                cell.number_format = date_format
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def peak_rss_mib():
    """The process's peak RSS since the last :func:`reset_peak_rss` (Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():
    """Start the peak from the current RSS (Linux; elsewhere the peak is
    the whole process's)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def measure(args):
    """One measurement in this (child) process; prints a JSON line."""
    setup(args.database)
    from django.db import connection

    from b52_wagtail.applications import export as export_module

    export_module.SubmissionExport.chunk_size = args.chunk_size
    # Warm up imports, permissions and caches with the listing (20 rows).
    from django.urls import reverse

    client().get(reverse("wagtailforms:list_submissions", args=[args.page]))
    reset_peak_rss()
    result = {"rss_before_mib": peak_rss_mib()}
    if args.measure in ("csv", "xlsx"):
        if args.tracemalloc:
            import tracemalloc

            tracemalloc.start()
            export(args.page, args.measure)
            result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        else:
            first, total, cpu, size = export(args.page, args.measure)
            result.update(first_byte_s=first, total_s=total, cpu_s=cpu, bytes=size)
    else:
        headings, date_format, rows = rows_of(args.page)
        connection.close()
        # The rows held in memory would make the garbage collector's passes
        # (not the writer) slow: keep them out of its way.
        gc.collect()
        gc.freeze()
        reset_peak_rss()
        result["rss_before_mib"] = peak_rss_mib()
        write = writer_alone if args.measure == "writer" else openpyxl_alone
        with tempfile.TemporaryFile() as output:
            started, cpu = time.perf_counter(), time.process_time()
            write(headings, date_format, rows, output)
            result["total_s"] = time.perf_counter() - started
            result["cpu_s"] = time.process_time() - cpu
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


def child(args, what, *extra):
    command = [
        sys.executable,
        __file__,
        "--measure",
        what,
        "--database",
        args.database,
        "--page",
        str(args.page),
        "--chunk-size",
        str(args.chunk_size),
        *extra,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def best(runs):
    """One result of several runs: the least wall and CPU time and time to
    the first byte, the highest memory."""
    result = dict(runs[0])
    for key in ("total_s", "cpu_s", "first_byte_s"):
        if key in result:
            result[key] = min(run[key] for run in runs)
    for key in ("peak_rss_mib", "rss_before_mib"):
        result[key] = max(run[key] for run in runs)
    result["growth_mib"] = max(run["peak_rss_mib"] - run["rss_before_mib"] for run in runs)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--measure", choices=["csv", "xlsx", "writer", "openpyxl"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--database")
    parser.add_argument("--page", type=int)
    args = parser.parse_args()
    if args.measure:
        return measure(args)

    with tempfile.TemporaryDirectory() as folder:
        args.database = str(Path(folder) / "export.sqlite3")
        setup(args.database)
        started = time.perf_counter()
        args.page = build(args.rows)
        print(f"built {args.rows:,} applications in {time.perf_counter() - started:.1f} s")
        import django
        import wagtail
        import xlsxwriter

        print(
            f"Django {django.get_version()}, Wagtail {wagtail.__version__}, "
            f"XlsxWriter {xlsxwriter.__version__}, SQLite file, chunk size {args.chunk_size}"
        )
        # Interleaved repeats; the fastest run of each counts (as timeit's
        # best of n: the slower ones measure the machine's other work).
        runs = {what: [] for what in ("csv", "xlsx", "writer", "openpyxl")}
        for _ in range(args.repeat):
            for what, found in runs.items():
                found.append(child(args, what))
        results = {what: best(found) for what, found in runs.items()}
        for what in ("csv", "xlsx"):
            results[what]["tracemalloc_peak_mib"] = child(args, what, "--tracemalloc")[
                "tracemalloc_peak_mib"
            ]

    rate = {what: args.rows / result["total_s"] for what, result in results.items()}
    cpu_rate = {what: args.rows / result["cpu_s"] for what, result in results.items()}
    print(
        f"\n{'':26} {'rows/s':>8} {'CPU r/s':>8} {'total':>7} {'1st byte':>9} "
        f"{'peak RSS':>8} {'growth':>7} {'py peak':>8}"
    )
    labels = {
        "csv": "CSV export",
        "xlsx": "XLSX export",
        "writer": "XlsxWriter alone",
        "openpyxl": "openpyxl write-only alone",
    }
    for what, label in labels.items():
        result = results[what]
        first = f"{result['first_byte_s'] * 1000:.0f} ms" if "first_byte_s" in result else ""
        py = f"{result['tracemalloc_peak_mib']:.1f} M" if "tracemalloc_peak_mib" in result else ""
        print(
            f"{label:26} {rate[what]:8,.0f} {cpu_rate[what]:8,.0f} "
            f"{result['total_s']:6.2f}s {first:>9} "
            f"{result['peak_rss_mib']:7.0f}M {result['growth_mib']:6.0f}M {py:>8}"
        )
    ratio = rate["xlsx"] / rate["writer"]
    cpu_ratio = cpu_rate["xlsx"] / cpu_rate["writer"]
    print(f"\nXLSX export / XlsxWriter alone: {ratio:.0%} (wall), {cpu_ratio:.0%} (CPU time)")
    print(f"XlsxWriter alone / openpyxl alone: {rate['writer'] / rate['openpyxl']:.1f}×")
    print(
        "peak RSS: the process's, with Django, Wagtail and the test settings "
        f"({results['csv']['rss_before_mib']:.0f} MiB before the export); growth: peak - that"
    )
    checks = [
        ("CSV ≥ 20,000 rows/s (wall)", rate["csv"] >= 20_000),
        ("CSV ≥ 20,000 rows/s (CPU time)", cpu_rate["csv"] >= 20_000),
        ("XLSX ≥ 80 % of the writer alone (wall)", ratio >= 0.8),
        ("XLSX ≥ 80 % of the writer alone (CPU time)", cpu_ratio >= 0.8),
        (
            "export memory < 150 MiB (RSS growth and Python peak)",
            all(
                results[w]["growth_mib"] < 150 and results[w]["tracemalloc_peak_mib"] < 150
                for w in ("csv", "xlsx")
            ),
        ),
        ("CSV first byte < 1 s", results["csv"]["first_byte_s"] < 1),
    ]
    for label, ok in checks:
        print(f"{'met ' if ok else 'MISSED'}  {label}")
    # Last line: the figures as one JSON object (read by `python -m benchmarks`).
    print(
        json.dumps(
            {
                "csv_rows_per_s": round(rate["csv"]),
                "xlsx_rows_per_s": round(rate["xlsx"]),
                "xlsx_vs_writer": round(ratio, 2),
                "csv_first_byte_ms": round(results["csv"]["first_byte_s"] * 1000),
                "peak_growth_mib": round(max(results[w]["growth_mib"] for w in ("csv", "xlsx")), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
