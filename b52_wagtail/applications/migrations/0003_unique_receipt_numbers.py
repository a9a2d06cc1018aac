from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("b52_applications", "0002_receipt_sequences_rate_counters_warnings"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="applicationsubmission",
            name="b52_application_unique_receipt",
        ),
        migrations.AddConstraint(
            model_name="applicationsubmission",
            constraint=models.UniqueConstraint(
                condition=models.Q(("receipt_number", ""), _negated=True),
                fields=("receipt_number",),
                name="b52_application_unique_receipt_number",
            ),
        ),
        migrations.DeleteModel(
            name="ReceiptCounter",
        ),
    ]
