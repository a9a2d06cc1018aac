"""What a browser sends: the fields of a form read from the page's HTML.

The stack suite and benchmarks/load_applications.py post the application
form as a browser does: they GET the page, keep every hidden input the server
put into the form (CSRF token, form token, whatever comes next) and add the
visible fields a person fills in. Nothing here knows the hidden fields' names.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"attributes": attributes, "hidden": {}})
        elif (
            tag == "input"
            and self.forms
            and (attributes.get("type") or "").lower() == "hidden"
            and attributes.get("name")
        ):
            self.forms[-1]["hidden"][attributes["name"]] = attributes.get("value") or ""


def upload_form(html):
    """``(action, hidden)`` of the first multipart form of ``html``: its
    action attribute ("" posts to the page itself) and its hidden inputs."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if (form["attributes"].get("enctype") or "").lower() == "multipart/form-data":
            return form["attributes"].get("action") or "", form["hidden"]
    raise AssertionError("the page has no form with file upload")


def applicant_fields(district_pk):
    """The visible fields a person fills in (the form page of
    tests/applications/utils.make_form_page, with its extra number field)."""
    return {
        "applicant_type": "gemeinde",
        "applicant_name": "Gemeinde Salach",
        "district": str(district_pk),
        "project_title": "Gesund altern in Salach",
        "summary": "Ein Netzwerk für gesundes Altern im Ort.",
        "contact_name": "Anna Muster",
        "email": "anna.muster@salach.example",
        "phone": "07162 / 123-45",
        "consent": "on",
        "anzahl_der_beteiligten_akteure": "12",
    }
