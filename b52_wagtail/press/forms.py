from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from ..cache import cached, model_tag
from ..models import District, Organisation, Programme, localized_objects


def _localized_options(models, locale_id):
    """``{field name: [snippet, …]}``, the choices of each snippet field in
    the locale (see ``localized_objects``). One query per model."""
    return {
        name: localized_objects(model.objects.all(), locale_id) for name, model in models.items()
    }


class PressReleaseFilterForm(forms.Form):
    """The GET form of a press release index. Values that do not validate
    (an unknown programme, a year without releases) are ignored and reported,
    the valid ones still filter."""

    q = forms.CharField(label=_("Search term"), required=False, max_length=200)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All programmes"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        to_field_name="key",
        required=False,
        empty_label=_("All districts"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )

    def __init__(self, data=None, *, index, archive_year=None, request=None, **kwargs):
        if archive_year and data is not None and not data.get("year"):
            data = data.copy()
            data["year"] = str(archive_year)
        kwargs.setdefault("auto_id", "b52-press-filter-%s")
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in index.get_years()
        ]
        # In a translated index, releases may still point at snippets of the
        # default locale (translations keep untranslated snippets): offer the
        # index's locale's version of each snippet, else the default one.
        models = {"programme": Programme, "district": District, "organisation": Organisation}
        # One cache entry, kept until a programme, district or organisation
        # changes: a new release makes the listing cold, not its filter options.
        self.options = cached(
            request,
            "b52_press_filter_options",
            [index.locale_id],
            [model_tag(model) for model in models.values()],
            partial(_localized_options, models, index.locale_id),
        )
        for name, model in models.items():
            objects = self.options[name]
            self.fields[name].queryset = model.objects.filter(pk__in=[obj.pk for obj in objects])

    def get_select_fields(self):
        """``(bound field, [(value, label, selected), …])`` of each select.
        The listing renders the options itself: Django's per-option widget
        templates cost more than the rest of the page."""
        selects = []
        for name in ("year", "programme", "district", "organisation"):
            field = self.fields[name]
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            if isinstance(field, forms.ModelChoiceField):
                key = field.to_field_name or "pk"
                choices = [("", field.empty_label)] + [
                    (getattr(obj, key), field.label_from_instance(obj))
                    for obj in self.options[name]
                ]
            else:
                choices = field.choices
            options = [(value, label, str(value) == chosen) for value, label in choices]
            selects.append((self[name], options))
        return selects

    def get_filter_data(self):
        """The values that validated; invalid ones are dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def get_error_messages(self):
        self.is_valid()
        return [
            f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items()
        ]
