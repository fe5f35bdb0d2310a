from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.media import private_media
from cms.views import robots_txt, serve
from directory.api import api as directory_api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", directory_api.urls),
    path("members/", include("members.urls")),
    path("commissioners/", include("commissioners.urls")),
    path("shortlist/", include("commissioners.shortlist_urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("private-media/<path:name>", private_media, name="private_media"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving must stay last: it answers every remaining path.
# cms.views.serve wraps Wagtail's own (same pattern) for the page cache and
# the origin-checked forms. Wagtail's other URLs (a private page's password
# form, its login) come first, as in Wagtail's own list, since the page
# pattern matches them too; Wagtail's own page pattern stays, unreached, so
# that reversing "wagtail_serve" still works.
wagtail_utilities = [p for p in wagtail_urls.urlpatterns if p.name != "wagtail_serve"]
urlpatterns += [
    path("", include(wagtail_utilities)),
    re_path(wagtail_urls.serve_pattern, serve, name="cms_serve"),
    path("", include(wagtail_urls)),
]
