"""The permission matrix of issue 12: every admin view of applications and
of the jury, for every kind of user, in one table.

The world (built afresh for each test): call A (2026) and call B (2027),
each with a form page and a jury with one criterion; in call A one
application forwarded to the jury, one received and one incomplete, in
call B one forwarded; every application with a PDF in the private storage.
The users:

* ``anon``: not signed in;
* ``editor``: edits pages below home, no applications permission;
* ``office``: the Geschäftsstelle, the same page rights plus
  ``view_all_applications`` and changing and deleting applications;
* ``reader``: ``view_applications`` through the reviewer group of form A;
* ``juror``: juror of call A; ``other_juror``: juror of call B;
* ``conflicted``: juror of call A with a conflict of interest declared on
  the forwarded application;
* ``superuser``.

A refused POST must change nothing; a refused page must show nothing of
the application.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from wagtail.models import GroupPagePermission, Locale, Site

from b52_wagtail.applications.models import (
    ApplicationNote,
    ApplicationStatus,
    ApplicationSubmission,
    Attachment,
    MailDelivery,
    Review,
    Score,
)
from b52_wagtail.applications.storage import private_storage
from b52_wagtail.awards.models import WinnerArchivePage
from b52_wagtail.models import District

from .jury_helpers import make_application, make_juror, make_jury
from .test_permissions import make_group, make_user
from .utils import make_call, make_form_page, pdf, pdf_bytes

pytestmark = pytest.mark.django_db

# Outcomes -------------------------------------------------------------------------

OK = "200"  # the page
FILE = "file"  # 200 with the file (PDF, ZIP, CSV, XLSX)
DONE = "done"  # 302 after a POST that did what it says
GO = "go"  # 302 to where the view sends an allowed user
LOGIN = "login"  # 302 to the admin login
DENY = "403"
HOME = "home"  # Wagtail's own "no permission": 302 to the admin home
# The dashboard panel on /admin/:
NUMBERS = "numbers"  # the panel with the numbers of the forms the user reads
WAITING = "waiting"  # the panel with what waits for the juror's review
EMPTY = "empty"  # the panel, with nothing waiting
NONE = "none"  # no panel

REFUSED = {LOGIN, DENY, HOME}

ROLES = ("anon", "editor", "office", "reader", "juror", "other_juror", "conflicted", "superuser")

# fmt: off
MATRIX = {
    #                         anon   editor office  reader juror  other  conflicted superuser
    "applications_index":    (LOGIN, DENY,  OK,     OK,    DENY,  DENY,  DENY,  OK),
    "submissions_list":      (LOGIN, DENY,  OK,     OK,    DENY,  DENY,  DENY,  OK),
    "submissions_list_b":    (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "submissions_csv":       (LOGIN, DENY,  FILE,   FILE,  DENY,  DENY,  DENY,  FILE),
    "submissions_xlsx":      (LOGIN, DENY,  FILE,   FILE,  DENY,  DENY,  DENY,  FILE),
    "submissions_delete":    (LOGIN, HOME,  DONE,   HOME,  HOME,  HOME,  HOME,  DONE),
    "detail":                (LOGIN, DENY,  OK,     OK,    DENY,  DENY,  DENY,  OK),
    "status":                (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "note":                  (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "reply":                 (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "compose_mail":          (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "send_mail":             (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "attachment":            (LOGIN, DENY,  FILE,   FILE,  DENY,  DENY,  DENY,  FILE),
    "attachment_confirm":    (LOGIN, DENY,  GO,     GO,    DENY,  DENY,  DENY,  GO),
    "data_rights":           (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "data_rights_export":    (LOGIN, DENY,  FILE,   DENY,  DENY,  DENY,  DENY,  FILE),
    "data_rights_erase":     (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "winners":               (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "jury_index":            (LOGIN, DENY,  OK,     DENY,  OK,    OK,    OK,    OK),
    "jury_application":      (LOGIN, DENY,  DENY,   DENY,  OK,    DENY,  DENY,  DENY),
    "jury_not_forwarded":    (LOGIN, DENY,  DENY,   DENY,  DENY,  DENY,  DENY,  DENY),
    "jury_score":            (LOGIN, DENY,  DENY,   DENY,  DONE,  DENY,  DENY,  DENY),
    "jury_conflict":         (LOGIN, DENY,  DENY,   DENY,  DONE,  DENY,  DENY,  DENY),
    "jury_attachment":       (LOGIN, DENY,  DENY,   DENY,  FILE,  DENY,  DENY,  DENY),
    "jury_zip":              (LOGIN, DENY,  DENY,   DENY,  FILE,  DENY,  FILE,  DENY),
    "jury_ranking":          (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "jury_ranking_export":   (LOGIN, DENY,  FILE,   DENY,  DENY,  DENY,  DENY,  FILE),
    "jury_setup":            (LOGIN, HOME,  OK,     HOME,  HOME,  HOME,  HOME,  OK),
    "jury_invite":           (LOGIN, DENY,  OK,     DENY,  DENY,  DENY,  DENY,  OK),
    "jury_invite_post":      (LOGIN, DENY,  DONE,   DENY,  DENY,  DENY,  DENY,  DONE),
    "twofactor_reset":       (LOGIN, HOME,  HOME,   HOME,  HOME,  HOME,  HOME,  OK),
    "dashboard":             (LOGIN, NONE,  NUMBERS, NUMBERS, WAITING, EMPTY, EMPTY, NUMBERS),
}
# fmt: on


# The world ------------------------------------------------------------------------


@dataclass
class World:
    form_a: object
    form_b: object
    jury_a: object
    jury_b: object
    forwarded: ApplicationSubmission
    received: ApplicationSubmission
    incomplete: ApplicationSubmission
    other_forwarded: ApplicationSubmission
    users: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    pristine: tuple = ()

    def attachment(self, submission):
        return submission.attachments.get()


def grant_pages(group, page):
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=page, permission=Permission.objects.get(codename=codename)
        )


def build_world():
    User = get_user_model()
    home = Site.objects.get(is_default_site=True).root_page.specific
    district = District.objects.get(locale=Locale.get_default(), name="Göppingen")
    archive = WinnerArchivePage(title="Preisträger", slug="preistraeger")
    home.add_child(instance=archive)
    call_a = make_call(home)
    form_a = make_form_page(call_a)
    call_b = make_call(home, edition=2027, slug="ausschreibung-2027")
    form_b = make_form_page(call_b, slug="bewerbung-2027")
    content = pdf_bytes()

    def application(page, number, status):
        return make_application(
            page, district, number, status=status, files=[("bewerbungsbogen.pdf", content)]
        )

    forwarded = application(form_a, 1, ApplicationStatus.JURY)
    received = application(form_a, 2, ApplicationStatus.RECEIVED)
    incomplete = application(form_a, 3, ApplicationStatus.INCOMPLETE)
    other_forwarded = application(form_b, 4, ApplicationStatus.JURY)
    jury_a = make_jury(call_a, criteria=(("Wirkung", 1),))
    jury_b = make_jury(call_b, criteria=(("Wirkung", 1),))

    editors = make_group("Redaktion")
    grant_pages(editors, home)
    office = make_group(
        "Geschäftsstelle",
        "view_all_applications",
        "change_applicationsubmission",
        "delete_applicationsubmission",
    )
    readers = make_group("Leser 2026", "view_applications")
    form_a.reviewer_groups = [readers]
    form_a.save()

    conflicted = make_juror(User, "conflicted", jury_a)
    Review.objects.create(submission=forwarded, juror=conflicted, conflict_of_interest=True)
    users = {
        "anon": None,
        "editor": make_user(User, "editor", editors),
        "office": make_user(User, "office", editors, office),
        "reader": make_user(User, "reader", readers),
        "juror": make_juror(User, "juror", jury_a),
        "other_juror": make_juror(User, "other_juror", jury_b),
        "conflicted": conflicted,
        "superuser": make_user(User, "superuser", is_superuser=True, is_staff=True),
    }
    return World(
        form_a=form_a,
        form_b=form_b,
        jury_a=jury_a,
        jury_b=jury_b,
        forwarded=forwarded,
        received=received,
        incomplete=incomplete,
        other_forwarded=other_forwarded,
        users=users,
        files=dict.fromkeys(Attachment.objects.values_list("file", flat=True), content),
    )


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world is built once for the module, in a transaction rolled back
    at its end; each test runs in a savepoint of it (pytest-django's
    ``django_db``) that is rolled back after the test, so every test starts
    from the world as built (building it for each of the 257 tests took ~100 s)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.pristine = fingerprint(world)
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(built_world, db):
    """The world with its files back in the private storage (which the
    package's conftest empties for each test)."""
    assert fingerprint(built_world) == built_world.pristine, "a test left changes behind"
    for name, content in built_world.files.items():
        assert private_storage.save(name, ContentFile(content)) == name
    return built_world


def fingerprint(world):
    """What the POSTs of the matrix may change."""
    return (
        sorted(ApplicationSubmission.objects.values_list("pk", "status", "anonymised_at")),
        reviews(world),
        notes(world),
        attachments(world),
        users_state(world),
        sorted(MailDelivery.objects.values_list("submission_id", "kind")),
    )


# The views ------------------------------------------------------------------------


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def receipt(submission):
    return submission.receipt_number


@dataclass(frozen=True)
class View:
    """How to call a view, what an allowed user gets (``check(response,
    world, role)``) and what a refused POST must leave as it was
    (``state(world)``)."""

    call: Callable
    check: Callable | None = None
    state: Callable | None = None


def admin_url(name, *args):
    return reverse(f"b52_applications_admin:{name}", args=args)


def jury_url(name, *args):
    return reverse(f"b52_jury:{name}", args=args)


def list_url(world):
    return reverse("wagtailforms:list_submissions", args=[world.form_a.pk])


def shows_forwarded(response, world, role):
    assert receipt(world.forwarded) in response.content.decode()


def shows_other_forwarded(response, world, role):
    assert receipt(world.other_forwarded) in response.content.decode()


def mail_form(response, world, role):
    assert response.context["form"].initial["subject"]


def to_download(response, world, role):
    url = reverse("b52_applications:attachment", args=[world.attachment(world.forwarded).pk])
    assert response["Location"] == url


def winners_of_form_a(response, world, role):
    assert response.context["form_page"].pk == world.form_a.pk


def lists_form_a_only(response, world, role):
    content = response.content.decode()
    assert world.form_a.title in content
    if role == "reader":
        assert world.form_b.title not in content


def export_has_forwarded(response, world, role):
    body = body_of(response)
    if response["Content-Type"].startswith("text/csv"):
        assert receipt(world.forwarded) in body.decode()
    else:
        assert body.startswith(b"PK")


def is_pdf(response, world, role):
    assert body_of(response).startswith(b"%PDF-")


def is_zip(response, world, role):
    return zipfile.ZipFile(io.BytesIO(body_of(response)))


def jury_zip_check(response, world, role):
    names = " ".join(is_zip(response, world, role).namelist())
    # The juror gets the forwarded application; the conflicted juror not.
    assert (receipt(world.forwarded) in names) == (role == "juror"), names


def jury_index_check(response, world, role):
    reviewable = {
        row["submission"].pk
        for group in response.context["groups"]
        for row in group["rows"]
        if row["state"] != "conflict"
    }
    expected = {
        "juror": {world.forwarded.pk},
        "other_juror": {world.other_forwarded.pk},
    }.get(role, set())
    assert reviewable == expected
    assert bool(response.context["staff_juries"]) == (role in ("office", "superuser"))


def submissions(world):
    return sorted(ApplicationSubmission.objects.values_list("pk", flat=True))


def deleted_received(response, world, role):
    assert not ApplicationSubmission.objects.filter(pk=world.received.pk).exists()


def status_state(world):
    return ApplicationSubmission.objects.get(pk=world.received.pk).status


def status_changed(response, world, role):
    assert status_state(world) == ApplicationStatus.IN_REVIEW


def notes(world):
    return list(ApplicationNote.objects.values_list("submission_id", "text"))


def note_added(response, world, role):
    assert notes(world) == [(world.forwarded.pk, "Rückruf vereinbart")]


def attachments(world):
    return sorted(Attachment.objects.values_list("submission_id", "original_name"))


def reply_attached(response, world, role):
    names = world.incomplete.attachments.values_list("original_name", flat=True)
    assert "antwort.pdf" in names


def deliveries(world):
    return list(world.incomplete.mail_deliveries.values_list("kind", "subject"))


def mail_queued(response, world, role):
    assert ("request_documents", "Unterlagen fehlen") in deliveries(world)


def anonymised(world):
    return ApplicationSubmission.objects.get(pk=world.forwarded.pk).anonymised_at


def erased(response, world, role):
    assert anonymised(world) is not None


def reviews(world):
    return sorted(
        Review.objects.values_list("submission_id", "juror__username", "conflict_of_interest")
    ) + sorted(Score.objects.values_list("review__juror__username", "value"))


def scored(response, world, role):
    assert Score.objects.get(review__juror__username=role).value == 7


def conflict_declared(response, world, role):
    review = Review.objects.get(submission=world.forwarded, juror__username=role)
    assert review.conflict_of_interest


def users_state(world):
    return sorted(get_user_model().objects.values_list("email", flat=True))


def invited(response, world, role):
    assert world.jury_a.jurors.filter(user__email="extern@example.org").exists()


VIEWS = {
    "applications_index": View(lambda c, w: c.get(admin_url("index")), check=lists_form_a_only),
    "submissions_list": View(lambda c, w: c.get(list_url(w)), check=shows_forwarded),
    "submissions_list_b": View(
        lambda c, w: c.get(reverse("wagtailforms:list_submissions", args=[w.form_b.pk])),
        check=shows_other_forwarded,
    ),
    "submissions_csv": View(
        lambda c, w: c.get(list_url(w) + "?export=csv"), check=export_has_forwarded
    ),
    "submissions_xlsx": View(
        lambda c, w: c.get(list_url(w) + "?export=xlsx"), check=export_has_forwarded
    ),
    "submissions_delete": View(
        lambda c, w: c.post(
            reverse("wagtailforms:delete_submissions", args=[w.form_a.pk])
            + f"?selected-submissions={w.received.pk}"
        ),
        check=deleted_received,
        state=submissions,
    ),
    "detail": View(lambda c, w: c.get(admin_url("detail", w.forwarded.pk)), check=shows_forwarded),
    "status": View(
        lambda c, w: c.post(admin_url("status", w.received.pk), {"status": "in_review"}),
        check=status_changed,
        state=status_state,
    ),
    "note": View(
        lambda c, w: c.post(admin_url("note", w.forwarded.pk), {"text": "Rückruf vereinbart"}),
        check=note_added,
        state=notes,
    ),
    "reply": View(
        lambda c, w: c.post(
            admin_url("reply", w.incomplete.pk), {"attachments": [pdf("antwort.pdf")]}
        ),
        check=reply_attached,
        state=attachments,
    ),
    "compose_mail": View(
        lambda c, w: c.get(admin_url("compose_mail", w.incomplete.pk, "request_documents")),
        check=mail_form,
    ),
    "send_mail": View(
        lambda c, w: c.post(
            admin_url("compose_mail", w.incomplete.pk, "request_documents"),
            {"subject": "Unterlagen fehlen", "body": "Bitte senden.", "action": "send"},
        ),
        check=mail_queued,
        state=deliveries,
    ),
    "attachment": View(
        lambda c, w: c.get(
            reverse("b52_applications:attachment", args=[w.attachment(w.forwarded).pk])
        ),
        check=is_pdf,
    ),
    "attachment_confirm": View(
        lambda c, w: c.get(admin_url("attachment", w.attachment(w.forwarded).pk)),
        check=to_download,
    ),
    "data_rights": View(
        lambda c, w: c.get(admin_url("data_rights", w.forwarded.pk)), check=shows_forwarded
    ),
    "data_rights_export": View(
        lambda c, w: c.post(
            admin_url("data_rights_export", w.forwarded.pk), {"applications": [w.forwarded.pk]}
        ),
        check=is_zip,
    ),
    "data_rights_erase": View(
        lambda c, w: c.post(
            admin_url("data_rights_erase", w.forwarded.pk),
            {"applications": [w.forwarded.pk], "confirm": "yes"},
        ),
        check=erased,
        state=anonymised,
    ),
    "winners": View(
        lambda c, w: c.get(admin_url("winners", w.form_a.pk)),
        check=winners_of_form_a,
    ),
    "jury_index": View(lambda c, w: c.get(jury_url("index")), check=jury_index_check),
    "jury_application": View(
        lambda c, w: c.get(jury_url("application", w.forwarded.pk)), check=shows_forwarded
    ),
    "jury_not_forwarded": View(lambda c, w: c.get(jury_url("application", w.received.pk))),
    "jury_score": View(
        lambda c, w: c.post(
            jury_url("application", w.forwarded.pk),
            {f"criterion_{w.jury_a.criteria.get().pk}": 7, "comment": "Überzeugend"},
        ),
        check=scored,
        state=reviews,
    ),
    "jury_conflict": View(
        lambda c, w: c.post(jury_url("conflict", w.forwarded.pk)),
        check=conflict_declared,
        state=reviews,
    ),
    "jury_attachment": View(
        lambda c, w: c.get(jury_url("attachment", w.attachment(w.forwarded).pk)), check=is_pdf
    ),
    "jury_zip": View(lambda c, w: c.get(jury_url("zip", w.jury_a.pk)), check=jury_zip_check),
    "jury_ranking": View(
        lambda c, w: c.get(jury_url("ranking", w.jury_a.pk)), check=shows_forwarded
    ),
    "jury_ranking_export": View(
        lambda c, w: c.get(jury_url("ranking", w.jury_a.pk) + "?export=csv"),
        check=export_has_forwarded,
    ),
    "jury_setup": View(lambda c, w: c.get(reverse("b52_juries:edit", args=[w.jury_a.pk]))),
    "jury_invite": View(lambda c, w: c.get(jury_url("invite", w.jury_a.pk))),
    "jury_invite_post": View(
        lambda c, w: c.post(
            jury_url("invite", w.jury_a.pk), {"name": "Eva Extern", "email": "extern@example.org"}
        ),
        check=invited,
        state=users_state,
    ),
    "twofactor_reset": View(lambda c, w: c.get(reverse("b52_twofactor:reset"))),
    "dashboard": View(lambda c, w: c.get(reverse("wagtailadmin_home"))),
}

CASES = [
    pytest.param(view, role, outcome, id=f"{view}-{role}")
    for view, outcomes in MATRIX.items()
    for role, outcome in zip(ROLES, outcomes, strict=True)
]


def test_the_matrix_names_every_view():
    assert set(MATRIX) == set(VIEWS)


# The dashboard panel ----------------------------------------------------------------

PANEL = 'id="b52-applications'


def panel_html(content):
    start = content.index(PANEL)
    return content[start : content.index("</section>", start)]


def check_dashboard(response, world, outcome):
    assert response.status_code == 200
    content = response.content.decode()
    if outcome == NONE:
        assert PANEL not in content
        return
    panel = panel_html(content)
    numbers = "b52-dashboard-status" in panel
    assert numbers == (outcome == NUMBERS)
    waiting = world.jury_a.call.title in panel and outcome != NUMBERS
    assert waiting == (outcome == WAITING)


# The test -------------------------------------------------------------------------


@pytest.mark.parametrize(("view", "role", "outcome"), CASES)
def test_permission_matrix(client, world, view, role, outcome):
    spec = VIEWS[view]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = spec.state(world) if spec.state else None
    response = spec.call(client, world)
    if view == "dashboard" and outcome != LOGIN:
        check_dashboard(response, world, outcome)
        return
    if outcome in REFUSED:
        if outcome == DENY:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            expected = "/admin/login/" if outcome == LOGIN else reverse("wagtailadmin_home")
            assert response["Location"].startswith(expected), response["Location"]
        content = body_of(response)
        assert receipt(world.forwarded).encode() not in content
        assert b"%PDF" not in content
        if spec.state:
            assert spec.state(world) == before
        return
    expected_status = {OK: 200, FILE: 200, DONE: 302, GO: 302}[outcome]
    assert response.status_code == expected_status, response
    if outcome == FILE:
        assert response.streaming or response["Content-Disposition"].startswith("attachment")
    if spec.check:
        spec.check(response, world, role)
