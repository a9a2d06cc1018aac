"""The package's API router. Endpoints only list live, public pages of the
site the request was made to (Wagtail's ``PagesAPIViewSet`` filters
``live().public()`` below the request's site).

Answers use the package's time zone (``B52_TIME_ZONE``: datetimes carry
``+01:00``/``+02:00``) and language (``B52_LANGUAGE``, or ``?lang=de|en``),
whatever the host's ``TIME_ZONE`` and the client's ``Accept-Language``.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .. import localization


class LocalizedAPIMixin:
    """Run the whole request (serialisation included) in the package's
    language and time zone."""

    def dispatch(self, request, *args, **kwargs):
        with localization.override(localization.requested_language(request)):
            return super().dispatch(request, *args, **kwargs)


class B52PagesAPIViewSet(LocalizedAPIMixin, PagesAPIViewSet):
    known_query_parameters = PagesAPIViewSet.known_query_parameters | {"lang"}


class B52ImagesAPIViewSet(LocalizedAPIMixin, ImagesAPIViewSet):
    known_query_parameters = ImagesAPIViewSet.known_query_parameters | {"lang"}


class B52DocumentsAPIViewSet(LocalizedAPIMixin, DocumentsAPIViewSet):
    known_query_parameters = DocumentsAPIViewSet.known_query_parameters | {"lang"}


api_router = WagtailAPIRouter("b52_api")
api_router.register_endpoint("pages", B52PagesAPIViewSet)
api_router.register_endpoint("images", B52ImagesAPIViewSet)
api_router.register_endpoint("documents", B52DocumentsAPIViewSet)
