from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<int:pk>/ninjs", views.ArticleNinjsView.as_view(), name="article_ninjs"),
    path("corrections/", views.CorrectionListView.as_view(), name="correction_list"),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source"),
    path("authors/", views.AuthorListView.as_view(), name="author_list"),
    path("authors/<int:pk>/", views.AuthorDetailView.as_view(), name="author"),
    path("authors/<slug:slug>/", views.AuthorBySlugView.as_view(), name="author_by_slug"),
    path("sections/", views.SectionListView.as_view(), name="section_list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(), name="docs"),
]
