"""The export of a form page's applications as CSV or XLSX.

One pass over the submissions: they are read as value tuples with one
cursor (``iterator(chunk_size=…)``), the attachment names and the district
names with one query per export (``prefetch_related``
would build a queryset per submission, which cost more than everything
else), each row is built once, display labels come from dicts made once per
export, and the response starts before the first row is read. CSV streams from the first byte
(BOM and headings first); XLSX is written row by row with XlsxWriter's
constant-memory mode into a temporary file, which is then streamed. The audit
log entry counts the rows as they are written, so nothing counts the
submissions beforehand.

Strings that a spreadsheet would run as a formula are prefixed with a quote in
CSV cells and in headings (editors name the fields), and written as string
cells in XLSX. Times are in the package's time zone (Berlin): German
``dd.mm.yyyy HH:MM`` in CSV, date cells without tzinfo in XLSX.
"""

import csv
import datetime
import io
import json
import tempfile

from django.db import connections
from django.db.models import Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from wagtail.admin.views.mixins import ExcelDateFormatter
from wagtail.log_actions import log

from .. import localization
from ..models import District
from .models import ApplicationSubmission, Attachment
from .models.page import DATA_FIELDS

EXPORT_ACTION = "b52_applications.export"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched (and attachments prefetched) per query, and CSV rows per
# chunk of the response: large enough to amortise, small enough to keep
# the memory flat.
CHUNK_SIZE = 2000
CSV_ROWS_PER_WRITE = 200

# What the export reads of each submission (one tuple per row) and the
# fields of ApplicationSubmission.get_data() it computes from them; any other
# field of get_data_fields() falls back to get_data().
VALUE_FIELDS = (
    "pk",
    "form_data",
    "district_id",
    "status",
    "applicant_type",
    "submit_time",
    "receipt_number",
    "applicant_name",
    "project_title",
    "summary",
    "contact_name",
    "email",
    "phone",
    "consent_at",
    "privacy_notice_version",
)
FIXED_FIELDS = frozenset(name for name, _label in DATA_FIELDS)
# The fixed columns in the order rows() computes them.
COMPUTED = tuple(name for name, _label in DATA_FIELDS)
DATE_PARSERS = {"date": parse_date, "datetime": parse_datetime}
# 1970-01-01 as an Excel serial number (day 1 is 1900-01-01, and Excel
# counts a 29 February 1900 that did not exist).
UNIX_EPOCH_SERIAL = 25569


def neutralise_csv(value):
    """Prefix text that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_datetime(value):
    """A time as the database driver gives it (SQLite: ISO text in UTC) as
    an aware datetime."""
    if value.__class__ is str:
        value = datetime.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def choice_labels(field_name):
    """``{value: label}`` of a choice field of the submission, as text in
    the active language (looked up once per export, not once per cell)."""
    field = ApplicationSubmission._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}


class SubmissionExport:
    """The rows of one export: headings and, per submission, its values in
    the order of the form page's ``get_data_fields()``.

    Everything that depends on the language or the time zone is evaluated
    when the export is made (in the view, inside the admin's language), not
    while the response streams.
    """

    chunk_size = CHUNK_SIZE

    def __init__(self, form_page, queryset, *, user, filename):
        self.form_page = form_page
        self.user = user
        self.filename = filename
        data_fields = form_page.get_data_fields()
        self.fields = [name for name, label in data_fields]
        # Editors name the fields: a page editor must not plant a formula in
        # the office's export (CSV and XLSX).
        self.headings = [neutralise_csv(force_str(label)) for name, label in data_fields]
        editor_fields = list(form_page.get_form_fields())
        form_fields = {field.clean_name for field in editor_fields}
        # A field that a subclass adds to get_data_fields() is read from its
        # get_data(), once per row.
        self.needs_get_data = any(
            name not in FIXED_FIELDS and name not in form_fields for name in self.fields
        )
        self.statuses = choice_labels("status")
        self.applicant_types = choice_labels("applicant_type")
        self.zone = localization.zone()
        # A checkbox an editor added: "Ja"/"Nein" in CSV, not "True"/"False"
        # (XLSX has boolean cells).
        self.yes_no = {True: gettext("Yes"), False: gettext("No")}
        self.xlsx_date_format = ExcelDateFormatter().get()
        # {UTC hour since 1970: offset of the zone in seconds} (excel_serial)
        self.offsets = {}
        # Date fields editors add are stored as ISO text: exported as dates.
        self.date_fields = [
            (field.clean_name, DATE_PARSERS[field.field_type])
            for field in editor_fields
            if field.field_type in DATE_PARSERS and field.clean_name in self.fields
        ]
        # What the list view joins and prefetches, the export reads itself.
        self.queryset = queryset.select_related(None).prefetch_related(None)
        self.count = 0

    # Rows ---------------------------------------------------------------

    def district_names(self):
        """``{pk: name}`` of the districts of the exported submissions."""
        districts = District.objects.filter(pk__in=self.queryset.order_by().values("district_id"))
        return {district.pk: str(district) for district in districts}

    def attachment_names(self):
        """``{submission pk: "name, name"}`` of the whole export in one query
        (the export's own filter as a subquery): a query per chunk would
        send thousands of primary keys as parameters, each prepared by
        Django (a tenth of the export's own time)."""
        names = {}
        attachments = (
            Attachment.objects.filter(submission__in=self.queryset.order_by().values("pk"))
            .order_by("submission_id", "sort_order", "pk")
            .values_list("submission_id", "original_name")
        )
        for submission_id, name in attachments.iterator(chunk_size=self.chunk_size):
            names.setdefault(submission_id, []).append(name)
        return {submission_id: ", ".join(found) for submission_id, found in names.items()}

    def chunks(self):
        """The exported submissions as raw value tuples (``VALUE_FIELDS``),
        in lists of ``chunk_size``, read with one cursor (server-side where
        the database has them, as ``iterator()``). Raw: the few values that
        need converting are converted in :meth:`rows`, without Django's
        per-value converters (half the time of reading a row)."""
        queryset = self.queryset.values_list(*VALUE_FIELDS)
        sql, params = queryset.query.sql_with_params()
        connection = connections[queryset.db]
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(self.chunk_size):
                yield chunk

    def rows(self):
        """The values of each submission, in the order of the headings
        (what ``ApplicationSubmission.get_data()`` gives, with labels from
        dicts); counts them in ``self.count``."""
        if self.needs_get_data:
            yield from self.rows_from_get_data()
            return
        statuses = self.statuses
        applicant_types = self.applicant_types
        districts = self.district_names()
        attachments = self.attachment_names()
        # Where each column comes from: an index into the values computed
        # per row (COMPUTED) or, for the fields editors added, form_data.
        computed = {name: index for index, name in enumerate(COMPUTED)}
        columns = [(computed.get(name), name) for name in self.fields]
        dates = [
            (self.fields.index(name), parse)
            for name, parse in self.date_fields
            if name not in computed
        ]
        for chunk in self.chunks():
            for (
                pk,
                form_data,
                district_id,
                status,
                applicant_type,
                submit_time,
                receipt_number,
                applicant_name,
                project_title,
                summary,
                contact_name,
                email,
                phone,
                consent_at,
                privacy_notice_version,
            ) in chunk:
                if form_data.__class__ is str:
                    form_data = json.loads(form_data)
                values = (
                    receipt_number,
                    to_datetime(submit_time),
                    statuses.get(status, status),
                    applicant_types.get(applicant_type, applicant_type),
                    applicant_name,
                    districts.get(district_id),
                    project_title,
                    summary,
                    contact_name,
                    email,
                    phone,
                    to_datetime(consent_at),
                    privacy_notice_version,
                    attachments.get(pk, ""),
                )
                row = [
                    form_data.get(name) if index is None else values[index]
                    for index, name in columns
                ]
                for column, parse in dates:
                    row[column] = self.parse_date(row[column], parse)
                self.count += 1
                yield row

    def parse_date(self, value, parse):
        """The ISO text of a date field as a date (a datetime in the
        package's time zone; a naive one is taken as its wall-clock time)."""
        if not isinstance(value, str) or not value:
            return value
        try:
            parsed = parse(value)
        except ValueError:
            return value
        if isinstance(parsed, datetime.datetime) and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        return value if parsed is None else parsed

    def parse_dates(self, data):
        """:meth:`parse_date` on the date fields of a ``get_data()`` dict."""
        for name, parse in self.date_fields:
            data[name] = self.parse_date(data.get(name), parse)

    def rows_from_get_data(self):
        """The slow way, for fields that only ``get_data()`` knows (a
        subclass's): one model instance and one ``get_data()`` per row."""
        fields = self.fields
        queryset = self.queryset.select_related("district").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("sort_order", "pk"))
        )
        for submission in queryset.iterator(chunk_size=self.chunk_size):
            data = submission.get_data()
            if self.date_fields:
                self.parse_dates(data)
            self.count += 1
            yield [data.get(name) for name in fields]

    def log(self, export_format):
        log(
            instance=self.form_page,
            action=EXPORT_ACTION,
            user=self.user,
            data={"format": export_format, "count": self.count},
        )

    # CSV ----------------------------------------------------------------

    def csv_value(self, value):
        if value.__class__ is str:
            return "'" + value if value.startswith(FORMULA_PREFIXES) else value
        if value is None:
            return ""
        if value is True or value is False:
            return self.yes_no[value]
        if isinstance(value, datetime.datetime):
            # dd.mm.yyyy HH:MM, faster than strftime() (twice a row)
            v = self.local(value)
            return f"{v.day:02}.{v.month:02}.{v.year} {v.hour:02}:{v.minute:02}"
        if isinstance(value, datetime.date):
            return f"{value.day:02}.{value.month:02}.{value.year}"
        if isinstance(value, list | tuple):
            value = ", ".join(force_str(item) for item in value)
        return neutralise_csv(force_str(value, strings_only=True))

    def local(self, value):
        """The time in the package's time zone (naive times are UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        elif value.tzinfo is not datetime.UTC:
            # Through UTC: astimezone() to the same zone would keep a
            # wall-clock time that does not exist (as localization.localtime).
            value = value.astimezone(datetime.UTC)
        return value.astimezone(self.zone)

    def excel_serial(self, value):
        """The time as an Excel serial number (days since 1899-12-30) of its
        wall-clock time in the package's time zone (naive times are UTC).

        The zone's offset is looked up once per hour of UTC time (zones
        change their offset on full hours), so a row costs two additions
        instead of two time-zone conversions and XlsxWriter's date
        arithmetic."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        seconds = value.timestamp()
        hour = seconds // 3600
        offset = self.offsets.get(hour)
        if offset is None:
            moment = datetime.datetime.fromtimestamp(hour * 3600, self.zone)
            offset = self.offsets[hour] = moment.utcoffset().total_seconds()
        return (seconds + offset) / 86400 + UNIX_EPOCH_SERIAL

    def csv_chunks(self):
        """The CSV file as bytes: BOM and headings at once, then the rows
        in chunks. Logs the export when the last row is out (or the
        download stops: what was sent is counted)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.headings)
        yield ("\ufeff" + buffer.getvalue()).encode()
        try:
            csv_value = self.csv_value
            pending = 0
            for row in self.rows():
                if not pending:
                    buffer.seek(0)
                    buffer.truncate()
                writer.writerow([csv_value(value) for value in row])
                pending += 1
                if pending == CSV_ROWS_PER_WRITE:
                    yield buffer.getvalue().encode()
                    pending = 0
            if pending:
                yield buffer.getvalue().encode()
        finally:
            self.log("csv")

    def csv_response(self):
        response = StreamingHttpResponse(self.csv_chunks(), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{self.filename}.csv")
        return response

    # XLSX ---------------------------------------------------------------

    def write_xlsx(self, output):
        """Write the workbook to ``output`` (a path or a binary file) row by
        row; memory stays flat whatever the number of rows."""
        import xlsxwriter

        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet("Sheet1")
        date_format = workbook.add_format({"num_format": self.xlsx_date_format})
        day_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
        write_string = sheet.write_string
        for column, heading in enumerate(self.headings):
            write_string(0, column, heading)
        write_number = sheet.write_number
        write_boolean = sheet.write_boolean
        write_datetime = sheet.write_datetime
        excel_serial = self.excel_serial
        row_number = 0
        for row in self.rows():
            row_number += 1
            for column, value in enumerate(row):
                if value is None:
                    continue
                kind = value.__class__
                if kind is str:
                    write_string(row_number, column, value)
                elif kind is bool:
                    write_boolean(row_number, column, value)
                elif kind is int or kind is float:
                    write_number(row_number, column, value)
                elif isinstance(value, datetime.datetime):
                    write_number(row_number, column, excel_serial(value), date_format)
                elif isinstance(value, datetime.date):
                    write_datetime(row_number, column, value, day_format)
                elif isinstance(value, list | tuple):
                    write_string(row_number, column, ", ".join(force_str(v) for v in value))
                else:
                    write_string(row_number, column, force_str(value))
        workbook.close()

    def xlsx_response(self):
        output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
        try:
            self.write_xlsx(output)
        except BaseException:
            output.close()
            raise
        self.log("xlsx")
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{self.filename}.xlsx",
        )

    def response(self, export_format):
        if export_format == "xlsx":
            return self.xlsx_response()
        return self.csv_response()
