"""Demo content: the application form of the open call (slug ``bewerbung``),
linked both ways, and two groups that show the applications permission
(the Geschäftsstelle reads all applications, the jury those of its call)."""

from django.contrib.auth.models import Group, Permission

from .models import ApplicationFormField, ApplicationFormPage

INTRO = (
    "<p>Bewerben Sie sich mit Ihrem Projekt um den B 52-Förderpreis „Gesunde Kommune“. "
    "Bitte füllen Sie alle Pflichtfelder aus und laden Sie den ausgefüllten "
    "Bewerbungsbogen als PDF (oder DOCX/ODT) hoch.</p>"
)
THANKS = (
    "<p>Die Geschäftsstelle prüft alle Bewerbungen nach dem Bewerbungsschluss. "
    "Die Jury entscheidet im Frühjahr; alle Bewerber erhalten Nachricht.</p>"
)
DEMO_TO_ADDRESS = "bewerbungen@example.org"
EXTRA_FIELDS = [
    {
        "label": "Anzahl der beteiligten Akteure",
        "field_type": "number",
        "required": False,
        "help_text": "Zum Beispiel Vereine, Schulen, Pflegedienste und Ämter.",
    },
]


def _group(name, codenames):
    group, _ = Group.objects.get_or_create(name=name)
    permissions = Permission.objects.filter(
        content_type__app_label__in=["b52_applications", "wagtailadmin"], codename__in=codenames
    )
    group.permissions.add(*permissions)
    return group


def build(root, state):
    call = state.get("current_call")
    if call is None:
        stdout = state.get("stdout")
        if stdout:
            stdout.write("applications demo skipped: no open award call")
        return
    call = call.specific
    form = ApplicationFormPage.objects.child_of(call).filter(slug="bewerbung").first()
    title = f"Bewerbung um den B 52-Förderpreis {call.edition}"
    if form is None:
        form = ApplicationFormPage(slug="bewerbung", title=title, call=call)
        call.add_child(instance=form)
    form.title = title
    form.call = call
    form.intro = INTRO
    form.thank_you_text = THANKS
    form.to_address = DEMO_TO_ADDRESS
    form.subject = f"Neue Bewerbung B 52-Förderpreis {call.edition}"
    existing = {field.label: field for field in form.form_fields.all()}
    fields = []
    for order, spec in enumerate(EXTRA_FIELDS):
        field = existing.get(spec["label"]) or ApplicationFormField(**spec)
        for name, value in spec.items():
            setattr(field, name, value)
        field.sort_order = order
        fields.append(field)
    form.form_fields = fields

    office = _group(
        "Geschäftsstelle – Bewerbungen",
        ["access_admin", "view_all_applications", "change_applicationsubmission"],
    )
    jury = _group(f"Jury B 52-Förderpreis {call.edition}", ["access_admin", "view_applications"])
    form.reviewer_groups = [jury]
    form.save_revision().publish()

    call.application_page = form
    call.save_revision().publish()
    state["application_form"] = form
    state["application_groups"] = {"office": office, "jury": jury}
