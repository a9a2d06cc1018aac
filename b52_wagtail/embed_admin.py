"""The embed snippet generator in the Wagtail admin (Settings → “Embed
code”): an editor picks an application form page or a press release list
(with filters) and copies the HTML for a partner's page — the iframe plus
``embed-frame.js`` and, for a form, the script embed. See docs/embed.md.

Core module: the sub-apps are used only when installed (``active_app``)."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.models import Page

from .apps import active_app
from .models import District, Organisation, Programme

FORM = "form"
PRESS = "press"


def form_page_model():
    if not active_app("b52_wagtail.applications"):
        return None
    from .applications.models import AbstractApplicationFormPage

    return AbstractApplicationFormPage


class FormPageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_admin_display_title()


class EmbedSnippetForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to embed"),
        choices=[],
        widget=forms.RadioSelect,
    )
    form_page = FormPageChoiceField(
        label=_("Application form page"),
        queryset=Page.objects.none(),
        required=False,
        help_text=_("Only live pages that are not restricted can be embedded."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    limit = forms.IntegerField(
        label=_("Number of press releases"), min_value=1, max_value=50, initial=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = []
        model = form_page_model()
        if model is not None:
            kinds.append((FORM, _("Application form")))
            self.fields["form_page"].queryset = (
                Page.objects.live().public().type(model).order_by("-first_published_at")
            )
        if active_app("b52_wagtail.press"):
            kinds.append((PRESS, _("Press release list")))
        self.fields["kind"].choices = kinds
        if kinds:
            self.fields["kind"].initial = kinds[0][0]

    def clean(self):
        data = super().clean()
        if data.get("kind") == FORM and not data.get("form_page"):
            self.add_error("form_page", _("Please choose an application form page."))
        return data


def iframe_html(src, title, script_src):
    return (
        f'<iframe data-b52-frame src="{escape(src)}" title="{escape(title)}"\n'
        '        style="display:block;width:100%;min-height:20rem;border:0"></iframe>\n'
        f'<script src="{escape(script_src)}" defer></script>'
    )


def snippets(request, data):
    """``[(label, HTML)]`` for the chosen embed."""
    absolute = request.build_absolute_uri
    frame_script = absolute(static("b52_wagtail/embed-frame.js"))
    if data["kind"] == FORM:
        page = data["form_page"]
        result = [
            (
                _("iframe"),
                iframe_html(
                    absolute(reverse("b52_applications:embed", args=[page.pk])),
                    page.title,
                    frame_script,
                ),
            )
        ]
        try:
            api_url = absolute(reverse("b52_api_forms:form", args=[page.pk]))
        except NoReverseMatch:
            return result
        script = absolute(static("b52_wagtail/embed.js"))
        result.append(
            (
                _("Script"),
                f'<script src="{escape(script)}"\n'
                f'        data-b52-form="{escape(api_url)}" defer></script>',
            )
        )
        return result
    query = {}
    if data.get("programme"):
        query["programme"] = data["programme"].slug
    if data.get("district"):
        query["district"] = data["district"].key
    if data.get("organisation"):
        query["organisation"] = data["organisation"].pk
    query["limit"] = data["limit"]
    src = absolute(reverse("b52_press:embed")) + "?" + urlencode(query)
    return [(_("iframe"), iframe_html(src, str(_("Press releases")), frame_script))]


def embed_snippets(request):
    if not user_has_any_page_permission(request.user):
        raise PermissionDenied
    form = EmbedSnippetForm(request.GET or None)
    result = []
    if form.is_bound and form.is_valid():
        try:
            result = snippets(request, form.cleaned_data)
        except NoReverseMatch:
            form.add_error(
                None,
                _(
                    "The embeds are not reachable: the site's URLconf must include "
                    'path("b52/", include("b52_wagtail.urls")).'
                ),
            )
    return TemplateResponse(
        request,
        "b52_wagtail/admin/embed_snippets.html",
        {
            "form": form,
            "snippets": result,
            "page_title": _("Embed code"),
            "header_icon": "code",
        },
    )
