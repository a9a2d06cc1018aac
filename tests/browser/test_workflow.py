"""The review workflow in a real browser: staff move an application through
the statuses, ask for missing documents with a previewed mail, the applicant
uploads them through the one-time link and later withdraws; every page is
checked with axe-core."""

import re
from urllib.parse import urlsplit

from tests.applications.utils import pdf_bytes

from .conftest import _manage, axe_violations
from .test_data_rights import apply

FORM_TITLE = re.compile("Bewerbung um den B 52-Förderpreis")


def assert_main_accessible(page):
    """axe on ``main``. Wagtail's selects draw their chevron with a
    background gradient, so axe cannot decide their contrast (“bgGradient”):
    that undecided result on a Wagtail select is left out, nothing else."""
    violations = _admin_violations(page, include="main")
    assert violations == [], f"axe-core on {page.url}: {violations}"


def assert_admin_accessible(page):
    """axe on the whole admin page, Wagtail's sidebar and header included:
    no violation anywhere. Undecided contrast counts inside ``main`` only
    (the package's content; Wagtail's selects left out as above): outside
    it axe cannot decide the active sidebar item, whose label Wagtail draws
    with a text shadow (“complex text shadows”)."""
    violations = _admin_violations(page, undecided_within="main")
    assert violations == [], f"axe-core on {page.url}: {violations}"


def _admin_violations(page, **axe_options):
    # Wagtail's messages fade in (a CSS transition): axe cannot judge
    # contrast mid-transition. (Its sidebar's badge pings for 25 s with a
    # CSS animation, on the shadow only.)
    page.wait_for_function(
        """() => document.getAnimations().every((animation) =>
            !(animation instanceof CSSTransition) || animation.playState !== 'running')"""
    )
    selects = {
        f"#{name}" for name in page.eval_on_selector_all("main select[id]", "s => s.map(e => e.id)")
    }
    return [
        violation
        for violation in axe_violations(page, **axe_options)
        if not (
            violation["id"] == "color-contrast"
            and all(len(node) == 1 and node[0] in selects for node in violation["nodes"])
        )
    ]


def server_side(demo_env, code):
    """The output of ``code`` run in the demo site's Django shell."""
    # The last line: Django's shell may first say what it imported.
    return _manage(demo_env, "shell", "-c", code).strip().splitlines()[-1]


def set_status(admin_page, label):
    admin_page.select_option("#id_status", label=label)
    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Status speichern").click()


def test_staff_ask_for_documents_the_applicant_uploads_and_withdraws(
    page, admin_page, demo_server, demo_env, assert_accessible, tmp_path
):
    receipt = apply(page, demo_server, tmp_path, email="ablauf.test@beispiel.example")

    admin_page.goto(demo_server + "/admin/b52-applications/")
    admin_page.get_by_role("link", name=FORM_TITLE).first.click()
    admin_page.get_by_role("link", name=receipt).click()
    detail = admin_page.url
    # Only the allowed statuses are offered.
    options = admin_page.locator("#id_status option").all_inner_texts()
    assert "Ausgezeichnet" not in options
    assert_main_accessible(admin_page)

    set_status(admin_page, "In Prüfung")
    set_status(admin_page, "Unvollständig")
    # Straight on to the mail, prefilled from the template.
    assert "/mail/request_documents/" in admin_page.url
    assert receipt in admin_page.input_value("#id_subject")
    assert_main_accessible(admin_page)
    admin_page.fill("#id_body", admin_page.input_value("#id_body").replace("- …", "- Kostenplan"))
    with admin_page.expect_navigation():
        admin_page.click("button[value=preview]")
    preview = admin_page.inner_text(".b52-mail-preview")
    assert "- Kostenplan" in preview
    assert "{upload_link}" not in preview
    assert_main_accessible(admin_page)
    with admin_page.expect_navigation():
        admin_page.click("button[value=send]")
    assert admin_page.url == detail
    assert "Verlauf" in admin_page.inner_text("main")
    assert_main_accessible(admin_page)

    link = server_side(
        demo_env,
        "import re; from b52_wagtail.applications.models import MailDelivery; "
        "body = MailDelivery.objects.filter(kind='request_documents').latest('pk').body; "
        "print(re.search(r'https?://\\S+/documents/[^/\\s]+/', body)[0])",
    )
    page.goto(demo_server + urlsplit(link).path)
    assert page.locator("h1").inner_text() == "Fehlende Unterlagen senden"
    assert_accessible(page)
    file = tmp_path / "Kostenplan.pdf"
    file.write_bytes(pdf_bytes())
    page.set_input_files("#id_attachments", str(file))
    with page.expect_navigation():
        page.get_by_role("button", name="Unterlagen senden").click()
    assert "angekommen" in page.locator("h1").inner_text()
    assert_accessible(page)

    admin_page.goto(detail)
    main = admin_page.inner_text("main")
    assert "Kostenplan.pdf" in main
    assert "In Prüfung" in main

    withdraw = server_side(
        demo_env,
        "from b52_wagtail.applications.applicant_mail import withdraw_url; "
        "from b52_wagtail.applications.models import ApplicationSubmission; "
        f"print(withdraw_url(ApplicationSubmission.objects.get(receipt_number='{receipt}')))",
    )
    page.goto(demo_server + urlsplit(withdraw).path)
    assert page.locator("h1").inner_text() == "Bewerbung zurückziehen?"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, Bewerbung zurückziehen").click()
    assert page.locator("h1").inner_text() == "Ihre Bewerbung wurde zurückgezogen"
    assert_accessible(page)
    admin_page.goto(detail)
    assert "Zurückgezogen" in admin_page.inner_text("main")
