"""Who may read applications.

Reading applications is its own permission, never implied by editing the
form page:

* ``b52_applications.view_all_applications``: every form page
  (the Geschäftsstelle);
* ``b52_applications.view_applications``: the form pages whose
  "groups that may read the applications" include one of the user's groups
  (e.g. the jury group of one call);
* superusers: everything.

Changing an application's status needs ``b52_applications.change_applicationsubmission``
on top; deleting applications (Wagtail's delete view, deleting the form page
or a page above it) needs ``b52_applications.delete_applicationsubmission``.
Only users with ``view_all_applications`` see and change the reviewer groups
of a form page in the page editor.

Jurors do not read applications through this module: a call's jury
(``Jury``) names them, and :mod:`.jury.access` lets them see the
applications forwarded to it. The reviewer groups remain for read access.
"""

from django.contrib.contenttypes.models import ContentType

VIEW = "b52_applications.view_applications"
VIEW_ALL = "b52_applications.view_all_applications"
CHANGE = "b52_applications.change_applicationsubmission"
DELETE = "b52_applications.delete_applicationsubmission"


def _is_admin_user(user):
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def can_view_applications(user, page):
    """May ``user`` read the submissions (and attachments) of form ``page``?"""
    if not _is_admin_user(user):
        return False
    if user.is_superuser or user.has_perm(VIEW_ALL):
        return True
    if not user.has_perm(VIEW):
        return False
    return page.reviewer_groups.filter(pk__in=user.groups.values("pk")).exists()


def can_change_status(user, page):
    return can_view_applications(user, page) and (user.is_superuser or user.has_perm(CHANGE))


def can_delete_applications(user, page):
    return can_view_applications(user, page) and (user.is_superuser or user.has_perm(DELETE))


def application_page_models():
    from wagtail.models import get_page_models

    from .models import AbstractApplicationFormPage

    return [
        model
        for model in get_page_models()
        if issubclass(model, AbstractApplicationFormPage) and not model._meta.abstract
    ]


def all_application_pages():
    """Every application form page (any concrete subclass) as ``wagtailcore.Page``."""
    from wagtail.models import Page

    return Page.objects.filter(
        content_type__in=ContentType.objects.get_for_models(*application_page_models()).values()
    )


def application_pages_for_user(user):
    """The application form pages whose submissions ``user`` may read."""
    models = application_page_models()
    pages = all_application_pages()
    if not _is_admin_user(user):
        return pages.none()
    if user.is_superuser or user.has_perm(VIEW_ALL):
        return pages
    if not user.has_perm(VIEW):
        return pages.none()
    allowed = set()
    for model in models:
        allowed.update(
            model.objects.filter(reviewer_groups__in=user.groups.all()).values_list("pk", flat=True)
        )
    return pages.filter(pk__in=allowed)
