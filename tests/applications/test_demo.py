import pytest
from django.core import mail
from django.core.management import call_command

from b52_wagtail.applications.models import ApplicationFormPage, ApplicationSubmission
from b52_wagtail.awards.models import AwardCallPage

from .test_form import submit
from .utils import valid_data

pytestmark = pytest.mark.django_db


def build_demo():
    call_command("b52_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_form_belongs_to_the_open_call_and_accepts_an_application(
    client, district, django_capture_on_commit_callbacks
):
    build_demo()
    build_demo()
    form = ApplicationFormPage.objects.get()
    assert form.slug == "bewerbung"
    assert form.live
    call = AwardCallPage.objects.get(pk=form.call_id)
    assert form.get_parent().pk == call.pk
    assert call.application_page_id == form.pk
    assert call.accepts_applications()
    assert [f.label for f in form.form_fields.all()] == ["Anzahl der beteiligten Akteure"]
    assert [g.name for g in form.reviewer_groups.all()] == [f"Jury B 52-Förderpreis {call.edition}"]

    call_page = client.get(call.url).content.decode()
    assert form.url in call_page

    response = submit(
        client, form, valid_data(district), capture=django_capture_on_commit_callbacks
    )
    assert f"B52-{call.edition}-0001" in response.content.decode()
    assert ApplicationSubmission.objects.get().form_data == {"anzahl_der_beteiligten_akteure": "12"}
    assert [m.to for m in mail.outbox] == [
        ["anna.muster@salach.example"],
        ["bewerbungen@example.org"],
    ]
