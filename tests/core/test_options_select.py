"""OptionsSelect writes the same <select> as Django's Select, faster."""

from django import forms
from django.test.html import parse_html

from b52_wagtail.forms import OptionsSelect

CHOICES = [
    ("", "Bitte wählen"),
    ("1", "Böblingen & Calw"),
    ("2", '<script>alert("x")</script>'),
    ("Regierungsbezirk Freiburg", [("3", "Breisgau-Hochschwarzwald"), ("4", "Lörrach")]),
]


def rendered(widget, value):
    class Form(forms.Form):
        district = forms.ChoiceField(choices=CHOICES, widget=widget, required=False)

    form = Form({"district": value} if value is not None else None)
    return str(form["district"])


def test_renders_what_djangos_select_renders():
    for value in (None, "", "1", "2", "4"):
        ours, django_select = rendered(OptionsSelect, value), rendered(forms.Select, value)
        assert parse_html(ours) == parse_html(django_select), value


def test_escapes_labels_and_marks_the_choice():
    html = rendered(OptionsSelect, "4")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Böblingen &amp; Calw" in html
    assert '<option value="4" selected>Lörrach</option>' in html
    assert '<optgroup label="Regierungsbezirk Freiburg">' in html
