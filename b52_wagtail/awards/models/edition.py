"""The next edition of an award call: what it takes over from this year's
call and the copy of the call and its application form page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.coreutils import find_available_slug
from wagtail.models import Page

from ...pages import transliterated_slug
from .common import call_models


def _stream_strings(value):
    """Every string in a StreamField's raw data (for a text excerpt)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "id"):
                yield from _stream_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _stream_strings(item)


class NextEditionMixin:
    """Copies an award call (and its application form page) to a draft call
    for the next year. Mixed into :class:`~.call.AbstractAwardCallPage`,
    whose fields (``edition``, ``application_page``, ``call_documents``, …)
    it uses."""

    def get_next_edition_sibling(self):
        """A call for ``edition + 1`` next to this one, if there is one."""
        for model in call_models():
            page = model.objects.sibling_of(self).filter(edition=self.edition + 1).first()
            if page is not None:
                return page
        return None

    @staticmethod
    def _next_year_text(text, old, new):
        return text.replace(str(old), str(new)) if str(old) in text else f"{text} {new}"

    def _next_year_slug(self, slug, parent, *, same_parent):
        """A valid, free ASCII slug below ``parent`` for next year's copy of
        a page with ``slug``: the year replaced, or added when the copy stays
        beside the original (``bewerbung`` → ``bewerbung-2027``)."""
        old, new = str(self.edition), str(self.edition + 1)
        if old in slug:
            slug = slug.replace(old, new)
        elif same_parent:
            slug = f"{slug}-{new}"
        return find_available_slug(parent, transliterated_slug(slug) or new)

    def get_next_edition_form(self):
        """The linked application page (specific) that the next edition copies, or None."""
        if not self.application_page_id:
            return None
        page = Page.objects.filter(pk=self.application_page_id).first()
        return page.specific if page is not None else None

    def next_edition_form_excludes(self, source_form):
        """Fields of ``source_form`` that next year's copy does not take over:
        every many-to-many to groups or users (who may read the applications,
        e.g. last year's jury), so access is never carried into a new year.
        Override this to leave out more."""
        access_models = (Group, get_user_model())
        return [
            field.name
            for field in source_form._meta.get_fields()
            if field.many_to_many
            and not field.auto_created
            and field.related_model in access_models
        ]

    def get_next_edition_carryover(self):
        """What the next edition takes over from this call, for the editor
        to check before and after the copy: texts, documents, people and
        the application form, each flagged when it names this year."""
        year = str(self.edition)

        def text_item(label, text):
            text = strip_tags(str(text or "")).strip()
            return {
                "label": label,
                "text": Truncator(text).words(25),
                "mentions_year": year in text,
            }

        texts = [text_item(gettext("Title"), self.title)]
        if self.intro:
            texts.append(text_item(gettext("Introduction"), self.intro))
        body = " ".join(_stream_strings(self.body.raw_data))
        if body.strip():
            texts.append(text_item(gettext("Body"), body))
        documents = [
            {
                "pk": row.pk,
                "label": row.display_title,
                "document": row.document.title,
                "mentions_year": year
                in f"{row.title} {row.document.title} {row.document.filename}",
            }
            for row in self.get_call_documents()
        ]
        people = [str(patron) for patron in self.patrons.all()]
        people += [str(member) for member in self.jury_members.all()]
        form = self.get_next_edition_form()
        form_info = None
        if form is not None:
            excluded = self.next_edition_form_excludes(form)
            form_info = {
                "page": form,
                "title": self._next_year_text(form.title, self.edition, self.edition + 1),
                "below_call": form.path.startswith(self.path) and form.depth == self.depth + 1,
                "not_carried": [str(obj) for name in excluded for obj in getattr(form, name).all()],
            }
        return {
            "texts": texts,
            "documents": documents,
            "people": people,
            "contact": str(self.contact) if self.contact_id else "",
            "form": form_info,
        }

    def create_next_edition(self, user=None, copy_application_page=True, documents=None):
        """Copy this call to a draft call for the next year, next to it, all
        in one transaction: an error anywhere leaves nothing behind.

        Texts, patrons and the public jury list are copied (Wagtail's
        ``Page.copy`` copies child relations), documents only those whose
        row ids are in ``documents`` (all when ``None``); the application
        period is cleared. The linked application page is copied as a draft
        below the new call when it lived below this one (else beside the
        original), without access grants (see
        :meth:`next_edition_form_excludes`), and every foreign key of the
        copy that points to this call is pointed to the new call, so the
        awards app needs no knowledge of the applications app. Override the
        steps (``copy_call_for_next_edition``, ``copy_form_for_next_edition``,
        ``finish_next_edition``) to copy more.
        """
        with transaction.atomic():
            new_call = self.copy_call_for_next_edition(user=user, documents=documents)
            new_form = None
            if copy_application_page:
                new_form = self.copy_form_for_next_edition(new_call, user=user)
            self.finish_next_edition(new_call, new_form, user=user)
        return new_call

    def copy_call_for_next_edition(self, user=None, documents=None):
        parent = self.get_parent()
        edition = self.edition + 1
        title = self._next_year_text(self.title, self.edition, edition)
        new_call = self.copy(
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": self._next_year_slug(self.slug, parent, same_parent=True),
                "edition": edition,
                "application_start": None,
                "deadline": None,
                "application_page": None,
                "seo_title": "",
                "first_published_at": None,
                "last_published_at": None,
            },
            exclude_fields=["call_documents"],
            copy_revisions=False,
            keep_live=False,
            user=user,
        ).specific
        rows = self.get_call_documents()
        if documents is not None:
            chosen = {int(pk) for pk in documents}
            rows = [row for row in rows if row.pk in chosen]
        for row in rows:
            model = type(row)
            parental_key = model._meta.get_field("page")
            values = {
                field.attname: getattr(row, field.attname)
                for field in model._meta.concrete_fields
                if not field.primary_key and field is not parental_key
            }
            model.objects.create(page=new_call, **values)
        return new_call

    def copy_form_for_next_edition(self, new_call, user=None):
        from .call import AbstractAwardCallPage  # here: .call imports this module

        source_form = self.get_next_edition_form()
        if source_form is None:
            return None
        old_parent = source_form.get_parent()
        below_call = old_parent.pk == self.pk
        form_parent = new_call if below_call else old_parent
        if user is not None and not form_parent.permissions_for_user(user).can_add_subpage():
            return None
        update_attrs = {
            field.name: new_call
            for field in source_form._meta.concrete_fields
            if field.many_to_one
            and isinstance(field.related_model, type)
            and issubclass(field.related_model, AbstractAwardCallPage)
            and getattr(source_form, field.attname) == self.pk
        }
        form_title = self._next_year_text(source_form.title, self.edition, self.edition + 1)
        update_attrs.update(
            title=form_title,
            draft_title=form_title,
            slug=self._next_year_slug(source_form.slug, form_parent, same_parent=not below_call),
            first_published_at=None,
            last_published_at=None,
        )
        return source_form.copy(
            to=form_parent,
            update_attrs=update_attrs,
            exclude_fields=self.next_edition_form_excludes(source_form),
            copy_revisions=False,
            keep_live=False,
            user=user,
        ).specific

    def finish_next_edition(self, new_call, new_form, user=None):
        """Link the new form to the new call and give both a draft revision."""
        if new_form is not None:
            new_form.save_revision(user=user, log_action=False)
            new_call.application_page = new_form
            new_call.save(update_fields=["application_page"], clean=False)
        new_call.save_revision(user=user, log_action=False)
