"""Receipt numbers drawn from one sequence per prefix for the whole install
(before: one counter per call, so two sites of one edition both gave out
``B52-2026-0001``), database rate-limit counters, attachment warnings.

The data step carries every counter over: each prefix continues after the
highest number given out under it. Receipt numbers that two forms gave out
twice keep their oldest holder; the later holders get the form page's id
appended (``B52-2026-0001-P17``), so the next migration can make receipt
numbers unique.
"""

import re

from django.db import migrations, models

NUMBERED = re.compile(r"^(?P<prefix>.+)-(?P<number>\d+)$")


def carry_over_counters(apps, schema_editor):
    ApplicationSubmission = apps.get_model("b52_applications", "ApplicationSubmission")
    ReceiptCounter = apps.get_model("b52_applications", "ReceiptCounter")
    ReceiptSequence = apps.get_model("b52_applications", "ReceiptSequence")
    last = {}
    for counter in ReceiptCounter.objects.select_related("call"):
        prefix = f"B52-{counter.call.edition}"
        last[prefix] = max(last.get(prefix, 0), counter.last_number)
    seen = set()
    submissions = (
        ApplicationSubmission.objects.exclude(receipt_number="")
        .order_by("submit_time", "pk")
        .values_list("pk", "receipt_number", "page_id")
    )
    for pk, receipt_number, page_id in submissions:
        match = NUMBERED.match(receipt_number)
        if match:
            prefix = match["prefix"]
            last[prefix] = max(last.get(prefix, 0), int(match["number"]))
        if receipt_number in seen:
            ApplicationSubmission.objects.filter(pk=pk).update(
                receipt_number=f"{receipt_number}-P{page_id}"[:40]
            )
        seen.add(receipt_number)
    for prefix, number in last.items():
        ReceiptSequence.objects.update_or_create(prefix=prefix, defaults={"last_number": number})


class Migration(migrations.Migration):
    dependencies = [
        ("b52_applications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="warnings",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What the upload check found and let through (e.g. active PDF content).",
                verbose_name="warnings",
            ),
        ),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100, unique=True, verbose_name="key")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="count")),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
            ],
            options={
                "verbose_name": "rate limit counter",
                "verbose_name_plural": "rate limit counters",
            },
        ),
        migrations.CreateModel(
            name="ReceiptSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prefix", models.CharField(max_length=30, unique=True, verbose_name="prefix")),
                ("last_number", models.PositiveIntegerField(default=0, verbose_name="last number")),
            ],
            options={
                "verbose_name": "receipt number sequence",
                "verbose_name_plural": "receipt number sequences",
            },
        ),
        migrations.RunPython(carry_over_counters, migrations.RunPython.noop),
    ]
