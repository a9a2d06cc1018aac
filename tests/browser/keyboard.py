"""Keyboard-only use of the application form in Playwright: move the focus
with Tab (to a field or a link), type, pick options with the arrow keys,
choose a file with Enter.

An element is named by its id or its name (``"id_email"`` and ``"email"``
are the same field)."""

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def active_element(page):
    """The element with the focus: its ``id``, ``name`` and ``tag`` (each
    "" where it has none) and whether it is ``in_form`` (inside the
    application form)."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element) return {id: "", name: "", tag: "", in_form: false};
            return {id: element.id, name: element.name || "", tag: element.tagName.toLowerCase(),
                    in_form: !!element.closest('form.b52-application__form')};
        }"""
    )


def has_focus(page, key):
    element = active_element(page)
    return key in (element["id"], element["name"])


def tab_to(page, key, limit=100):
    """Press Tab until the element ``key`` (an id or a name) has the focus."""
    for _ in range(limit):
        if has_focus(page, key):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {key!r} with the Tab key")


def type_into(page, key, text):
    tab_to(page, key)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_option(page, key, label=None, *, value=None, limit=60):
    """Pick the option ``label`` (or with ``value``) of a closed select with
    the arrow keys."""
    tab_to(page, key)
    option = page.locator("select:focus option:checked")
    for _ in range(limit):
        if (label is not None and option.inner_text() == label) or (
            value is not None and option.get_attribute("value") == value
        ):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label or value!r} in {key!r}")


def tab_to_link(page, href, limit=100):
    """Press Tab until the link to ``href`` (``"#id_email"`` in an error
    summary) has the focus."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach the link to {href!r} with the Tab key")


def choose_file_with_keyboard(page, path, key="attachments"):
    """Focus the file input ``key`` with Tab and open the file dialog with
    Enter. Headless Chromium may not open a dialog from a key press; the
    file is then set on the focused input (no pointer involved either way)."""
    tab_to(page, key)
    try:
        with page.expect_file_chooser(timeout=3000) as chooser:
            page.keyboard.press("Enter")
        chooser.value.set_files(str(path))
    except PlaywrightTimeoutError:
        page.locator("input[type=file]:focus").set_input_files(str(path))
    assert has_focus(page, key)


def tab_through_form(page, limit=100):
    """Press Tab from the top of the page until the focus has been in the
    application form and left it again; the names (else the ids, else the
    tag names) of the elements it visited there."""
    page.locator("body").focus()
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active_element(page)
        if element["in_form"]:
            visited.append(element["name"] or element["id"] or element["tag"])
        elif visited:
            return visited
    raise AssertionError(f"the focus never left the form: {visited}")
