"""The ranking of a jury as CSV or XLSX (a handful of rows per call: built
in memory). Text that a spreadsheet would run as a formula is neutralised
as in the applications export."""

import csv
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from wagtail.log_actions import log

from ..export import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, neutralise_csv

RANKING_EXPORT_ACTION = "b52_applications.jury_ranking_export"


def headings():
    return [
        gettext("Rank"),
        gettext("Receipt number"),
        gettext("Municipality or working group"),
        gettext("District"),
        gettext("Project title"),
        gettext("Status"),
        gettext("Weighted average"),
        gettext("Lowest"),
        gettext("Highest"),
        gettext("Standard deviation"),
        gettext("Reviews"),
        gettext("Conflicts of interest"),
    ]


def rounded(value):
    return None if value is None else round(value, 2)


def table(rows):
    yield headings()
    for row in rows:
        submission = row.submission
        yield [
            row.rank,
            submission.receipt_number,
            submission.applicant_name,
            str(submission.district),
            submission.project_title,
            str(submission.get_status_display()),
            rounded(row.average),
            rounded(row.minimum),
            rounded(row.maximum),
            rounded(row.stdev),
            row.review_count,
            row.conflict_count,
        ]


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        # German decimal comma, as the spreadsheet of the Geschäftsstelle reads it.
        return f"{value:.2f}".replace(".", ",")
    return neutralise_csv(str(value))


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for line in table(rows):
        writer.writerow([csv_cell(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(rows):
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(gettext("Ranking")[:31])
    number = workbook.add_format({"num_format": "0.00"})
    for row_number, line in enumerate(table(rows)):
        for column, value in enumerate(line):
            if value is None:
                continue
            if isinstance(value, float):
                sheet.write_number(row_number, column, value, number)
            elif isinstance(value, int):
                sheet.write_number(row_number, column, value)
            else:
                sheet.write_string(row_number, column, value)
    workbook.close()
    return output.getvalue()


def ranking_response(jury, rows, export_format, *, user):
    filename = f"rangliste-{jury.call.slug}"
    if export_format == "xlsx":
        response = HttpResponse(xlsx_bytes(rows), content_type=XLSX_CONTENT_TYPE)
        filename += ".xlsx"
    else:
        response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
        filename += ".csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    log(
        instance=jury.call,
        action=RANKING_EXPORT_ACTION,
        user=user,
        data={"format": export_format, "rows": len(rows)},
    )
    return response
