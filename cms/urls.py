from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.search.views import catalogue_search
from cms.site.update_urls import feed_urls, subscription_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("cms.api.urls")),
    path("search/", catalogue_search, name="catalogue_search"),
    path("", include("cms.site.urls")),
    path("", include("cms.site.notice_urls")),
    path("", include("cms.site.media_urls")),
    path("", include("cms.site.schools")),
    path("", include(feed_urls)),
    path("", include(subscription_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree; keep it last.
urlpatterns += [path("", include(wagtail_urls))]

# Errors as JSON under /api/v1/, as the site's pages elsewhere.
handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
