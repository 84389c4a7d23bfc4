from django.urls import path

from editors.views import articles, attributing, dashboard, people, presence, sources, tokens
from editors.views import reports as report_views
from notifications import views as notifications

app_name = "editors"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_create, name="article_create"),
    path("articles/import/", articles.article_import, name="article_import"),
    path("articles/<int:pk>/", articles.article_edit, name="article_edit"),
    path(
        "articles/<int:pk>/move/<str:to>/",
        articles.article_transition,
        name="article_transition",
    ),
    path("articles/<int:pk>/presence/", presence.presence_beat, name="presence_beat"),
    path("articles/<int:pk>/presence/leave/", presence.presence_leave, name="presence_leave"),
    path("articles/<int:pk>/comments/", articles.comment_create, name="comment_create"),
    path(
        "articles/<int:pk>/suggestions/accept/",
        articles.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "articles/<int:pk>/suggestions/reject/",
        articles.suggestion_reject,
        name="suggestion_reject",
    ),
    path(
        "articles/<int:pk>/attribute/",
        attributing.attribution_pick,
        name="attribution_pick",
    ),
    path(
        "attributions/<int:pk>/delete/",
        articles.attribution_delete,
        name="attribution_delete",
    ),
    path("articles/<int:pk>/revisions/", articles.revision_list, name="revision_list"),
    path(
        "articles/<int:pk>/revisions/compare/",
        articles.revision_compare,
        name="revision_compare",
    ),
    path(
        "articles/<int:pk>/revisions/<int:number>/restore/",
        articles.revision_restore,
        name="revision_restore",
    ),
    path("articles/<int:pk>/preview/", articles.article_preview, name="article_preview"),
    path("articles/<int:pk>/share/", articles.preview_link_create, name="preview_link_create"),
    path(
        "articles/<int:pk>/share/<int:link_id>/revoke/",
        articles.preview_link_revoke,
        name="preview_link_revoke",
    ),
    path("people/", people.person_list, name="person_list"),
    path("sources/", sources.source_list, name="source_list"),
    path("sources/search/", attributing.source_search, name="source_search"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/merge/", sources.source_merge, name="source_merge"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/read/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:pk>/dismiss/", report_views.report_dismiss, name="report_dismiss"),
    path("reports/<int:pk>/accept/", report_views.report_accept, name="report_accept"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
