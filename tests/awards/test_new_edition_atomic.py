"""“Neue Ausgabe” with the real application form: the copy lands below the
new call with a valid slug and without last year's jury, and a failure at
any step leaves nothing behind and shows the editor a message, not a 500."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, Revision

from b52_wagtail.applications.models import ApplicationFormField, ApplicationFormPage
from b52_wagtail.awards.models import AbstractAwardCallPage, AwardCallDocument, AwardCallPage
from b52_wagtail.awards.models import edition as award_edition

from .conftest import berlin, make_call

pytestmark = pytest.mark.django_db

FAULT = "Die Ausschreibung 2027 konnte wegen einer technischen Störung nicht angelegt werden."


@pytest.fixture
def jury(db):
    return Group.objects.create(name="Jury B 52-Förderpreis 2026")


@pytest.fixture
def call_2026(section, document, jury):
    call = make_call(section, 2026, start=berlin(2026, 7, 1), deadline=berlin(2026, 11, 30, 23, 59))
    call.call_documents = [AwardCallDocument(kind="ausschreibung", document=document)]
    call.save_revision().publish()
    form = ApplicationFormPage(
        title="Bewerbung um den Förderpreis", slug="bewerbung", call=call, to_address="a@b.de"
    )
    form.form_fields = [ApplicationFormField(label="Anzahl der Akteure", field_type="number")]
    form.reviewer_groups = [jury]
    call.add_child(instance=form)
    form.save_revision().publish()
    call.application_page = form
    call.save_revision().publish()
    return AwardCallPage.objects.get(pk=call.pk)


def action_url(call):
    return reverse("b52_awards_new_edition", args=[call.pk])


def snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "documents": AwardCallDocument.objects.count(),
        "form_fields": ApplicationFormField.objects.count(),
    }


def test_the_form_lands_below_the_new_call_without_last_years_jury(client, editor, call_2026, jury):
    confirm = client.get(action_url(call_2026)).content.decode()
    # the editor is told that the jury's access is not carried over
    assert "Jury B 52-Förderpreis 2026" in confirm
    assert "Nicht übernommen:" in confirm

    response = client.post(action_url(call_2026), follow=True)
    assert response.status_code == 200
    new_call = AwardCallPage.objects.get(edition=2027)
    new_form = ApplicationFormPage.objects.get(call=new_call)
    assert new_call.application_page_id == new_form.pk
    assert new_form.get_parent().pk == new_call.pk
    assert new_form.slug == "bewerbung"
    assert new_form.url_path.endswith("/ausschreibung-2027/bewerbung/")
    assert new_form.title == "Bewerbung um den Förderpreis 2027"
    assert not new_form.live and not new_call.live
    assert list(new_form.reviewer_groups.all()) == []
    assert new_form.get_latest_revision().as_object().reviewer_groups.count() == 0
    assert [f.label for f in new_form.form_fields.all()] == ["Anzahl der Akteure"]
    # last year's form keeps its jury and its place
    old_form = ApplicationFormPage.objects.get(call=call_2026)
    assert list(old_form.reviewer_groups.all()) == [jury]
    assert old_form.get_parent().pk == call_2026.pk
    messages = [str(m) for m in response.context["messages"]]
    assert any("Niemand aus dem Vorjahr darf seine Bewerbungen lesen" in m for m in messages)


def test_a_form_beside_the_call_gets_a_transliterated_slug_with_the_year(
    client, editor, section, call_2026
):
    form = ApplicationFormPage.objects.get(call=call_2026)
    form.move(section, pos="last-child")
    Page.objects.filter(pk=form.pk).update(slug="bewerbung-für-straßen")

    client.post(action_url(call_2026))
    new_form = ApplicationFormPage.objects.get(call__edition=2027)
    assert new_form.get_parent().pk == section.pk
    assert new_form.slug == "bewerbung-fuer-strassen-2027"


def copy_then_fail(model, error):
    """Page.copy that writes the copy of a ``model`` page and then fails."""
    real_copy = Page.copy

    def copy(self, *args, **kwargs):
        result = real_copy(self, *args, **kwargs)
        if isinstance(self, model):
            raise error
        return result

    return mock.patch.object(Page, "copy", autospec=True, side_effect=copy)


def fail_after(name, error):
    """The step ``name`` of AbstractAwardCallPage runs, then fails."""
    real = getattr(AbstractAwardCallPage, name)

    def step(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise error

    return mock.patch.object(AbstractAwardCallPage, name, autospec=True, side_effect=step)


def failing_slug(error):
    """The form's slug (the second one made) cannot be made."""
    real = award_edition.transliterated_slug
    calls = []

    def slug(text):
        calls.append(text)
        if len(calls) > 1:
            raise error
        return real(text)

    return mock.patch.object(award_edition, "transliterated_slug", side_effect=slug)


def failing_reviewers(error):
    """Dropping last year's reviewers fails during the copy (the calls
    before and after list them for the confirmation page)."""
    real = AbstractAwardCallPage.next_edition_form_excludes
    calls = []

    def excludes(self, form):
        calls.append(form)
        if len(calls) == 2:
            raise error
        return real(self, form)

    return mock.patch.object(
        AbstractAwardCallPage, "next_edition_form_excludes", autospec=True, side_effect=excludes
    )


FAILURES = {
    "copying the call": lambda: copy_then_fail(AwardCallPage, DatabaseError("disk full")),
    "copying the form": lambda: copy_then_fail(ApplicationFormPage, DatabaseError("disk full")),
    "making the form's slug": lambda: failing_slug(RuntimeError("slug")),
    "dropping the reviewers": lambda: failing_reviewers(RuntimeError("reviewers")),
    "linking and revisions": lambda: fail_after(
        "finish_next_edition", DatabaseError("connection lost")
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failure_leaves_nothing_behind_and_the_editor_reads_why(
    client, editor, call_2026, failure
):
    before = snapshot()
    with FAILURES[failure]():
        response = client.post(action_url(call_2026), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(action_url(call_2026), 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith(FAULT)
    assert "Es wurde nichts geändert" in messages[0]
    assert snapshot() == before
    assert not AwardCallPage.objects.filter(edition=2027).exists()
    assert ApplicationFormPage.objects.count() == 1
    call_2026.refresh_from_db()
    assert call_2026.application_page.specific.call_id == call_2026.pk
    # and it works once the fault is gone
    client.post(action_url(call_2026))
    assert AwardCallPage.objects.filter(edition=2027).count() == 1
    assert ApplicationFormPage.objects.count() == 2


def test_a_refused_copy_names_the_reason(client, editor, call_2026):
    before = snapshot()
    refusal = ValidationError({"slug": ["Die Kurzform ist bereits vergeben."]})
    with copy_then_fail(ApplicationFormPage, refusal):
        response = client.post(action_url(call_2026), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Die Ausschreibung 2027 konnte nicht angelegt werden: Die Kurzform ist bereits "
        "vergeben. Es wurde nichts geändert."
    ]
    assert snapshot() == before
