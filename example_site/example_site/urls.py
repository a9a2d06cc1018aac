from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from .partner_demo import partner_demo

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("b52/", include("b52_wagtail.urls")),
    # A partner's plain HTML page with the embeds (DEBUG only, see docs/embed.md).
    path("partner-demo/", partner_demo, name="partner_demo"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# German error pages from the package (see docs/install.md).
handler400 = "b52_wagtail.views.bad_request"
handler403 = "b52_wagtail.views.permission_denied"
handler404 = "b52_wagtail.views.page_not_found"
handler500 = "b52_wagtail.views.server_error"
