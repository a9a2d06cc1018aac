"""The award year as people walk it, in a real browser: three applications
reach the open call (one municipality applies with the keyboard only, two
more are posted to the same form server-side); the Geschäftsstelle (the demo
admin) checks each and forwards it to the jury; two jurors log in: the first
scores all three, the second declares a conflict of interest with one (which
then disappears from their view) and scores the other two; the
Geschäftsstelle reads the ranking of both jurors' weighted scores, awards
the top-ranked application, carries it into the winner showcase and
publishes the showcase, which a visitor then reads.

axe-core checks the public pages whole and the package's admin pages whole
(:func:`~.test_workflow.assert_admin_accessible`): no violation anywhere,
Wagtail's sidebar and header included. Only the results axe cannot decide
are limited to ``main``: on every admin page axe leaves one
``color-contrast`` result undecided in Wagtail's own chrome, the active
sidebar item's label (``a[href$="…/"] > .menuitem > .menuitem-label``),
whose text Wagtail draws with a text shadow (“complex text shadows”)."""

import contextlib
import datetime
import re

from tests.applications.utils import pdf_bytes

from .conftest import open_page
from .keyboard import choose_file_with_keyboard, choose_option, tab_to, type_into
from .test_workflow import assert_admin_accessible, server_side, set_status

MIN_SECONDS_MS = 3500
MUNICIPALITY = "Gemeinde Jahreslauf (fiktiv)"
PROJECT = "Gesund durchs Jahr"
# The two applications posted server-side: municipality, type, district,
# project title.
OTHERS = (
    ("Stadt Treppenau (fiktiv)", "stadt", "Tübingen", "Treppen statt Aufzug"),
    ("Gemeinde Talwiesen (fiktiv)", "gemeinde", "Göppingen", "Gärten für alle Generationen"),
)
JURORS = (
    ("jury-walk", "b52-walk-jury", "Jule", "Jahreslauf"),
    ("jury-walk-2", "b52-walk-jury-2", "Jonas", "Jahreszeit"),
)
# Weights 3, 2, 1 (as the demo's closed call).
CRITERIA = (("Nachhaltigkeit", 3), ("Beteiligung", 2), ("Übertragbarkeit", 1))
# The scores per application (the keyboard one first, then OTHERS) of the
# first and the second juror; None: the second juror's conflict of interest.
SCORES = (
    ((8, 6, 10), (9, 8, 7)),
    ((7, 7, 7), (5, 6, 8)),
    ((9, 7, 4), None),
)
# Weighted (sum of weight × score, over the weights' sum 6), then the mean
# of the complete reviews:
#   Jahreslauf: (24 + 12 + 10) / 6 = 7.67 and (27 + 16 + 7) / 6 = 8.33,
#               mean (46 + 50) / 12 = 8.00, two reviews;
#   Treppenau:  (21 + 14 + 7) / 6 = 7.00 and (15 + 12 + 8) / 6 = 5.83,
#               mean (42 + 35) / 12 = 6.42, two reviews;
#   Talwiesen:  (27 + 14 + 4) / 6 = 7.50 alone (the second juror declared
#               a conflict), one review.
# Ranked: Jahreslauf 1, Talwiesen 2, Treppenau 3.
RANKING = (
    # rank, weighted average, lowest – highest, reviews, conflicts
    ("1", "8,00", "7,67 – 8,33", "2", "0"),
    ("3", "6,42", "5,83 – 7,00", "2", "0"),
    ("2", "7,50", "7,50 – 7,50", "1", "1"),
)

# Run in the demo site's Django shell, after a line ``PARAMS = {…}``: the
# open call's jury with two jurors of its own (the demo's jurors sit on the
# closed call), and two applications posted to the open call's form as a
# browser posts it (its token issued a minute ago: sooner counts as spam).
# Prints the jury's pk and the two receipt numbers.
SETUP = """
import datetime, time
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from b52_wagtail.conf import b52_settings
from b52_wagtail.models import District, DistrictKind
from b52_wagtail.awards.models import AwardCallPage
from b52_wagtail.applications.forms import mint_token
from b52_wagtail.applications.models import ApplicationSubmission, Criterion, Juror, Jury
from tests.applications.utils import pdf_bytes
year = datetime.date.today().year
call = AwardCallPage.objects.get(slug=f"ausschreibung-{year}")
jury, _ = Jury.objects.get_or_create(call=call)
jury.review_deadline = datetime.date.today() + datetime.timedelta(days=60)
jury.save()
for order, (name, weight) in enumerate(PARAMS["criteria"]):
    Criterion.objects.update_or_create(
        jury=jury, name=name, defaults={"weight": weight, "sort_order": order})
for username, password, first_name, last_name in PARAMS["jurors"]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name = first_name, last_name
    user.email = f"{username}@example.org"
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=b52_settings.JURY_GROUP))
    Juror.objects.get_or_create(jury=jury, user=user)
form = call.application_page.specific
receipts = []
for number, (name, kind, district, title) in enumerate(PARAMS["others"], start=1):
    response = Client().post(form.url, {
        "applicant_type": kind,
        "applicant_name": name,
        "district": District.objects.get(name=district, kind=DistrictKind.RURAL).pk,
        "project_title": title,
        "summary": "Demo-Daten: eine weitere Bewerbung im Jahreslauf.",
        "contact_name": "Kim Jahreslauf (fiktiv)",
        "email": f"jahreslauf-{number}@example.org",
        "phone": "07121 000-10" + str(number),
        "attachments": SimpleUploadedFile(
            f"Bewerbungsbogen {number}.pdf", pdf_bytes(), "application/pdf"),
        "consent": "on",
        "b52_token": mint_token(time.time() - 60),
    })
    assert response.status_code == 200, response.status_code
    submission = ApplicationSubmission.objects.get(page=form, applicant_name=name)
    receipts.append(submission.receipt_number)
print(jury.pk, *receipts)
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


def widen_to_fit(page, table):
    """Widen the window until the table ``table`` (a CSS selector) shows
    all its columns: in its scrolling region beside Wagtail's sidebar, axe
    cannot decide the contrast of the cells scrolled out of view. Returns
    the size to go back to."""
    size = page.viewport_size
    overflow = page.eval_on_selector(table, "t => t.scrollWidth - t.parentElement.clientWidth")
    if overflow > 0:
        page.set_viewport_size({"width": size["width"] + overflow + 50, "height": size["height"]})
        assert page.eval_on_selector(table, "t => t.scrollWidth <= t.parentElement.clientWidth")
    return size


def open_applications(admin_page, demo_server):
    """The Geschäftsstelle: from the applications menu to the open call's list."""
    admin_page.goto(demo_server + "/admin/b52-applications/")
    assert_admin_accessible(admin_page)
    with admin_page.expect_navigation():
        admin_page.get_by_role(
            "link", name=f"Bewerbung um den B 52-Förderpreis {year()}", exact=True
        ).click()
    return admin_page.url


def forward_to_the_jury(admin_page, list_url, receipt, *, check=False):
    """From the list to the application, “In Prüfung”, then “An die Jury
    weitergeleitet”; ``check``: axe on the detail page before and after."""
    admin_page.goto(list_url)
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=receipt, exact=True).click()
    detail = admin_page.url
    assert "Eingegangen" in admin_page.locator("dl.b52-admin-detail").inner_text()
    if check:
        assert_admin_accessible(admin_page)
    set_status(admin_page, "In Prüfung")
    assert admin_page.url == detail
    set_status(admin_page, "An die Jury weitergeleitet")
    assert "An die Jury weitergeleitet" in admin_page.locator("dl.b52-admin-detail").inner_text()
    assert admin_page.locator("table.b52-history").inner_text().count(receipt) >= 2
    if check:
        assert_admin_accessible(admin_page)
    return detail


@contextlib.contextmanager
def juror_page(browser, demo_server, username, password):
    """A juror's own browser, logged in to the admin."""
    with open_page(browser, locale="de-DE", timezone_id="Europe/Berlin") as jury_page:
        jury_page.goto(demo_server + "/admin/login/")
        jury_page.fill("#id_username", username)
        jury_page.fill("#id_password", password)
        with jury_page.expect_navigation():
            jury_page.click("button[type=submit]")
        yield jury_page


def jury_rows(jury_page, demo_server):
    """The juror's list: ``{receipt number: row text}``."""
    jury_page.goto(demo_server + "/admin/b52-jury/")
    rows = jury_page.locator("main table.listing tbody tr")
    return {
        text.split("\t", 1)[0].strip(): text
        for text in (rows.nth(index).inner_text() for index in range(rows.count()))
    }


def score(jury_page, receipt, values, comment, *, check=False):
    """From the juror's list to the application; score it and save."""
    with jury_page.expect_navigation():
        jury_page.get_by_role("link", name=receipt, exact=True).click()
    if check:
        assert_admin_accessible(jury_page)
    for (name, _weight), value in zip(CRITERIA, values, strict=True):
        jury_page.get_by_label(name).fill(str(value))
    jury_page.get_by_label("Kommentar").fill(comment)
    with jury_page.expect_navigation():
        jury_page.get_by_role("button", name="Bewertung speichern").click()
    assert "Ihre Bewertung ist gespeichert." in jury_page.inner_text("body")
    jury_page.get_by_role("link", name="Zurück zur Jury-Übersicht").click()
    jury_page.wait_for_url("**/admin/b52-jury/")


def first_juror_scores_all(browser, demo_server, applications):
    """The first juror: sees exactly the three forwarded applications,
    nothing of the closed call's, and scores them all."""
    username, password, _first, _last = JURORS[0]
    with juror_page(browser, demo_server, username, password) as jury_page:
        rows = jury_rows(jury_page, demo_server)
        assert sorted(rows) == sorted(receipt for receipt, *_ in applications)
        for receipt, municipality, project in applications:
            assert project in rows[receipt] and municipality in rows[receipt]
            assert "Offen" in rows[receipt]
        main = jury_page.inner_text("main")
        assert f"Ausschreibung B 52-Förderpreis {year()}" in main
        assert f"Ausschreibung B 52-Förderpreis {year() - 1}" not in main
        assert_admin_accessible(jury_page)

        for index, (receipt, *_rest) in enumerate(applications):
            comment = f"Erste Bewertung von {receipt}."
            score(jury_page, receipt, SCORES[index][0], comment, check=index == 0)
        rows = jury_rows(jury_page, demo_server)
        assert all("Bewertet" in row for row in rows.values())
        # The admin's pages stay closed to a juror.
        response = jury_page.goto(demo_server + "/admin/b52-applications/")
        assert response.status == 403
        assert applications[0][0] not in jury_page.inner_text("body")


def second_juror_declares_a_conflict(browser, demo_server, applications):
    """The second juror: declares a conflict of interest with the third
    application, which then shows neither its details nor a link, and its
    page is refused; scores the other two."""
    username, password, _first, _last = JURORS[1]
    conflicted, _municipality, conflicted_project = applications[2]
    with juror_page(browser, demo_server, username, password) as jury_page:
        jury_rows(jury_page, demo_server)
        with jury_page.expect_navigation():
            jury_page.get_by_role("link", name=conflicted, exact=True).click()
        review_url = jury_page.url
        with jury_page.expect_navigation():
            jury_page.get_by_role("link", name="Befangenheit erklären").click()
        assert conflicted in jury_page.inner_text("main")
        assert_admin_accessible(jury_page)
        with jury_page.expect_navigation():
            jury_page.get_by_role("button", name="Befangenheit erklären").click()
        assert jury_page.url == demo_server + "/admin/b52-jury/"
        assert "Ihre Befangenheit ist vermerkt." in jury_page.inner_text("body")
        row = jury_page.locator("main table.listing tbody tr", has_text=conflicted)
        assert "Ausgeblendet: Sie haben Befangenheit erklärt." in row.inner_text()
        assert conflicted_project not in jury_page.inner_text("main")
        assert jury_page.get_by_role("link", name=conflicted, exact=True).count() == 0
        assert_admin_accessible(jury_page)
        response = jury_page.goto(review_url)
        assert response.status == 403
        assert conflicted_project not in jury_page.inner_text("body")

        jury_rows(jury_page, demo_server)
        for index, (receipt, *_rest) in enumerate(applications[:2]):
            score(jury_page, receipt, SCORES[index][1], f"Zweite Bewertung von {receipt}.")
        rows = jury_rows(jury_page, demo_server)
        assert "Bewertet" in rows[applications[0][0]] and "Bewertet" in rows[applications[1][0]]
        assert "Befangenheit" in rows[conflicted]


def test_the_year_from_three_applications_to_the_published_showcase(
    page, admin_page, browser, demo_server, demo_env, assert_accessible, tmp_path
):
    params = {"criteria": CRITERIA, "jurors": JURORS, "others": OTHERS}
    jury_pk, *other_receipts = server_side(demo_env, f"PARAMS = {params!r}\n{SETUP}").split()

    receipt = apply_with_the_keyboard(page, demo_server, tmp_path, assert_accessible)
    applications = [(receipt, MUNICIPALITY, PROJECT)] + [
        (other, municipality, project)
        for other, (municipality, _kind, _district, project) in zip(
            other_receipts, OTHERS, strict=True
        )
    ]

    # The Geschäftsstelle checks the three and forwards them to the jury.
    list_url = open_applications(admin_page, demo_server)
    listing = admin_page.inner_text("main table.listing")
    assert all(other in listing for other, *_ in applications)
    size = widen_to_fit(admin_page, "main table.listing")
    assert_admin_accessible(admin_page)
    admin_page.set_viewport_size(size)
    detail = forward_to_the_jury(admin_page, list_url, receipt, check=True)
    main = admin_page.inner_text("main")
    assert MUNICIPALITY in main and "Landkreis Reutlingen" in main
    assert "Bewerbungsbogen Jahreslauf.pdf" in main
    for other in other_receipts:
        forward_to_the_jury(admin_page, list_url, other)

    first_juror_scores_all(browser, demo_server, applications)
    second_juror_declares_a_conflict(browser, demo_server, applications)

    # The Geschäftsstelle reads the ranking: both jurors' weighted scores.
    admin_page.goto(f"{demo_server}/admin/b52-jury/{jury_pk}/ranking/")
    size = widen_to_fit(admin_page, "table.b52-jury-ranking")
    for (number, *_rest), expected in zip(applications, RANKING, strict=True):
        cells = admin_page.locator(f'tr[data-receipt="{number}"] td').all_inner_texts()
        rank, average, spread, reviews, conflicts = expected
        assert [cells[0], cells[3], cells[4], cells[6], cells[7]] == [
            rank,
            average,
            spread,
            reviews,
            conflicts,
        ], number
    ranked = admin_page.locator("table.b52-jury-ranking tbody tr")
    assert ranked.first.get_attribute("data-receipt") == receipt
    main = admin_page.inner_text("main")
    assert f"Erste Bewertung von {receipt}." in main
    assert f"Zweite Bewertung von {receipt}." in main
    assert "Befangenheit erklärt" in main
    assert f"Zweite Bewertung von {other_receipts[1]}." not in main
    assert_admin_accessible(admin_page)

    # The decision: the top-ranked application, from the ranking.
    with admin_page.expect_navigation():
        ranked.first.get_by_role("link", name=receipt, exact=True).click()
    assert admin_page.url == detail
    admin_page.set_viewport_size(size)
    set_status(admin_page, "Ausgezeichnet")
    assert "/mail/awarded/" in admin_page.url

    # The winner into the showcase.
    admin_page.goto(list_url)
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=re.compile("Preisträger übernehmen")).click()
    winner = admin_page.get_by_label(re.compile(re.escape(receipt)))
    assert winner.is_checked()
    assert admin_page.locator("main input[type=checkbox]").count() == 1
    assert_admin_accessible(admin_page)
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

    # Published from the editor's action menu.
    footer = admin_page.locator("footer")
    footer.get_by_role("button", name="Mehr Aktionen").click()
    with admin_page.expect_navigation():
        footer.get_by_role("button", name="Veröffentlichen").click()
    assert f"Seite ‚Preisträger {year()}‘ wurde veröffentlicht." in admin_page.inner_text("body")
    live = admin_page.get_by_role("link", name="Live anzeigen").get_attribute("href")

    # A visitor reads the published showcase.
    page.goto(live if live.startswith("http") else demo_server + live)
    assert page.locator("h1").inner_text() == f"Preisträger {year()}"
    main = page.inner_text("main")
    assert MUNICIPALITY in main and PROJECT in main
    assert all(project not in main for *_rest, project in OTHERS)
    assert_accessible(page)
