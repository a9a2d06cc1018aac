"""The award year as people walk it, in a real browser: a municipality
applies to the open call with the keyboard only; the Geschäftsstelle (the
demo admin) checks the application and forwards it to the jury; a juror logs
in, sees only that application and scores it; the Geschäftsstelle reads the
ranking, sets the application “Ausgezeichnet” and carries it into the winner
showcase, landing on the showcase's editor with the draft winner.

axe-core checks the public pages whole and the admin pages' ``main`` (the
package's content; Wagtail's own sidebar has known undecidable contrast
items)."""

import datetime
import re

from tests.applications.utils import pdf_bytes

from .conftest import open_page
from .keyboard import choose_file_with_keyboard, choose_option, tab_to, type_into
from .test_workflow import assert_main_accessible, server_side, set_status

MIN_SECONDS_MS = 3500
JUROR, JUROR_PASSWORD = "jury-walk", "b52-walk-jury"
MUNICIPALITY = "Gemeinde Jahreslauf (fiktiv)"
PROJECT = "Gesund durchs Jahr"
# Weights 3, 2, 1 (as the demo's closed call): scores 8, 6, 10 weigh to
# (24 + 12 + 10) / 6 = 7.67.
CRITERIA = (("Nachhaltigkeit", 3, 8), ("Beteiligung", 2, 6), ("Übertragbarkeit", 1, 10))
WEIGHTED = "7,67"

# The open call's jury with one juror of its own (the demo's jurors sit on
# the closed call): run in the demo site's Django shell.
SETUP = """
import datetime
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from b52_wagtail.conf import b52_settings
from b52_wagtail.awards.models import AwardCallPage
from b52_wagtail.applications.models import Criterion, Juror, Jury
year = datetime.date.today().year
call = AwardCallPage.objects.get(slug=f"ausschreibung-{{year}}")
user, _ = get_user_model().objects.get_or_create(username="{juror}")
user.first_name, user.last_name, user.email = "Jule", "Jahreslauf", "jury-walk@example.org"
user.set_password("{password}")
user.save()
user.groups.add(Group.objects.get(name=b52_settings.JURY_GROUP))
jury, _ = Jury.objects.get_or_create(call=call)
jury.review_deadline = datetime.date.today() + datetime.timedelta(days=60)
jury.save()
for order, (name, weight) in enumerate({criteria!r}):
    Criterion.objects.update_or_create(
        jury=jury, name=name, defaults={{"weight": weight, "sort_order": order}})
Juror.objects.get_or_create(jury=jury, user=user)
print(jury.pk)
"""


def year():
    return datetime.date.today().year


def apply_with_the_keyboard(page, demo_server, tmp_path, assert_accessible):
    """The applicant: the open call, its form, keyboard only; the receipt."""
    page.goto(f"{demo_server}/foerderpreis/ausschreibung-{year()}/")
    assert_accessible(page)
    link = page.get_by_role("link", name="Online bewerben")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == f"Bewerbung um den B 52-Förderpreis {year()}"
    assert_accessible(page)
    page.wait_for_timeout(MIN_SECONDS_MS)

    file = tmp_path / "Bewerbungsbogen Jahreslauf.pdf"
    file.write_bytes(pdf_bytes())
    page.locator("body").focus()
    choose_option(page, "id_applicant_type", "Gemeinde")
    type_into(page, "id_applicant_name", MUNICIPALITY)
    choose_option(page, "id_district", "Landkreis Reutlingen")
    type_into(page, "id_project_title", PROJECT)
    type_into(
        page, "id_summary", "Demo-Daten: Vereine und Rathaus laden jeden Monat zu Bewegung ein."
    )
    type_into(page, "id_contact_name", "Jana Jahreslauf (fiktiv)")
    type_into(page, "id_email", "jahreslauf@example.org")
    type_into(page, "id_phone", "07121 000-100")
    choose_file_with_keyboard(page, file)
    tab_to(page, "id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to(page, "b52-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Vielen Dank für Ihre Bewerbung"
    receipt = page.locator(".b52-receipt__number").inner_text()
    assert re.fullmatch(rf"B52-{year()}-\d{{4}}", receipt)
    assert "Bewerbungsbogen Jahreslauf.pdf" in page.locator(".b52-receipt__details").inner_text()
    assert_accessible(page)
    return receipt


def open_application(admin_page, demo_server, receipt):
    """The Geschäftsstelle: from the applications menu to the detail page."""
    admin_page.goto(demo_server + "/admin/b52-applications/")
    with admin_page.expect_navigation():
        admin_page.get_by_role(
            "link", name=f"Bewerbung um den B 52-Förderpreis {year()}", exact=True
        ).click()
    list_url = admin_page.url
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=receipt, exact=True).click()
    return list_url


def score_as_juror(browser, demo_server, receipt):
    """The juror: logs in, sees only the forwarded application, scores it."""
    with open_page(browser, locale="de-DE", timezone_id="Europe/Berlin") as jury_page:
        jury_page.goto(demo_server + "/admin/login/")
        jury_page.fill("#id_username", JUROR)
        jury_page.fill("#id_password", JUROR_PASSWORD)
        with jury_page.expect_navigation():
            jury_page.click("button[type=submit]")
        jury_page.goto(demo_server + "/admin/b52-jury/")
        rows = jury_page.locator("main table.listing tbody tr")
        assert rows.count() == 1
        row = rows.first.inner_text()
        assert receipt in row and PROJECT in row and MUNICIPALITY in row
        assert "Offen" in row
        # Nothing of the closed call's jury or the other applications.
        main = jury_page.inner_text("main")
        assert f"Ausschreibung B 52-Förderpreis {year()}" in main
        assert f"Ausschreibung B 52-Förderpreis {year() - 1}" not in main
        assert_main_accessible(jury_page)

        with jury_page.expect_navigation():
            jury_page.get_by_role("link", name=receipt, exact=True).click()
        assert jury_page.locator("main h2").first.inner_text() == PROJECT
        assert jury_page.get_by_role("link", name="Bewerbungsbogen Jahreslauf.pdf").count() == 1
        assert_main_accessible(jury_page)
        for name, _weight, value in CRITERIA:
            jury_page.get_by_label(name).fill(str(value))
        jury_page.get_by_label("Kommentar").fill("Überzeugt durch die Beteiligung vieler Vereine.")
        with jury_page.expect_navigation():
            jury_page.get_by_role("button", name="Bewertung speichern").click()
        assert "Ihre Bewertung ist gespeichert." in jury_page.inner_text("body")

        jury_page.goto(demo_server + "/admin/b52-jury/")
        assert "Bewertet" in jury_page.locator("main table.listing tbody tr").first.inner_text()
        # The admin's pages stay closed to a juror.
        response = jury_page.goto(demo_server + "/admin/b52-applications/")
        assert response.status == 403
        assert receipt not in jury_page.inner_text("body")


def test_the_year_from_application_to_winner_showcase(
    page, admin_page, browser, demo_server, demo_env, assert_accessible, tmp_path
):
    jury_pk = server_side(
        demo_env,
        SETUP.format(
            juror=JUROR,
            password=JUROR_PASSWORD,
            criteria=[(name, weight) for name, weight, _ in CRITERIA],
        ),
    )

    receipt = apply_with_the_keyboard(page, demo_server, tmp_path, assert_accessible)

    # The Geschäftsstelle checks it and forwards it to the jury.
    list_url = open_application(admin_page, demo_server, receipt)
    detail = admin_page.url
    main = admin_page.inner_text("main")
    assert MUNICIPALITY in main and "Landkreis Reutlingen" in main
    assert "Bewerbungsbogen Jahreslauf.pdf" in main
    assert "Eingegangen" in admin_page.locator("dl.b52-admin-detail").inner_text()
    assert_main_accessible(admin_page)
    set_status(admin_page, "In Prüfung")
    assert admin_page.url == detail
    set_status(admin_page, "An die Jury weitergeleitet")
    assert "An die Jury weitergeleitet" in admin_page.locator("dl.b52-admin-detail").inner_text()
    history = admin_page.locator("table.b52-history").inner_text()
    assert history.count(receipt) >= 2
    assert_main_accessible(admin_page)

    score_as_juror(browser, demo_server, receipt)

    # The Geschäftsstelle reads the ranking: the weighted average. Its eight
    # columns scroll in their own region beside Wagtail's sidebar at
    # 1280 px, where axe cannot decide the contrast of the partly hidden
    # last heading; a wider window shows it all.
    admin_page.set_viewport_size({"width": 1680, "height": 900})
    admin_page.goto(f"{demo_server}/admin/b52-jury/{jury_pk}/ranking/")
    ranked = admin_page.locator(f'tr[data-receipt="{receipt}"]')
    assert ranked.locator("td").first.inner_text() == "1"
    assert ranked.locator(".b52-average").inner_text() == WEIGHTED
    assert "Überzeugt durch die Beteiligung vieler Vereine." in admin_page.inner_text("main")
    assert_main_accessible(admin_page)

    admin_page.set_viewport_size({"width": 1280, "height": 720})

    # The decision, then the winner into the showcase.
    admin_page.goto(detail)
    set_status(admin_page, "Ausgezeichnet")
    assert "/mail/awarded/" in admin_page.url
    admin_page.goto(list_url)
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=re.compile("Preisträger übernehmen")).click()
    winner = admin_page.get_by_label(re.compile(re.escape(receipt)))
    assert winner.is_checked()
    assert_main_accessible(admin_page)
    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Auf die Preisträgerseite übernehmen").click()

    assert re.search(r"/admin/pages/\d+/edit/$", admin_page.url)
    assert (
        f"1 Preisträger wurde in einen Entwurf von „Preisträger {year()}“ übernommen."
        in admin_page.inner_text("body")
    )
    values = admin_page.eval_on_selector_all(
        "main input[type=text], main textarea", "fields => fields.map(f => f.value)"
    )
    assert f"Preisträger {year()}" in values  # the new draft showcase's title
    assert MUNICIPALITY in values
    assert PROJECT in values
