"""Form fields and widgets shared by the b52_wagtail apps."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import localization

# What an editor may type after a time to pick one of the two readings of
# an hour that happens twice (the night the clocks go back).
SUMMER_SUFFIXES = ("MESZ", "CEST")
WINTER_SUFFIXES = ("MEZ", "CET")

INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y, %H:%M",
]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed and shown in the package's time zone
    (``B52_TIME_ZONE``, Europe/Berlin), whatever the host's ``TIME_ZONE`` and
    the editor's own time zone: a deadline typed as 23:59 is 23:59 in Berlin.

    A time that does not exist (the hour skipped in spring) or exists twice
    (the hour repeated in autumn) is refused with a message that names the
    two possible readings; for the repeated hour the editor adds "MESZ" or
    "MEZ" to the time.
    """

    default_error_messages = {
        "nonexistent": _(
            "%(value)s does not exist in %(zone)s: the clocks jump from %(before)s to "
            "%(after)s that night. Please enter %(earlier)s or %(later)s."
        ),
        "ambiguous": _(
            "%(value)s happens twice in %(zone)s: the clocks go back from %(after)s to "
            "%(before)s that night. Please enter “%(first)s” (summer time, the first "
            "%(time)s) or “%(second)s” (winter time, the second %(time)s)."
        ),
    }

    def __init__(self, *, input_formats=None, display_format="%d.%m.%Y %H:%M", **kwargs):
        super().__init__(input_formats=input_formats or INPUT_FORMATS, **kwargs)
        self.display_format = display_format

    @classmethod
    def replacing(cls, field):
        """This kind of field in place of the model form's ``field``."""
        widget = field.widget
        display_format = getattr(widget, "format", None) or "%d.%m.%Y %H:%M"
        replacement = cls(
            input_formats=[display_format, *INPUT_FORMATS],
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            widget=widget,
            initial=field.initial,
            disabled=field.disabled,
            show_hidden_initial=field.show_hidden_initial,
            localize=field.localize,
            label_suffix=field.label_suffix,
            display_format=display_format,
        )
        # What the model field or the panel added: validators (beyond the
        # defaults) and its own error messages.
        replacement.validators = [*field.validators]
        defaults = type(field)().error_messages
        replacement.error_messages.update(
            (key, message)
            for key, message in field.error_messages.items()
            if message != defaults.get(key)
        )
        return replacement

    def prepare_value(self, value):
        # Shown in the package's time zone, not the editor's; a time in the
        # hour that happens twice carries the suffix that reads it back.
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            local = localization.localtime(value)
            naive = local.replace(tzinfo=None)
            if is_ambiguous(naive):
                first, second = readings(naive)
                summer, winter = localization.offset_names(first.tzname(), second.tzname())
                return f"{self.show(naive)} {winter if local.fold else summer}"
            return naive
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                return value
            return self.make_aware(value, None)
        if isinstance(value, datetime.date):
            return self.make_aware(datetime.datetime(value.year, value.month, value.day), None)
        text, fold = self.split_suffix(str(value).strip())
        naive = None
        for fmt in self.input_formats:
            try:
                naive = datetime.datetime.strptime(text, fmt)
                break
            except (ValueError, TypeError):
                continue
        if naive is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return self.make_aware(naive, fold)

    @staticmethod
    def split_suffix(text):
        """``("30.10.2022 02:30", 0)`` for ``"30.10.2022 02:30 MESZ"``;
        fold is None without a suffix."""
        upper = text.upper()
        for suffixes, fold in ((SUMMER_SUFFIXES, 0), (WINTER_SUFFIXES, 1)):
            for suffix in suffixes:
                if upper.endswith(" " + suffix):
                    return text[: -len(suffix)].strip(), fold
        return text, None

    def make_aware(self, naive, fold):
        naive = naive.replace(microsecond=0)
        first, second = readings(naive)
        if not exists(first):
            raise self.gap_error(naive, first, second)
        if first.utcoffset() != second.utcoffset():
            if fold is None:
                raise self.fold_error(naive, first, second)
            return second if fold else first
        return first

    def show(self, value):
        return value.strftime(self.display_format)

    def gap_error(self, naive, first, second):
        # zoneinfo reads a skipped time with the offset from before the jump
        # (fold=0, which lands after the gap) or from after it (fold=1,
        # before the gap): the two times an editor may have meant.
        start = edge(naive, lambda moment: not exists(readings(moment)[0]))
        jump = second.utcoffset() - first.utcoffset()
        return ValidationError(
            self.error_messages["nonexistent"],
            code="nonexistent",
            params={
                "value": self.show(naive),
                "zone": localization.zone_label(),
                "before": f"{start:%H:%M}",
                "after": f"{start + jump:%H:%M}",
                "earlier": self.show(localization.localtime(second).replace(tzinfo=None)),
                "later": self.show(localization.localtime(first).replace(tzinfo=None)),
            },
        )

    def fold_error(self, naive, first, second):
        start = edge(naive, lambda moment: is_ambiguous(moment))
        back = first.utcoffset() - second.utcoffset()
        summer, winter = localization.offset_names(first.tzname(), second.tzname())
        return ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={
                "value": self.show(naive),
                "zone": localization.zone_label(),
                "after": f"{start + back:%H:%M}",
                "before": f"{start:%H:%M}",
                "time": f"{naive:%H:%M}",
                "first": f"{self.show(naive)} {summer}",
                "second": f"{self.show(naive)} {winter}",
            },
        )


def readings(naive):
    """The two readings (fold 0 and 1) of a wall-clock time in the package's zone."""
    zone = localization.zone()
    return naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)


def exists(aware):
    """Whether the wall-clock time of ``aware`` exists in its zone."""
    back = aware.astimezone(datetime.UTC).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None) == aware.replace(tzinfo=None)


def is_ambiguous(naive):
    first, second = readings(naive)
    return exists(first) and first.utcoffset() != second.utcoffset()


def edge(naive, inside):
    """The first minute of the run of minutes around ``naive`` for which
    ``inside`` holds (the start of a DST gap or of a repeated hour)."""
    moment = naive.replace(second=0)
    step = datetime.timedelta(minutes=1)
    for _minute in range(24 * 60):
        if not inside(moment - step):
            return moment
        moment -= step
    return moment


class LocalDateTimeFormMixin:
    """For admin forms: the model form's fields named in
    ``local_datetime_fields`` become :class:`LocalDateTimeField`."""

    local_datetime_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.local_datetime_fields:
            if name in self.fields:
                self.fields[name] = LocalDateTimeField.replacing(self.fields[name])


class OptionsSelect(forms.Select):
    """A ``<select>`` whose options are written in Python instead of one
    template include each: the 44 districts of an application form cost
    more through Django's option templates than the rest of the page.
    Options keep their value, label and selection (no other option attrs)."""

    template_name = "b52_wagtail/forms/select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _index in context["widget"]["optgroups"]:
            rows = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        str(option["value"]),
                        mark_safe(" selected" if option["selected"] else ""),
                        option["label"],
                    )  # noqa: S308
                    for option in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rows)
                if group_name
                else rows
            )
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308  (escaped above)
        return context
