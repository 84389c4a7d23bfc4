from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import include, path

from editors.views.accounts import LoginView, PasswordResetView
from editors.views.articles import shared_preview

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

# Django's auth views name the site after the request's host; show the publication's name.
_named = {"extra_context": {"site_name": settings.SITE_NAME}}
accounts = [
    path("login/", LoginView.as_view(**_named), name="login"),
    path("logout/", auth.LogoutView.as_view(**_named), name="logout"),
    path(
        "password_change/",
        auth.PasswordChangeView.as_view(**_named),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth.PasswordChangeDoneView.as_view(**_named),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        PasswordResetView.as_view(**_named, extra_email_context={"site_name": settings.SITE_NAME}),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth.PasswordResetDoneView.as_view(**_named),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(**_named),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth.PasswordResetCompleteView.as_view(**_named),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("desk/", include("editors.urls")),
    path("preview/<str:token>/", shared_preview, name="preview"),
    path("api/v1/", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("articles.urls")),
]

# The site's own error pages, in the reader's or the desk's style by path; they render
# without the database or the cache (newsroom.errors).
handler400 = "newsroom.errors.bad_request"
handler403 = "newsroom.errors.permission_denied"
handler404 = "newsroom.errors.page_not_found"
handler500 = "newsroom.errors.server_error"

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
