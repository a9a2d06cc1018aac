"""Migration 0004 moves the old statuses into the workflow and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP = "b52_applications"
BEFORE = [(APP, "0003_unique_receipt_numbers")]
AFTER = [(APP, "0004_workflow_statuses")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def make_submissions(apps, statuses):
    Site = apps.get_model("wagtailcore", "Site")
    District = apps.get_model("b52_wagtail", "District")
    Submission = apps.get_model(APP, "ApplicationSubmission")
    page_id = Site.objects.get(is_default_site=True).root_page_id
    district = District.objects.first()
    rows = {}
    for number, status in enumerate(statuses):
        rows[status] = Submission.objects.create(
            page_id=page_id,
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
            idempotency_token=f"00000000-0000-0000-0000-{number:012d}",
        ).pk
    return rows


@pytest.mark.django_db(transaction=True)
def test_0004_maps_shortlisted_and_rejected_and_back():
    try:
        old_apps = migrate(BEFORE)
        rows = make_submissions(
            old_apps, ["received", "in_review", "shortlisted", "rejected", "awarded", "spam"]
        )
        new_apps = migrate(AFTER)
        Submission = new_apps.get_model(APP, "ApplicationSubmission")
        status = dict(Submission.objects.values_list("pk", "status"))
        assert {old: status[pk] for old, pk in rows.items()} == {
            "received": "received",
            "in_review": "in_review",
            "shortlisted": "jury",
            "rejected": "not_selected",
            "awarded": "awarded",
            "spam": "spam",
        }
        Submission.objects.filter(pk=rows["received"]).update(status="incomplete")
        Submission.objects.filter(pk=rows["in_review"]).update(status="withdrawn")
        back_apps = migrate(BEFORE)
        Submission = back_apps.get_model(APP, "ApplicationSubmission")
        status = dict(Submission.objects.values_list("pk", "status"))
        assert {old: status[pk] for old, pk in rows.items()} == {
            "received": "in_review",
            "in_review": "in_review",
            "shortlisted": "shortlisted",
            "rejected": "rejected",
            "awarded": "awarded",
            "spam": "spam",
        }
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
