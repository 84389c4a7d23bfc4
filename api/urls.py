from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("articles/<int:pk>/ninjs", views.ArticleNinjsView.as_view(), name="article_ninjs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
