"""Demo content: the application forms of the open call and of the closed
call of the year's work, read from ``demo_data/applications.json`` (slug
``bewerbung``), linked both ways, and two groups per call that show the
applications permission (the Geschäftsstelle reads all applications, the
jury those of its call). The closed call's applications, jury and reviews
come from ``demo_year`` (``demo_data/applications/closed-call.json``)."""

from django.contrib.auth.models import Group, Permission

from .. import demo_loader
from . import demo_year
from .models import ApplicationFormField, ApplicationFormPage

DATA = demo_loader.load("applications")


def _group(spec, year):
    group, _ = Group.objects.get_or_create(name=spec["name"].format(year=year))
    permissions = Permission.objects.filter(
        content_type__app_label__in=["b52_applications", "wagtailadmin"],
        codename__in=spec["permissions"],
    )
    group.permissions.add(*permissions)
    return group


def build_form(call):
    """The form page of ``call`` (created or updated, published) and the
    office and jury groups of its edition."""
    spec = DATA["form"]
    year = call.edition
    form = ApplicationFormPage.objects.child_of(call).filter(slug=spec["slug"]).first()
    title = spec["title"].format(year=year)
    if form is None:
        form = ApplicationFormPage(slug=spec["slug"], title=title, call=call)
        call.add_child(instance=form)
    form.title = title
    form.call = call
    form.intro = demo_loader.rich_text(demo_loader.markdown(spec["intro"]))
    form.thank_you_text = demo_loader.rich_text(demo_loader.markdown(spec["thank_you"]))
    form.to_address = spec["to_address"]
    form.subject = spec["subject"].format(year=year)
    existing = {field.label: field for field in form.form_fields.all()}
    fields = []
    for order, field_spec in enumerate(spec["extra_fields"]):
        field = existing.get(field_spec["label"]) or ApplicationFormField(**field_spec)
        for name, value in field_spec.items():
            setattr(field, name, value)
        field.sort_order = order
        fields.append(field)
    form.form_fields = fields

    office = _group(DATA["groups"]["office"], year)
    jury = _group(DATA["groups"]["jury"], year)
    form.reviewer_groups = [jury]
    form.save_revision().publish()

    call.application_page = form
    call.save_revision().publish()
    return form, {"office": office, "jury": jury}


def build(root, state):
    call = state.get("current_call")
    if call is None:
        stdout = state.get("stdout")
        if stdout:
            stdout.write("applications demo skipped: no open award call")
        return
    # The closed call first: the admin lists the forms by their latest
    # revision, so the open call's form comes first there.
    closed = state.get("calls", {}).get(demo_year.DATA["year"])
    if closed is not None and closed.pk != call.pk:
        closed_form, _groups = build_form(closed.specific)
        demo_year.build(closed_form, closed.specific, state)
        state["closed_application_form"] = closed_form

    form, groups = build_form(call.specific)
    state["application_form"] = form
    state["application_groups"] = groups
