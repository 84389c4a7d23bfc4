from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editors.views.articles import shared_preview

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("desk/", include("editors.urls")),
    path("preview/<str:token>/", shared_preview, name="preview"),
    path("", include("articles.urls")),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    # Uploaded images; production sites usually let the proxy or a CDN serve these.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
