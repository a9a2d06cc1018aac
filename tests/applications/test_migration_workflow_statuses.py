"""Migration 0004 moves the old statuses into the workflow and back.

Its data functions run against the current models (the status column is
the same text column before and after): migrating the schema back and
forth inside the suite would drop the tables of later migrations and leave
the content types of the test database out of step for the tests after it.
"""

import importlib
import uuid

import pytest
from django.apps import apps

from b52_wagtail.applications.models import ApplicationSubmission

pytestmark = pytest.mark.django_db

migration = importlib.import_module("b52_wagtail.applications.migrations.0004_workflow_statuses")


def make_submissions(form_page, district, statuses):
    rows = {}
    for number, status in enumerate(statuses):
        rows[status] = ApplicationSubmission.objects.create(
            page=form_page,
            form_data={},
            district=district,
            applicant_type="gemeinde",
            applicant_name="A",
            project_title="P",
            summary="S",
            contact_name="C",
            email="c@example.org",
            phone="1",
            receipt_number=f"T-{number}",
            status=status,
            idempotency_token=uuid.uuid4(),
        ).pk
    return rows


def statuses(rows):
    found = dict(ApplicationSubmission.objects.values_list("pk", "status"))
    return {old: found[pk] for old, pk in rows.items()}


def test_0004_maps_shortlisted_and_rejected_and_back(form_page, district):
    rows = make_submissions(
        form_page, district, ["received", "in_review", "shortlisted", "rejected", "awarded", "spam"]
    )
    migration.forwards(apps, None)
    assert statuses(rows) == {
        "received": "received",
        "in_review": "in_review",
        "shortlisted": "jury",
        "rejected": "not_selected",
        "awarded": "awarded",
        "spam": "spam",
    }
    # Statuses the old workflow did not know fall back to "in review".
    ApplicationSubmission.objects.filter(pk=rows["received"]).update(status="incomplete")
    ApplicationSubmission.objects.filter(pk=rows["in_review"]).update(status="withdrawn")
    migration.backwards(apps, None)
    assert statuses(rows) == {
        "received": "in_review",
        "in_review": "in_review",
        "shortlisted": "shortlisted",
        "rejected": "rejected",
        "awarded": "awarded",
        "spam": "spam",
    }


def test_0004_is_the_migration_that_runs_them():
    from django.db.migrations import RunPython

    operations = [op for op in migration.Migration.operations if isinstance(op, RunPython)]
    assert [(op.code, op.reverse_code) for op in operations] == [
        (migration.forwards, migration.backwards)
    ]
