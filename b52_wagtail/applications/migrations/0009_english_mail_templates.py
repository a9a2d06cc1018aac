# Written by hand: data only, no schema change.

import importlib

from django.db import migrations

# 0008's function creates every template of ``data/mail_templates.json`` a
# site does not have yet and leaves the rows staff already have as they
# are: here it adds the English ones on sites that ran 0008 before they
# existed.
create_missing_templates = importlib.import_module(
    "b52_wagtail.applications.migrations.0008_workflow_notes_mail_templates"
).create_default_templates


class Migration(migrations.Migration):
    dependencies = [("b52_applications", "0008_workflow_notes_mail_templates")]

    operations = [migrations.RunPython(create_missing_templates, migrations.RunPython.noop)]
