"""Admin hooks of the second factor, registered only when django-otp and
its TOTP plugin are installed: the enrolment and verification pages, the
superusers' reset page (in the settings menu) and its log actions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import otp_installed


class ResetMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


if otp_installed():
    from . import views

    admin_urlpatterns = [
        path("enrol/", views.enrol, name="enrol"),
        path("verify/", views.verify, name="verify"),
        path("reset/", views.reset, name="reset"),
    ]

    @hooks.register("register_admin_urls")
    def register_twofactor_urls():
        return [
            path(
                "b52-second-factor/",
                include((admin_urlpatterns, "b52_twofactor"), namespace="b52_twofactor"),
            )
        ]

    @hooks.register("register_settings_menu_item")
    def register_twofactor_menu_item():
        return ResetMenuItem(
            _("Reset second factor"),
            reverse("b52_twofactor:reset"),
            name="b52-second-factor",
            icon_name="key",
            order=900,
        )

    @hooks.register("register_log_actions")
    def register_twofactor_log_actions(actions):
        actions.register_action(
            views.ENROL_ACTION, _("Set up a second factor"), _("Set up a second factor")
        )
        actions.register_action(
            views.RESET_ACTION, _("Reset a second factor"), _("Reset the second factor")
        )
