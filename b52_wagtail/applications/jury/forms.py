from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models.jury import SCORE_MAX, SCORE_MIN


class ReviewForm(forms.Form):
    """A score (``SCORE_MIN``–``SCORE_MAX``) per criterion and a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        comment = self.fields.pop("comment")
        for criterion in self.criteria:
            self.fields[self.field_name(criterion)] = forms.IntegerField(
                label=criterion.name,
                help_text=criterion.description,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
            )
        self.fields["comment"] = comment

    @staticmethod
    def field_name(criterion):
        return f"criterion_{criterion.pk}"

    def scores(self):
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        User = get_user_model()
        taken = Q(email__iexact=email) | Q(**{f"{User.USERNAME_FIELD}__iexact": email})
        if User._default_manager.filter(taken).exists():
            raise forms.ValidationError(
                _("There is already an account with this e-mail address: add it in the jury.")
            )
        return email
