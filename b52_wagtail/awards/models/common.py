"""Helpers shared by the award's page types: defaults, money and date
formatting, the applicant types field and the lookup of the concrete call
and showcase models."""

from decimal import Decimal

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...models import ApplicantType
from ...templatetags.b52_tags import b52_datetime

DEFAULT_AWARD_NAME = "B 52-Förderpreis „Gesunde Kommune“"
DEFAULT_PRIZE_MONEY = Decimal("5200")


def all_applicant_types():
    return [choice.value for choice in ApplicantType]


def format_euro(value):
    """Money in the active language's form: “5.200 €” (de), “€5,200” (en)."""
    if value is None:
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    amount = formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return gettext("€%(amount)s") % {"amount": amount}


def format_deadline(value):
    """An aware datetime in Berlin time: “30. November 2022, 23:59 Uhr”."""
    return b52_datetime(value)


class ApplicantTypesField(models.JSONField):
    """A list of :class:`~b52_wagtail.models.ApplicantType` values, stored as
    JSON (works on SQLite and PostgreSQL), edited as checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=ApplicantType.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            initial=self.get_default,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = set(ApplicantType.values)
        if not isinstance(value, list) or not set(value) <= allowed:
            raise ValidationError(_("Choose applicant types from the list."), code="invalid_choice")


def call_models():
    """Every concrete model of an award call (the default and host subclasses)."""
    from .call import AbstractAwardCallPage  # here: .call imports this module

    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractAwardCallPage) and not model._meta.proxy
    ]


def showcase_models():
    """Every concrete model of a winner showcase."""
    from .showcase import AbstractWinnerShowcasePage  # here: .showcase imports this module

    return [
        model
        for model in apps.get_models()
        if issubclass(model, AbstractWinnerShowcasePage) and not model._meta.proxy
    ]
